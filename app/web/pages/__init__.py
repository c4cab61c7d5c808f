"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import (admin, admin_catalog, admin_identity, audit, auth, casework, dashboard,  # noqa: F401
                           grants, migrations, notifications, processes, requests, tasks)
