"""The page routes, one module per area; importing them registers them on the blueprint."""
from app.web.pages import (admin, admin_catalog, admin_identity, audit, auth, case_admin,  # noqa: F401
                           casework, catalog_updates, dashboard, grants, migrations, notices,
                           notifications, processes, requests, tasks)
