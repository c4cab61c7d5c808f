"""Departments and users (admin)."""
from flask_smorest import Blueprint
from sqlalchemy import select

from app import auth
from app.api import present
from app.api.common import page
from app.api.schemas import (DepartmentIn, DepartmentList, DepartmentOut, PageArgs, UserIn, UserList,
                             UserOut)
from app.extensions import db
from app.identity import create_department, create_user
from app.models import Department, User

blp = Blueprint("identity", __name__, description="部门与用户 Departments and users")


def _department(d: Department) -> dict:
    return {"code": d.code, "name": d.name, "kind": d.kind, "region": d.region}


@blp.post("/departments")
@auth.require("admin")
@blp.arguments(DepartmentIn)
@blp.response(201, DepartmentOut)
def add_department(body):
    dept = create_department(**body)
    db.session.commit()
    return _department(dept)


@blp.get("/departments")
@auth.require()
@blp.arguments(PageArgs, location="query")
@blp.response(200, DepartmentList)
def list_departments(args):
    return page(select(Department).order_by(Department.code), args, _department)


@blp.post("/users")
@auth.require("admin")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def add_user(body):
    user = create_user(body["username"], body["password"], body["display_name"], body["department"],
                       body["roles"])
    db.session.commit()
    return present.user(user)


@blp.get("/users")
@auth.require("admin", "auditor")
@blp.arguments(PageArgs, location="query")
@blp.response(200, UserList)
def list_users(args):
    return page(select(User).order_by(User.username), args, present.user)
