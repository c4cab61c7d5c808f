"""Login, self-registration, the caller's own identity."""
from flask_smorest import Blueprint

from app import auth
from app.api import present
from app.api.schemas import Login, LoginOut, Register, UserOut
from app.extensions import db
from app.identity import create_user

blp = Blueprint("auth", __name__, description="登录与身份 Login and identity")


@blp.post("/auth/login")
@blp.arguments(Login)
@blp.response(200, LoginOut)
def login(body):
    user = auth.authenticate(body["username"], body["password"])
    token = auth.issue_token(user)
    db.session.commit()
    return {"token": token, "user": present.user(user)}


@blp.post("/auth/register")
@blp.arguments(Register)
@blp.response(201, UserOut)
def register(body):
    """Self-registration: creates a citizen (公民、法人和其他组织), with no department."""
    user = create_user(body["username"], body["password"], body["display_name"], None, ["citizen"])
    db.session.commit()
    return present.user(user)


@blp.get("/me")
@auth.require()
@blp.response(200, UserOut)
def me():
    return present.user(auth.current_user())
