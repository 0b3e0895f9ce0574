"""Request-body hygiene shared by every JSON route, and spectree's hook that raises our errors."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from pydantic import ValidationError

from app.errors import APIError

_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _check_json_body() -> None:
    """Refuse non-JSON or malformed bodies before any view runs (415 / 400), never a 500."""
    if request.method not in _BODY_METHODS or not request.path.startswith("/api/"):
        return
    if request.content_length is None and not request.headers.get("Transfer-Encoding"):
        return
    data = request.get_data(cache=True)
    if not data:
        return
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise APIError(
            "Send the body as application/json.", code="unsupported_media_type", status=415
        )
    try:
        json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise APIError("The body is not valid JSON.", code="invalid_json", status=400) from err


def spectree_before(_req: Any, _resp: Any, error: Exception | None, *_args: Any) -> None:
    """Spectree calls this after validating; turn its errors into ours (see errors.py)."""
    if isinstance(error, ValidationError):
        raise error


def init_validation(app: Flask) -> None:
    """Install the body check."""
    app.before_request(_check_json_body)
