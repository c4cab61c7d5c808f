"""The governed catalog (公共数据资源目录, Art. 9-11, 20, 25-27): its rules, the read views and
the commands that change it. Every change is a command in the unit of work that appends a
``resource_changed`` event (before/after) and, when published, a new ``ResourceVersion``."""
from app.catalog.rules import check_rules, may_edit  # noqa: F401
from app.catalog.views import get, visible  # noqa: F401
