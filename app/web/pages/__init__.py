"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import (admin, admin_identity, audit, auth, dashboard, grants, notifications,  # noqa: F401
                           processes, requests, tasks)
