"""The inbox: list, read, claim, unclaim, complete."""
from flask_smorest import Blueprint

from app import auth
from app.api import present
from app.api.common import json_object, page
from app.api.schemas import RequestOut, TaskFilter, TaskList, TaskOut
from app.cases import access, tasks
from app.engine.clock import local_date
from app.models import HumanTask
from app.services import clock, timezone

blp = Blueprint("tasks", __name__, description="待办任务 Tasks")


@blp.get("/tasks")
@auth.require()
@blp.arguments(TaskFilter, location="query")
@blp.response(200, TaskList)
def inbox(args):
    """Tasks the caller may work, by due date then creation (no due date last)."""
    user = auth.current_user()
    query = access.inbox(user)
    if args.get("assigned") == "me":
        query = query.where(HumanTask.assignee_id == user.id)
    elif args.get("assigned") == "unassigned":
        query = query.where(HumanTask.assignee_id.is_(None))
    if "kind" in args:
        query = query.where(HumanTask.kind == args["kind"])
    if "request" in args:
        query = query.where(HumanTask.case_id == args["request"])
    if args.get("overdue") is not None:
        today = local_date(clock().now(), timezone())
        late = HumanTask.due_date < today
        query = query.where(late if args["overdue"] else (HumanTask.due_date.is_(None) | ~late))
    query = query.order_by(HumanTask.due_date.is_(None), HumanTask.due_date, HumanTask.created_at,
                           HumanTask.id)
    return page(query, args, present.task)


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
