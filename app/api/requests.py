"""Requests (cases): file, list, read, withdraw."""
from flask_smorest import Blueprint

from app import auth
from app.api import present
from app.api.schemas import (OpenDataRequestIn, PurchaseRequestIn, RequestList, RequestOut, ShareRequestIn,
                             SupplementIn)
from app.api.schemas_admin import CancelIn, CaseFilter
from app.cases import access, lists, open_data, purchase, requests, share
from app.errors import forbidden
from app.services import today

blp = Blueprint("requests", __name__, description="申请事项 Requests")


@blp.post("/share-requests")
@auth.require("applicant")
@blp.arguments(ShareRequestIn)
@blp.response(201, RequestOut)
def file_share_request(body):
    """共享申请 (Art. 19-22): routed by the resource's share type."""
    case = share.start(auth.current_user(), body["resource"], body["purpose"], body["legal_basis"],
                       body["green_channel"])
    return present.case(case)


@blp.post("/open-data-requests")
@auth.require("citizen")
@blp.arguments(OpenDataRequestIn)
@blp.response(201, RequestOut)
def file_open_data_request(body):
    """依申请开放 (Art. 26-29, 政府信息公开条例): a citizen applies for on-request open data."""
    case = open_data.start(auth.current_user(), body["resource"], body["purpose"], body["description"],
                           body["channel"])
    return present.case(case)


@blp.post("/purchase-requests")
@auth.require("applicant")
@blp.arguments(PurchaseRequestIn)
@blp.response(201, RequestOut)
def file_purchase_request(body):
    """购买社会数据 (Art. 13): reviewed by the authority of the buyer's own region."""
    return present.case(purchase.start(auth.current_user(), body))


@blp.get("/requests")
@auth.require()
@blp.arguments(CaseFilter, location="query")
@blp.response(200, RequestList)
def list_requests(args):
    """Newest first; ``total`` is exact up to 1,000, beyond that ``total_exact`` is false."""
    query = lists.requests_query(auth.current_user(), args.get("kind"), args.get("status"), args.get("process"),
                                 args.get("version"))
    found = lists.page(query, args["page"], args["per_page"])
    tasks, linked, on = lists.open_tasks_of(found.items), lists.linked_of(found.items), today()
    return present.listed({"items": [present.case(c, tasks[c.id], linked[c.id], on) for c in found.items],
                           "total": found.total, "total_exact": found.exact})


@blp.get("/requests/<case_id>")
@auth.require()
@blp.response(200, RequestOut)
def get_request(case_id):
    return present.case(access.case_for_reading(auth.current_user(), case_id))


@blp.post("/requests/<case_id>/supplement")
@auth.require()
@blp.arguments(SupplementIn)
@blp.response(200, RequestOut)
def supplement(body, case_id):
    """补正 (政府信息公开条例 Art. 30): the applicant answers a supplement request."""
    user = auth.current_user()
    if access.case_for_reading(user, case_id).applicant_id != user.id:
        raise forbidden(reason="not the applicant")
    return present.case(open_data.supplement(user, case_id, body["description"], body.get("good_reason")))


@blp.post("/requests/<case_id>/withdraw")
@auth.require()
@blp.response(200, RequestOut)
def withdraw(case_id):
    user = auth.current_user()
    access.case_for_reading(user, case_id)
    return present.case(requests.withdraw(user, case_id))


@blp.post("/requests/<case_id>/cancel")
@auth.require("admin")
@blp.arguments(CancelIn)
@blp.response(200, RequestOut)
def cancel(body, case_id):
    """Administrator ends a broken case (tasks, timers cancelled; clocks stopped; audited)."""
    return present.case(requests.cancel(auth.current_user(), case_id, body["reason"]))
