"""The identity room: departments, users, roles, passwords, logins and their throttling.

``commands`` change things (inside a unit of work, audited), ``views`` read them, ``login``
logs in and out, ``passwords``/``tokens``/``throttle`` hold the rules they rely on.
"""
from app.identity.commands import (bootstrap_admin, create_department, create_user, edit_department,  # noqa: F401
                                   edit_user, set_password)
from app.identity.passwords import NewPassword  # noqa: F401
