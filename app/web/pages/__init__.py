"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import admin, audit, auth, dashboard, notifications, processes, requests, tasks  # noqa: F401
from app.web.pages import migrations  # noqa: F401,E402 (administration: moving cases between versions)
