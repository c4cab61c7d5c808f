"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import admin, admin_catalog, audit, auth, dashboard, notifications, processes, requests, tasks  # noqa: F401
