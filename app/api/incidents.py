"""Operations endpoints (see API.md)."""
from flask_smorest import Blueprint

blp = Blueprint("incidents", __name__, description="运维 Operations")
