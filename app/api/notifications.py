"""The caller's notifications and their read marks."""
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields

from app import auth, notifications
from app.api.schemas import page_of
from app.services import calendar, today

blp = Blueprint("notifications", __name__, description="通知 Notifications")


class Notification(Schema):
    id = fields.String()
    kind = fields.String(metadata={"enum": ["decision", "supplement_requested", "deadline_extended",
                                            "returned_for_amendment", "new_task", "deadline_near",
                                            "task_reassigned", "receipt_overdue", "reply_overdue",
                                            "longer_period", "objection_verified", "review_reopened"]})
    request_id = fields.String()
    at = fields.String()
    message = fields.String()
    data = fields.Dict()
    read = fields.Boolean()


NotificationList = page_of(Notification, "NotificationList")


class NotificationFilter(Schema):
    unread = fields.Boolean(load_default=False)


class Ids(fields.Field):
    """``"all"`` or a list of notification ids."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "all":
            return None
        if (isinstance(value, list) and len(value) <= 1000
                and all(isinstance(v, str) and 0 < len(v) <= 128 for v in value)):
            return value
        raise ValidationError('"all" or a list of notification ids')


class ReadIn(Schema):
    ids = Ids(required=True, metadata={"oneOf": [{"type": "string", "enum": ["all"]},
                                                 {"type": "array", "items": {"type": "string"}}]})


class ReadOut(Schema):
    marked = fields.Integer()
    unread = fields.Integer()


@blp.get("/notifications")
@auth.require()
@blp.arguments(NotificationFilter, location="query")
@blp.response(200, NotificationList)
def list_notifications(args):
    """Decisions, supplement requests, returns and extensions on your requests; new, handed-over
    and nearly due tasks in your inbox. Newest first; ``unread=true``: only those not yet read."""
    items = notifications.for_user(auth.current_user(), today(), calendar(), unread_only=args["unread"])
    return {"items": items, "total": len(items)}


@blp.post("/notifications/read")
@auth.require()
@blp.arguments(ReadIn)
@blp.response(200, ReadOut)
def mark_read(body):
    """Mark notifications read: ``{"ids": [...]}`` or ``{"ids": "all"}``."""
    user = auth.current_user()
    marked = notifications.mark_read(user, body["ids"], today(), calendar())
    return {"marked": marked, "unread": notifications.unread_count(user, today(), calendar())}
