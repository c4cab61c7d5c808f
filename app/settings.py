"""Settings read from the environment (API.md "Start-up knobs"), in one place."""
import os
import secrets


def from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping; defaults give a newcomer an embedded SQLite service."""
    default_db = "sqlite:///" + os.path.join(instance_path, "datashare.sqlite")
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        # PostgreSQL: pooled connections idle for a while are tested at checkout (app/idle_ping.py)
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "SECRET_KEY": os.environ.get("DSF_SECRET_KEY") or secrets.token_hex(32),
        "MAX_CONTENT_LENGTH": int(os.environ.get("DSF_MAX_BODY_BYTES", 2 * 1024 * 1024)),
        "DSF_FAKE_CLOCK": os.environ.get("DSF_FAKE_CLOCK") == "1",
        "DSF_TIMEZONE": os.environ.get("DSF_TIMEZONE", "Asia/Shanghai"),
        # The city whose big-data authority runs the green channel (市大数据主管部门).
        "DSF_CITY_REGION": os.environ.get("DSF_CITY_REGION", "东营市"),
        "DSF_ADMIN_PASSWORD": os.environ.get("DSF_ADMIN_PASSWORD"),
        "DSF_SCHEDULER": os.environ.get("DSF_SCHEDULER", "on"),
        "DSF_TIMER_TICK_SECONDS": int(os.environ.get("DSF_TIMER_TICK_SECONDS", 10)),
        "DSF_TOKEN_HOURS": int(os.environ.get("DSF_TOKEN_HOURS", 12)),
        # Reverse proxies in front of the service: their X-Forwarded-For names the client
        # (login throttling counts per client address).
        "DSF_PROXY_HOPS": int(os.environ.get("DSF_PROXY_HOPS", 0)),
        # Art. 20 ¶3: an emergency reclassification lasts at most this many days (local choice).
        "DSF_EMERGENCY_MAX_DAYS": int(os.environ.get("DSF_EMERGENCY_MAX_DAYS", 30)),
        "DSF_BPMN_DIR": os.environ.get("DSF_BPMN_DIR", ""),
        # attachments' bytes, content-addressed by SHA-256 (outside the database rows)
        "DSF_FILES_DIR": os.environ.get("DSF_FILES_DIR", os.path.join(instance_path, "files")),
        "DSF_MAX_ATTACHMENT_BYTES": int(os.environ.get("DSF_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)),
        # e.g. smtp://127.0.0.1:1025: notifications are also mailed (after commit)
        "DSF_SMTP_URL": os.environ.get("DSF_SMTP_URL", ""),
        "DSF_MAIL_FROM": os.environ.get("DSF_MAIL_FROM", "noreply@datashare.local"),
        # the CJK TrueType font of the written decisions (Debian: fonts-wqy-microhei)
        "DSF_CJK_FONT": os.environ.get("DSF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        # Bounded work per command (API.md "Bounded work and clean failures").
        "DSF_MAX_ENGINE_STEPS": int(os.environ.get("DSF_MAX_ENGINE_STEPS", 10_000)),
        "DSF_MAX_INSTANCES": int(os.environ.get("DSF_MAX_INSTANCES", 200)),
        "DSF_MAX_CASE_DATA": int(os.environ.get("DSF_MAX_CASE_DATA", 1024 * 1024)),
        "API_TITLE": "Datashare Flow",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
    }
