"""Schemathesis against /api/openapi.json: every documented route, authenticated as a real user.

Every check runs: no 5xx, every answer matches the document (status codes, content types,
headers, schemas), valid requests are accepted and invalid ones refused, 405s carry Allow.
The document publishes each field's real rule (patterns of text fields, the tag syntax, the
timezone list), so "schema-valid" and "accepted" agree. Three inputs have a validity no JSON
schema can state, and only for them a schema-valid value may be refused (4xx, never 5xx):
opaque page cursors (made by the server), RRULE strings and reminder times (grammars; minutes
before a task's due time need a task that has one, due late enough), and ChatKit requests (the
SDK's protocol). Then a stateful run follows the document's links (create a task, then read,
change, complete and delete it; list conversations, then page, rename, delete one).
Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL; a fixed budget keeps it to a few minutes.
`make test` draws the same examples every run (the `ci` profile); `make fuzz` draws fresh ones.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode, checks

from tests.support.accounts import AuthActions

EXAMPLES = 30
STATEFUL_EXAMPLES = 15
STATEFUL_STEPS = 8


def _semantic_only(case: Any) -> bool:
    """A value whose validity is semantic (see the module doc): the server may refuse it although schema-valid."""
    body = case.body if isinstance(case.body, dict) else {}
    query = case.query if isinstance(case.query, dict) else {}
    return (case.path.endswith("/chatkit") or bool(query.get("cursor")) or bool(body.get("recurrence"))
            or bool(body.get("remind_at")) or body.get("before_minutes") is not None)


def _excluded(case: Any) -> list[Any]:
    return [checks.positive_data_acceptance] if _semantic_only(case) else []


def _headers(case: Any, acct: Any) -> dict[str, str]:
    token = acct.refresh_token if case.path == "/api/auth/refresh" else acct.access_token
    return {"Authorization": f"Bearer {token}", "X-Refresh-Token": "body"}


def _keep_rotated(case: Any, response: Any, acct: Any) -> None:
    """A refresh rotates the refresh token; reusing the old one would revoke the fuzzing user's session."""
    if case.path == "/api/auth/refresh" and response.status_code == 200:
        acct.refresh_token = response.json()["refresh_token"]


def _same_on_the_wire_as_valid(case: Any) -> bool:
    """A query parameter given a list is sent as that parameter repeated, and the server reads its first value
    (an empty list sends nothing at all). So a negative case whose flaw is a list where the document says one
    value (`{"cursor": "", "": []}`, `{"tag": [False]}` sent as `tag=false`) may reach the server as a valid
    request: such cases say nothing about refusing invalid data."""
    query = case.query if isinstance(case.query, dict) else {}
    return any(isinstance(value, list) for value in query.values())


def _fuzz_operation(operation: Any, mode: GenerationMode, acct: Any) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        assume(mode is not GenerationMode.NEGATIVE or not _same_on_the_wire_as_valid(case))
        if "user_id" in (case.path_parameters or {}):
            case.path_parameters["user_id"] = acct.id
        response = case.call_and_validate(headers=_headers(case, acct), excluded_checks=_excluded(case))
        _keep_rotated(case, response, acct)

    run()


REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
"""Statuses that count as refusing invalid data: schemathesis's defaults plus 413, the answer to a body past
MAX_CONTENT_LENGTH (a huge invalid value) before its schema is even read."""


def _schema(app: Flask) -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app).exclude(path="/api/auth/signout")
    schema.config.checks.negative_data_rejection.expected_statuses = REFUSALS
    return schema


def _seeded(client: Any) -> Any:
    acct = AuthActions(client).signup()
    for i in range(3):
        acct.add_task(title=f"seed {i}", tags=["fuzz"], due_date=f"2030-01-0{i + 1}")
    acct.request("POST", "/chat", json={"message": "add water the plants"}, headers={"Accept": "application/json"})
    return acct


def test_every_route_conforms_and_never_fails(app: Flask, client: Any) -> None:
    acct = _seeded(client)
    fuzzed = []
    for result in _schema(app).get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, acct)
        fuzzed.append(f"{operation.method.upper()} {operation.path}")
    assert len(fuzzed) >= 15, fuzzed


def test_stateful_links_conform_and_never_fail(app: Flask, client: Any) -> None:
    acct = _seeded(client)
    schema = _schema(app)
    spec = schema.raw_schema
    assert spec["paths"]["/api/{user_id}/tasks"]["post"]["responses"]["201"]["links"]
    followed: list[str] = []

    @schema.auth(refresh_interval=None)
    class Bearer:
        def get(self, case: Any, _ctx: Any) -> str:
            return str(_headers(case, acct)["Authorization"])

        def set(self, case: Any, data: str, _ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": data}

    class Links(schema.as_state_machine()):  # type: ignore[misc]  # a class made at run time: its type is Any
        def before_call(self, case: Any) -> None:
            if "user_id" in (case.path_parameters or {}):
                case.path_parameters["user_id"] = acct.id
            case.headers = {**(case.headers or {}), "X-Refresh-Token": "body"}
            followed.append(f"{case.method} {case.path}")

        def after_call(self, response: Any, case: Any) -> None:
            _keep_rotated(case, response, acct)

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, excluded_checks=_excluded(case), transport_kwargs=kwargs)

    Links.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS, deadline=None,
                                suppress_health_check=list(HealthCheck), database=None))
    assert any(step.endswith("/tasks/{task_id}") for step in followed), sorted(set(followed))
