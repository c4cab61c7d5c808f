"""Request bodies of the regulatory paths: data-quality objections, coordination of a refusal,
change notices to grant holders, catalog update obligations."""
from marshmallow import Schema, fields, validate

from app.api.schemas import Text
from app.cases.change_notice import GRANT_ACTIONS, KINDS as NOTICE_KINDS


class ObjectionIn(Schema):
    resource = Text(required=True, max=64)
    description = Text(required=True)


class CoordinateIn(Schema):
    reason = Text(required=True)


class ChangeNoticeIn(Schema):
    resource = Text(required=True, max=64)
    kind = fields.String(required=True, validate=validate.OneOf(NOTICE_KINDS),
                         metadata={"description": "upgrade 升级 | change 变更 | stop 停用"})
    effective_on = fields.Date(required=True, metadata={"description": "at least 10 WD after today (Art. 23 ¶2)"})
    description = Text(required=True)
    grants = fields.String(required=True, validate=validate.OneOf(GRANT_ACTIONS),
                           metadata={"description": "what happens to the holders' grants on the effective day"})


class CatalogUpdateIn(Schema):
    department = Text(required=True, max=64, metadata={"description": "the unit whose catalog must be updated"})
    reason = Text(required=True, metadata={"description": "the law changed or the duties assigned (Art. 11)"})
