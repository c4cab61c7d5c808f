"""Further paths of the measures (PRODUCT.md §5): data-quality objections (Art. 18), the
applicant's request that the authority coordinate a refusal (Art. 23 ¶1), change notices to
grant holders (Art. 23 ¶2) and catalog update obligations (Art. 11)."""
from flask_smorest import Blueprint

from app import auth
from app.api import present
from app.api.schemas import RequestOut
from app.api.schemas_regulatory import CatalogUpdateIn, ChangeNoticeIn, CoordinateIn, ObjectionIn
from app.cases import catalog_update, change_notice, coordination, objection

blp = Blueprint("regulatory", __name__, description="校核异议与协调 Objections and coordination")


@blp.post("/objections")
@auth.require("applicant")
@blp.arguments(ObjectionIn)
@blp.response(201, RequestOut)
def file_objection(body):
    """数据校核异议 (Art. 18): the provider verifies (local 5 WD), the objector accepts or asks for coordination."""
    return present.case(objection.start(auth.current_user(), body["resource"], body["description"]))


@blp.post("/requests/<case_id>/coordinate")
@auth.require("applicant")
@blp.arguments(CoordinateIn)
@blp.response(200, RequestOut)
def coordinate(body, case_id):
    """协调 (Art. 23 ¶1): after a refusal, the applicant asks the authority to coordinate."""
    return present.case(coordination.ask(auth.current_user(), case_id, body["reason"]))


@blp.post("/change-notices")
@auth.require("approver")
@blp.arguments(ChangeNoticeIn)
@blp.response(201, RequestOut)
def give_change_notice(body):
    """共享告知 (Art. 23 ¶2): the provider tells every holder of an active grant ≥ 10 WD ahead;
    422 ``notice_too_late`` otherwise. Holders acknowledge; on the effective day the grants are
    suspended or carried over."""
    return present.case(change_notice.start(auth.current_user(), body))


@blp.post("/catalog-updates")
@auth.require("authority")
@blp.arguments(CatalogUpdateIn)
@blp.response(201, RequestOut)
def open_catalog_update(body):
    """目录更新义务 (Art. 11): the unit's approvers file its catalog changes within 15 WD and close
    the obligation with ``{"done": true, "changes": [case ids]}``; overdue, the authority supervises."""
    return present.case(catalog_update.start(auth.current_user(), body["department"], body["reason"]))
