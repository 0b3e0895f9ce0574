"""Request-body hygiene shared by every JSON route, and spectree's hook that raises our errors."""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from annotated_types import Interval
from flask import Flask, request
from pydantic import BaseModel, BeforeValidator, ValidationError
from spectree import Response as Doc
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.errors import APIError, ErrorBody, Invalid

_BODY_METHODS = {"POST", "PUT", "PATCH"}
MAX_ID = 2**31 - 1
"""Largest id or id in a cursor the API accepts (int32, as the OpenAPI document says); beyond is unknown."""


def integral(value: Any) -> Any:
    """JSON Schema counts 7.0 as an integer; so does this API (7.5, "7" and true stay refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


RowId = Annotated[int, Interval(ge=1, le=MAX_ID), BeforeValidator(integral)]
"""An id in a JSON body: 1 to MAX_ID (what every table's id column holds), 7.0 read as 7."""
MAX_DEPTH = 32
"""Deepest nesting of arrays and objects a JSON body may have."""


class BoundedInt(IntegerConverter):
    """`<int:...>` path parts: any number past MAX_ID becomes MAX_ID + 1, an id no row has (so 404).

    SQLite cannot bind integers of 2^63 or more. Refusing them in the converter instead would
    make werkzeug answer 405 for some methods, so the lookup finds nothing instead.
    """

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        return MAX_ID + 1 if number > MAX_ID else number


def _read_body() -> bytes:
    """The whole body; a streamed (chunked) one longer than MAX_CONTENT_LENGTH is refused (413), never cut."""
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        request.stream.read(1)  # past the limit: werkzeug's stream raises 413
        raise RequestEntityTooLarge()
    return data


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (no lone surrogates)"
    return None


def _check_tree(doc: Any) -> None:
    """Depth and text of a parsed JSON body: no deeper than MAX_DEPTH, no NUL, no lone surrogate."""
    stack: list[tuple[Any, str, int]] = [(doc, "body", 1)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise APIError(f"The body is nested deeper than {MAX_DEPTH} levels.", code="too_deep")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                if isinstance(key, str) and _bad_text(key):
                    raise Invalid("A key of the body is not acceptable text.", fields={path: "invalid key"})
                stack.append((value, f"{path}.{key}" if path != "body" else str(key), depth + 1))
        elif isinstance(node, str) and (problem := _bad_text(node)):
            raise Invalid("The request has invalid text.", fields={path: problem})


def _check_query() -> None:
    """Query values are single-line text: control characters are refused (422)."""
    for name, value in request.args.items(multi=True):
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value) or _bad_text(value):
            raise Invalid("The query has invalid text.", fields={name: "must not contain control characters"})


def _check_json_body() -> None:
    """Refuse non-JSON, malformed, too deep or too large bodies before any view runs (4xx), never a 500."""
    if not request.path.startswith("/api/"):
        return
    _check_query()
    if request.method not in _BODY_METHODS:
        return
    if request.content_length is None and not request.headers.get("Transfer-Encoding"):
        return
    data = _read_body()
    if not data:
        return
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise APIError(
            "Send the body as application/json.", code="unsupported_media_type", status=415
        )
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        raise APIError("The body is not valid JSON.", code="invalid_json", status=400) from err
    _check_tree(doc)


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


_TASK = "/api/{user_id}/tasks/{task_id}"
_CONVERSATION = "/api/{user_id}/conversations/{conversation_id}"
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, str]]] = {
    ("/api/{user_id}/tasks", "post", "201"): {
        "GetTask": (_TASK, "get", "$response.body#/id"),
        "ReplaceTask": (_TASK, "put", "$response.body#/id"),
        "UpdateTask": (_TASK, "patch", "$response.body#/id"),
        "CompleteTask": (_TASK + "/complete", "patch", "$response.body#/id"),
        "DeleteTask": (_TASK, "delete", "$response.body#/id"),
    },
    ("/api/{user_id}/conversations", "get", "200"): {
        "ListMessages": (_CONVERSATION + "/messages", "get", "$response.body#/conversations/0/id"),
        "RenameConversation": (_CONVERSATION, "patch", "$response.body#/conversations/0/id"),
        "DeleteConversation": (_CONVERSATION, "delete", "$response.body#/conversations/0/id"),
    },
}
"""OpenAPI links from a created or listed object to what can be done with it (stateful fuzzing follows them)."""


def _with_links(paths: dict[str, Any]) -> dict[str, Any]:
    out = {path: dict(methods) for path, methods in paths.items()}
    for (path, method, status), links in LINKS.items():
        operation = dict(out.get(path, {}).get(method, {}))
        responses = dict(operation.get("responses", {}))
        if status not in responses:
            continue
        target_param = {}
        documented = {}
        for name, (target, target_method, expression) in links.items():
            pointer = target.replace("~", "~0").replace("/", "~1")
            target_param = {"user_id": "$request.path.user_id",
                            target.rsplit("{", 1)[1].split("}")[0]: expression}
            documented[name] = {"operationRef": f"#/paths/{pointer}/{target_method}", "parameters": target_param}
        responses[status] = {**responses[status], "links": documented}
        operation["responses"] = responses
        out[path][method] = operation
    return out


def with_extra_paths(spec: dict[str, Any]) -> dict[str, Any]:
    """The spectree document plus the hand-documented routes (and the error schema they use), with links."""
    components = dict(spec.get("components", {}))
    components["schemas"] = {**components.get("schemas", {}), "ErrorBody": _error_schema()}
    paths = _with_links({**spec.get("paths", {}), **_extra_paths})
    return {**spec, "paths": paths, "components": components}


def _error_schema() -> dict[str, Any]:
    return ErrorBody.model_json_schema(ref_template="#/components/schemas/ErrorBody/$defs/{model}")


def init_validation(app: Flask) -> None:
    """Install the bounded `int` converter (before any route is added) and the body check."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(_check_json_body)
