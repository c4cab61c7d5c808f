"""Login, logout, self-registration, the caller's own identity."""
from flask import request
from flask_smorest import Blueprint

from app import auth, identity
from app.api import present
from app.api.schemas import Login, LoginOut, Register, UserOut
from app.cases.uow import UnitOfWork
from app.identity import login as logins

blp = Blueprint("auth", __name__, description="登录与身份 Login and identity")


@blp.post("/auth/login")
@blp.arguments(Login)
@blp.response(200, LoginOut)
def login(body):
    user, token = logins.log_in(body["username"], body["password"], request.remote_addr, "api")
    return {"token": token, "user": present.user(user)}


@blp.post("/auth/logout")
@auth.require()
@blp.response(204)
def logout():
    """The bearer token is dead afterwards."""
    user = auth.current_user()
    with UnitOfWork(user.username) as uow:
        logins.log_out(uow, user, auth.current_token(), "api")


@blp.post("/auth/register")
@blp.arguments(Register)
@blp.response(201, UserOut)
def register(body):
    """Self-registration: creates a citizen (公民、法人和其他组织), with no department."""
    password = identity.NewPassword.of(body["password"], body["username"])
    with UnitOfWork(body["username"]) as uow:
        user = identity.create_user(uow, body["username"], password, body["display_name"], None,
                                    ["citizen"], body["email"], via="self_registration")
    return present.user(user)


@blp.get("/me")
@auth.require()
@blp.response(200, UserOut)
def me():
    return present.user(auth.current_user())
