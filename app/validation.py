"""Request-body hygiene shared by every JSON route, and spectree's hook that raises our errors."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import Flask, request
from pydantic import BaseModel, ValidationError
from spectree import Response as Doc

from app.errors import APIError, ErrorBody

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

USER_ERRORS = (400, 401, 403, 404, 413, 415, 422, 429, 503)
"""What any /api/<user_id>/ route can answer besides success."""


def responses(success: str, model: type[BaseModel] | None = None, *errors: int) -> Doc:
    """Spectree's response documentation: the success status (with its model) and error statuses."""
    documented: dict[str, Any] = {f"HTTP_{code}": ErrorBody for code in errors}
    if model is None:
        return Doc(success, **documented)
    return Doc(**{success: model}, **documented)
_extra_paths: dict[str, dict[str, Any]] = {}


def parse_json(model: type[M]) -> M:
    """Validate the JSON body against `model` by hand.

    For streaming routes: spectree's response handling reads the whole body of the
    response it wraps, which would buffer an SSE stream until its end.
    """
    return model.model_validate(request.get_json(silent=True) if request.get_data() else {})


def document(path: str, method: str, body: type[BaseModel], summary: str, success: str,
             errors: tuple[int, ...] = USER_ERRORS) -> None:
    """Add a route that spectree cannot wrap (a stream) to the OpenAPI document."""
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    answers: dict[str, Any] = {"200": {"description": success}}
    for code in errors:
        answers[str(code)] = {"description": "error", "content": {"application/json": {"schema": error_ref}}}
    _extra_paths.setdefault(path, {})[method] = {
        "summary": summary,
        "tags": [path.rsplit("/", 1)[-1]],
        "security": [{"bearer": []}],
        "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": body.model_json_schema()}}},
        "responses": answers,
    }


def with_extra_paths(spec: dict[str, Any]) -> dict[str, Any]:
    """The spectree document plus the hand-documented routes (and the error schema they use)."""
    components = dict(spec.get("components", {}))
    components["schemas"] = {**components.get("schemas", {}), "ErrorBody": _error_schema()}
    return {**spec, "paths": {**spec.get("paths", {}), **_extra_paths}, "components": components}


def _error_schema() -> dict[str, Any]:
    return ErrorBody.model_json_schema(ref_template="#/components/schemas/ErrorBody/$defs/{model}")


def init_validation(app: Flask) -> None:
    """Install the body check."""
    app.before_request(_check_json_body)
