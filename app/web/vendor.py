"""Third-party browser files (bpmn-js, its translations, ECharts) served from
.web-assets/node_modules (the npm packages of app/web/package.json, installed there by
``make install``): local files only, no CDN.
Only the folders named here are reachable."""
from __future__ import annotations

import json
import os
from functools import lru_cache

from flask import abort, send_from_directory, url_for

from app.web import bp

NODE_MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
                            ".web-assets", "node_modules")
# URL name -> (npm package, folder inside it)
PACKAGES = {
    "bpmn-js": ("bpmn-js", "dist"),
    "bpmn-js-i18n": ("bpmn-js-i18n", "translations"),
    "echarts": ("echarts", "dist"),
}


@lru_cache(maxsize=None)
def version(name: str) -> str | None:
    """The installed version of a package, or None when ``npm ci`` has not been run."""
    package, _folder = PACKAGES[name]
    try:
        with open(os.path.join(NODE_MODULES, package, "package.json"), encoding="utf-8") as file:
            return json.load(file)["version"]
    except (OSError, ValueError, KeyError):
        return None


def installed(*names: str) -> bool:
    return all(version(name) for name in names)


def vendor_url(name: str, filename: str) -> str:
    """The URL of a vendor file, versioned so that an upgrade is never served from cache."""
    return url_for("web.vendor_file", name=name, filename=filename, v=version(name))


@bp.get("/vendor/<name>/<path:filename>")
def vendor_file(name: str, filename: str):
    if name not in PACKAGES or not installed(name):
        abort(404)
    package, folder = PACKAGES[name]
    return send_from_directory(os.path.join(NODE_MODULES, package, folder), filename, max_age=7 * 24 * 3600)


@bp.app_context_processor
def _vendor_helpers():
    return {"vendor_url": vendor_url, "vendor_installed": installed}
