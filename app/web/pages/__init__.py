"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import (admin, admin_catalog, admin_identity, audit, auth, case_admin, casework,  # noqa: F401
                           dashboard, grants, migrations, notices, notifications, processes, requests, tasks)
