"""Request-body hygiene shared by every JSON route, and spectree's hook that raises our errors."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import Flask, request
from pydantic import BaseModel, ValidationError

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


M = TypeVar("M", bound=BaseModel)
_extra_paths: dict[str, dict[str, Any]] = {}


def parse_json(model: type[M]) -> M:
    """Validate the JSON body against `model` by hand.

    For streaming routes: spectree's response handling reads the whole body of the
    response it wraps, which would buffer an SSE stream until its end.
    """
    return model.model_validate(request.get_json(silent=True) if request.get_data() else {})


def document(path: str, method: str, body: type[BaseModel], summary: str, responses: dict[str, str]) -> None:
    """Add a route that spectree cannot wrap to the OpenAPI document."""
    schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
    _extra_paths.setdefault(path, {})[method] = {
        "summary": summary,
        "tags": [path.rsplit("/", 1)[-1]],
        "security": [{"bearer": []}],
        "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": schema}}},
        "responses": {code: {"description": text} for code, text in responses.items()},
    }


def with_extra_paths(spec: dict[str, Any]) -> dict[str, Any]:
    """The spectree document plus the hand-documented routes."""
    return {**spec, "paths": {**spec.get("paths", {}), **_extra_paths}}


def init_validation(app: Flask) -> None:
    """Install the body check."""
    app.before_request(_check_json_body)
