"""SQLAlchemy 2 typed models, one module per aggregate."""
from app.models.identity import ApiToken, Department, LoginThrottle, User  # noqa: F401
from app.models.catalog import Resource, ResourceVersion  # noqa: F401
from app.models.process import ProcessDefinition  # noqa: F401
from app.models.case import Case  # noqa: F401
from app.models.task import HumanTask  # noqa: F401
from app.models.audit import AuditEvent, ChainHead  # noqa: F401
from app.models.timer import TimerJob  # noqa: F401
from app.models.calendar import CalendarYear  # noqa: F401
from app.models.grant import Grant  # noqa: F401
from app.models.casework import CaseAttachment, CaseComment  # noqa: F401
from app.models.mail import MailOutbox, NotificationRead  # noqa: F401
from app.models.stats import SlaCaseMark, SlaOpenClock, SlaOpenClockDay, SlaRollup, SlaRollupState  # noqa: F401
