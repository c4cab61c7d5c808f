"""Interactive API docs (Swagger UI) served from the installed package: no CDN, ever."""
from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs", __name__)

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Datashare Flow API</title>
<link rel="stylesheet" href="/api/v1/docs/static/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/v1/docs/static/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/static/docs-init.js"></script></body></html>"""
_INIT = 'window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#ui"});'


@bp.get("/api/v1/docs")
def page():
    return Response(_PAGE, mimetype="text/html")


@bp.get("/api/v1/docs/static/docs-init.js")
def init_script():
    return Response(_INIT, mimetype="application/javascript")


@bp.get("/api/v1/docs/static/<path:filename>")
def asset(filename: str):
    return send_from_directory(str(swagger_ui_path), filename)
