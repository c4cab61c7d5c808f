"""Audit endpoints (auditor, admin): verify the chain, replay a case, export events."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app import auth
from app.audit import verify as chain

blp = Blueprint("audit", __name__, description="审计 Audit")
AUDITORS = ("auditor", "admin")


class VerifyOut(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    first_bad_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)


@blp.get("/audit/verify")
@auth.require(*AUDITORS)
@blp.response(200, VerifyOut)
def verify():
    """Recompute the whole hash chain; names the first event that was changed, deleted or
    inserted (``problem`` says which kind of break was found there)."""
    return chain.verify().to_dict()
