"""The inbox: list, read, claim, unclaim, complete."""
from flask_smorest import Blueprint

from app import auth
from app.api import present
from app.api.common import json_object
from app.api.schemas import RequestOut, TaskOut
from app.api.schemas_daily import InboxFilter, InboxList, ReasonIn, ReassignIn
from app.cases import access, handover, tasks, views
from app.services import today

blp = Blueprint("tasks", __name__, description="待办任务 Tasks")


@blp.get("/tasks")
@auth.require()
@blp.arguments(InboxFilter, location="query")
@blp.response(200, InboxList)
def inbox(args):
    """Tasks the caller may work (``scope=department``: the department's open tasks, colleagues'
    too), searched and filtered; overdue first, then by due date (none last), then by arrival."""
    on = today()
    rows, total = views.inbox_page(auth.current_user(), on, args)
    return present.listed({"items": [present.inbox_row(r, on) for r in rows], "total": total})


@blp.get("/tasks/<task_id>")
@auth.require()
@blp.response(200, TaskOut)
def get_task(task_id):
    return present.task(access.task_for_reading(auth.current_user(), task_id), with_form=True)


@blp.post("/tasks/<task_id>/claim")
@auth.require()
@blp.response(200, TaskOut)
def claim(task_id):
    return present.task(tasks.claim(auth.current_user(), task_id))


@blp.post("/tasks/<task_id>/unclaim")
@auth.require()
@blp.response(200, TaskOut)
def unclaim(task_id):
    return present.task(tasks.unclaim(auth.current_user(), task_id))


@blp.post("/tasks/<task_id>/complete")
@auth.require()
@blp.response(200, RequestOut)
def complete(task_id):
    """Body: the task's form (see ``form`` in GET /tasks/{id}); claims implicitly."""
    return present.case(tasks.complete(auth.current_user(), task_id, json_object()))


@blp.post("/tasks/<task_id>/reassign")
@auth.require()
@blp.arguments(ReassignIn)
@blp.response(200, TaskOut)
def reassign(body, task_id):
    """转办: to a colleague with the lane's role in the task's department; audited."""
    return present.task(handover.reassign(auth.current_user(), task_id, body["to"], body["reason"]))


@blp.post("/tasks/<task_id>/return")
@auth.require()
@blp.arguments(ReasonIn)
@blp.response(200, RequestOut)
def return_for_amendment(body, task_id):
    """退回修改 (a share request's provider review): back to the applicant, the clock paused."""
    return present.case(handover.return_for_amendment(auth.current_user(), task_id, body["reason"]))
