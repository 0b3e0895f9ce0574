"""Serve the static export of the frontend (`frontend/out`, written by `make -C frontend build`).

`/` is index.html; `/signin`, `/tasks`… are `<page>.html` or `<page>/index.html`; any other file of the
export is served as is, hashed `_next/static/*` assets with a year-long immutable cache, everything else
revalidated (`no-cache`, with ETag). A precompressed `<file>.gz` is sent to clients that accept gzip.
An unknown GET path that is not an asset falls back to index.html (the client-side router decides).

API paths (`/api/…`, `/healthz`, `/readyz`, `/metrics`, `/apidoc/…`) never reach this blueprint: its
catch-all converter refuses them, so they keep their own routes, 404s and 405s, whatever the
registration order. Security headers (CSP and the rest) come from app.security's after_request hook,
and these files are exempt from the rate limits. Without a build, `/` answers a short HTML page saying so (not a 500).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, request, send_file
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.security import safe_join

from app.config import get_config
from app.security import content_security_policy, exempt

bp = Blueprint("web", __name__)

RESERVED = ("api", "healthz", "readyz", "metrics", "apidoc")
"""First path segments that belong to the backend, never to the frontend."""

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
ASSET_PREFIXES = ("_next/",)
ASSET_SUFFIXES = (".js", ".mjs", ".css", ".map", ".json", ".txt", ".png", ".jpg", ".jpeg", ".gif", ".svg",
                  ".webp", ".avif", ".ico", ".woff", ".woff2", ".ttf", ".webmanifest", ".xml", ".wasm")
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Todo Assistant</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Todo Assistant</h1>
<p>The web frontend is not built yet. Run <code>make -C frontend build</code> (or <code>make run</code>),
then reload this page.</p>
<p>The API is up: see <a href="/api/openapi.json">/api/openapi.json</a> and <a href="/healthz">/healthz</a>.</p>
</body></html>
"""


class FrontendPath(BaseConverter):
    """Any path (slashes included) whose first segment is not one of the backend's."""

    regex = r"(?!(?:" + "|".join(RESERVED) + r")(?:/|$))[^\x00]*"
    part_isolating = False
    weight = 300


@bp.record_once
def _register_converter(state: Any) -> None:
    state.app.url_map.converters.setdefault("frontend_path", FrontendPath)


def frontend_dir() -> Path:
    """Where the export is: the FRONTEND_DIR setting, else `<repo>/frontend/out`."""
    configured = get_config().frontend_dir
    if configured:
        return Path(configured)
    return Path(current_app.root_path).parent / "frontend" / "out"


def _find(root: Path, path: str) -> Path | None:
    """The file of the export answering `path`, if any (never outside `root`)."""
    candidates = [path] if path else []
    clean = path.rstrip("/")
    candidates += [f"{clean}.html", f"{clean}/index.html"] if clean else ["index.html"]
    for candidate in candidates:
        joined = safe_join(str(root), candidate)
        if joined is not None and os.path.isfile(joined):
            return Path(joined)
    return None


def _is_asset(path: str) -> bool:
    return path.startswith(ASSET_PREFIXES) or path.lower().endswith(ASSET_SUFFIXES)


def _send(file: Path, rel: str) -> Response:
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if file.suffix == ".txt":
        mimetype = "text/plain"  # Next's RSC payloads
    gz = file.with_name(file.name + ".gz")
    encoded = "gzip" in request.headers.get("Accept-Encoding", "") and gz.is_file()
    resp = send_file(gz if encoded else file, mimetype=mimetype, conditional=True, max_age=None)
    resp.headers.pop("Content-Disposition", None)
    if encoded:
        resp.headers["Content-Encoding"] = "gzip"
    if gz.is_file():
        resp.vary.add("Accept-Encoding")
    resp.headers["Cache-Control"] = IMMUTABLE if rel.startswith("_next/static/") else REVALIDATE
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if file.suffix == ".html":
        resp.headers["Content-Security-Policy"] = content_security_policy(_inline_script_hashes(file))
    return resp


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_hash_cache: dict[tuple[str, float], tuple[str, ...]] = {}


def _inline_script_hashes(file: Path) -> tuple[str, ...]:
    """CSP hashes ('sha256-...') of the inline scripts of an exported page, so the CSP needs no 'unsafe-inline'."""
    key = (str(file), file.stat().st_mtime)
    if key not in _hash_cache:
        bodies = _INLINE_SCRIPT.findall(file.read_bytes())
        hashes = {"sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() for body in bodies if body}
        _hash_cache[key] = tuple(sorted(hashes))
    return _hash_cache[key]


@bp.get("/", defaults={"path": ""})
@bp.get("/<frontend_path:path>")
@exempt
def serve(path: str) -> Any:
    """A file of the export, the page a path names, or index.html for client-side routes."""
    root = frontend_dir()
    index = root / "index.html"
    if not index.is_file():
        if path and _is_asset(path):
            raise NotFound()
        return Response(NOT_BUILT, status=200, mimetype="text/html", headers={"Cache-Control": "no-store"})
    found = _find(root, path)
    if found is not None:
        return _send(found, path)
    if _is_asset(path):
        raise NotFound()
    return _send(index, "index.html")
