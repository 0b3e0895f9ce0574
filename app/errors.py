"""The contract's error shape, `{"error": {code, message, fields}}`, and the handlers producing it."""

from __future__ import annotations

import logging
from typing import Any, cast

from flask import Flask, Response, jsonify
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str
    """snake_case error code."""
    message: str
    """A human sentence."""
    fields: dict[str, str] | None = None
    """Per-field problems of invalid input."""


class ErrorBody(BaseModel):
    """The contract's error shape."""

    error: ErrorDetail
    """The error."""


class APIError(Exception):
    """An error answered to the client as the contract's JSON error."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields or {}
        self.headers = headers or {}


class NotFound(APIError):
    """The object does not exist, or belongs to someone else (indistinguishable on purpose)."""

    status = 404
    code = "not_found"


class Invalid(APIError):
    """The request is well-formed JSON but its values are not acceptable."""

    status = 422
    code = "validation_error"


class Conflict(APIError):
    """The request clashes with existing state (e.g. an email already registered)."""

    status = 409
    code = "conflict"


class Unauthorized(APIError):
    """No valid credentials."""

    status = 401
    code = "unauthorized"


class Forbidden(APIError):
    """Valid credentials that do not grant this."""

    status = 403
    code = "forbidden"


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> tuple[Response, int]:
    """The contract's error body with its status."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify({"error": body}), status


def fields_of(err: ValidationError) -> dict[str, str]:
    """Pydantic errors as `{"field.path": "message"}`."""
    out: dict[str, str] = {}
    for item in err.errors():
        path = ".".join(str(p) for p in item["loc"] if p not in ("body", "query")) or "body"
        out.setdefault(path, item["msg"])
    return out


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


def _limit_retry_after() -> str:
    """Seconds until the breached rate limit's window resets (the limiter knows which one it was)."""
    from app.security import limiter, retry_after_seconds

    try:
        current = limiter.current_limit
        if current is not None:
            return retry_after_seconds(current.window[0])
    except Exception:  # the storage failed: a short wait is still a truthful hint
        log.warning("could not read the rate limit's reset time")
    return "1"


def register_error_handlers(app: Flask) -> None:
    """Every error the app can produce leaves as the contract's JSON shape."""

    @app.errorhandler(APIError)
    def _api_error(err: APIError) -> tuple[Response, int]:
        resp, status = error_response(err.status, err.code, err.message, err.fields)
        resp.headers.update(err.headers)
        return resp, status

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError) -> tuple[Response, int]:
        return error_response(422, "validation_error", "The request has invalid fields.", fields_of(err))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> tuple[Response, int] | Response:
        status = err.code or 500
        if err.response is not None and err.response.mimetype == "application/json":
            return cast(Response, err.response)
        code = _HTTP_CODES.get(status, "http_error")
        message = err.description or err.name
        if status == 413:
            message = "The request body is too large."
        resp, status = error_response(status, code, message)
        if status == 405:
            allow = dict(err.get_headers()).get("Allow")
            if allow:
                resp.headers["Allow"] = allow
        if status == 429:
            resp.headers["Retry-After"] = _limit_retry_after()
        return resp, status

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> tuple[Response, int]:
        from sqlalchemy.exc import OperationalError

        if isinstance(err, OperationalError):
            log.error("database unavailable: %s", err.__class__.__name__)
            resp, status = error_response(503, "unavailable", "The database is unavailable; try again.")
            resp.headers["Retry-After"] = "5"
            return resp, status
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")
