"""Audit endpoints (see API.md)."""
from flask_smorest import Blueprint

blp = Blueprint("audit", __name__, description="审计 Audit")
