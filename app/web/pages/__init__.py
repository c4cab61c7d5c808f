"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import (admin, audit, auth, casework, dashboard, notifications, processes, requests,  # noqa: F401
                           tasks)
