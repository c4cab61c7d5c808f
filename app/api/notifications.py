"""The caller's notifications."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app import auth, notifications
from app.api.schemas import page_of
from app.engine.clock import local_date
from app.services import calendar, clock, timezone

blp = Blueprint("notifications", __name__, description="通知 Notifications")


class Notification(Schema):
    id = fields.String()
    kind = fields.String(metadata={"enum": ["decision", "supplement_requested", "deadline_extended",
                                            "new_task", "deadline_near", "receipt_overdue", "reply_overdue",
                                            "longer_period", "objection_verified", "review_reopened"]})
    request_id = fields.String()
    at = fields.String()
    message = fields.String()
    data = fields.Dict()


NotificationList = page_of(Notification, "NotificationList")


@blp.get("/notifications")
@auth.require()
@blp.response(200, NotificationList)
def list_notifications():
    """Decisions, supplement requests and extensions on your requests; new tasks and
    deadlines one working day away in your inbox. Newest first."""
    items = notifications.for_user(auth.current_user(), local_date(clock().now(), timezone()), calendar())
    return {"items": items, "total": len(items)}
