"""app/web: the static export served at `/` without shadowing the API.

Meant for tests/test_web.py (it uses tests/conftest.py's `app` and `client` fixtures). Until it is moved
there, run it with: .venv/bin/python -m pytest -p tests.conftest frontend/python-tests/test_web.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.config import get_config


@pytest.fixture
def export(app: Flask, tmp_path: Path) -> Path:
    """A small fake static export, wired in through FRONTEND_DIR."""
    root = tmp_path / "out"
    (root / "_next" / "static" / "chunks").mkdir(parents=True)
    (root / "signin").mkdir()
    (root / "index.html").write_text("<!doctype html><title>index</title>")
    (root / "signin.html").write_text("<!doctype html><title>signin</title>")
    (root / "signin" / "__next._tree.txt").write_text("tree")
    (root / "about").mkdir()
    (root / "about" / "index.html").write_text("<!doctype html><title>about</title>")
    js = b"console.log('hello');" * 100
    (root / "_next" / "static" / "chunks" / "app-123abc.js").write_bytes(js)
    (root / "_next" / "static" / "chunks" / "app-123abc.js.gz").write_bytes(gzip.compress(js))
    get_config(app).frontend_dir = str(root)
    return root


def test_pages_and_client_routes(client: FlaskClient, export: Path) -> None:
    assert b"<title>index</title>" in client.get("/").data
    assert b"<title>signin</title>" in client.get("/signin").data
    assert b"<title>signin</title>" in client.get("/signin/").data
    assert b"<title>about</title>" in client.get("/about").data
    assert client.get("/signin/__next._tree.txt").data == b"tree"
    fallback = client.get("/some/client/route")
    assert fallback.status_code == 200
    assert b"<title>index</title>" in fallback.data
    assert client.get("/").headers["Cache-Control"] == "no-cache"
    assert client.head("/signin").status_code == 200


def test_hashed_assets_cached_and_gzipped(client: FlaskClient, export: Path) -> None:
    plain = client.get("/_next/static/chunks/app-123abc.js")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.mimetype in ("text/javascript", "application/javascript")
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/_next/static/chunks/app-123abc.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    etag = plain.headers["ETag"]
    assert client.get("/_next/static/chunks/app-123abc.js", headers={"If-None-Match": etag}).status_code == 304


def test_missing_assets_are_404_not_index(client: FlaskClient, export: Path) -> None:
    assert client.get("/_next/static/chunks/gone.js").status_code == 404
    assert client.get("/favicon.ico").status_code == 404


def test_no_path_escapes_the_export(client: FlaskClient, export: Path) -> None:
    secret = export.parent / "secret.txt"
    secret.write_text("secret")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/_next/../../secret.txt"):
        assert b"secret" not in client.get(path).data


def test_api_routes_are_never_shadowed(client: FlaskClient, export: Path) -> None:
    assert client.get("/healthz").is_json
    assert client.get("/readyz").is_json
    for path in ("/api/nope", "/api", "/api/", "/api/u_1/nothing/here"):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert resp.is_json and resp.get_json()["error"]["code"] == "not_found", path
    wrong_method = client.get("/api/auth/signin")
    assert wrong_method.status_code == 405
    assert client.post("/signin").status_code == 405


def test_not_built(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    get_config(app).frontend_dir = str(tmp_path / "missing")
    resp = client.get("/")
    assert resp.status_code == 200
    assert b"not built" in resp.data
    assert client.get("/tasks").status_code == 200
    assert client.get("/_next/static/chunks/x.js").status_code == 404
    assert client.get("/healthz").is_json
