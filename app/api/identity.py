"""Departments and users (admin); passwords (admin, or the user themself)."""
from flask_smorest import Blueprint

from app import auth, identity
from app.api import present
from app.api.common import page
from app.api.schemas import DepartmentIn, DepartmentList, DepartmentOut, PageArgs, UserIn, UserList, UserOut
from app.api.schemas_identity import DepartmentPatch, PasswordChange, UserPatch
from app.cases.uow import UnitOfWork
from app.identity import views
from app.identity.commands import authorize_password_change
from app.models import Department

blp = Blueprint("identity", __name__, description="部门与用户 Departments and users")


def _department(d: Department) -> dict:
    return {"code": d.code, "name": d.name, "kind": d.kind, "region": d.region}


@blp.post("/departments")
@auth.require("admin")
@blp.arguments(DepartmentIn)
@blp.response(201, DepartmentOut)
def add_department(body):
    with UnitOfWork(auth.current_user().username) as uow:
        dept = identity.create_department(uow, **body)
    return _department(dept)


@blp.patch("/departments/<code>")
@auth.require("admin")
@blp.arguments(DepartmentPatch)
@blp.response(200, DepartmentOut)
def patch_department(body, code):
    with UnitOfWork(auth.current_user().username) as uow:
        dept = identity.edit_department(uow, code, body)
    return _department(dept)


@blp.get("/departments")
@auth.require()
@blp.arguments(PageArgs, location="query")
@blp.response(200, DepartmentList)
def list_departments(args):
    return page(views.departments_query(), args, _department)


@blp.post("/users")
@auth.require("admin")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def add_user(body):
    password = identity.NewPassword.of(body["password"], body["username"])
    with UnitOfWork(auth.current_user().username) as uow:
        user = identity.create_user(uow, body["username"], password, body["display_name"],
                                    body["department"], body["roles"], body["email"])
    return present.user(user)


@blp.patch("/users/<username>")
@auth.require("admin")
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
def patch_user(body, username):
    with UnitOfWork(auth.current_user().username) as uow:
        user = identity.edit_user(uow, username, body)
    return present.user(user)


@blp.post("/users/<username>/password")
@auth.require()
@blp.arguments(PasswordChange)
@blp.response(204)
def change_password(body, username):
    """An administrator resets anyone's; a user changes their own with ``old_password``.
    Every other login of the user ends."""
    caller = auth.current_user()
    by = authorize_password_change(caller, username, body.get("old_password"))
    password = identity.NewPassword.of(body["password"], username)
    with UnitOfWork(caller.username) as uow:
        identity.set_password(uow, username, password, by,
                              keep_token=auth.current_token() if by == "self" else None)


@blp.get("/users")
@auth.require("admin", "auditor")
@blp.arguments(PageArgs, location="query")
@blp.response(200, UserList)
def list_users(args):
    return page(views.users_query(), args, present.user)
