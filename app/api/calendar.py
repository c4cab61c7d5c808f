"""Calendar endpoints (see API.md)."""
from flask_smorest import Blueprint

blp = Blueprint("calendar", __name__, description="日历 Calendar")
