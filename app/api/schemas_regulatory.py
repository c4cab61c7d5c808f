"""Request bodies of the regulatory paths: data-quality objections, coordination of a refusal."""
from marshmallow import Schema

from app.api.schemas import Text


class ObjectionIn(Schema):
    resource = Text(required=True, max=64)
    description = Text(required=True)


class CoordinateIn(Schema):
    reason = Text(required=True)
