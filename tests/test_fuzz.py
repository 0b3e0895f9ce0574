"""Schemathesis against /api/openapi.json: every documented route, authenticated as a real user.

Valid and invalid inputs are generated from the document; no input may produce a 5xx, and
every answer must match the document (status codes, content types, schemas).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from tests.support.accounts import AuthActions

EXAMPLES = 30
LENIENT = [checks.positive_data_acceptance, checks.negative_data_rejection]
"""Trimming and normalising input (titles, tags, emails) is deliberate, so a value the JSON schema
cannot describe exactly may be accepted or refused; everything else is checked."""


def _fuzz_operation(operation: Any, mode: GenerationMode, acct: Any) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        if "user_id" in (case.path_parameters or {}):
            case.path_parameters["user_id"] = acct.id
        token = acct.refresh_token if case.path == "/api/auth/refresh" else acct.access_token
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=LENIENT)

    run()


def test_every_route_conforms_and_never_fails(app: Flask, client: Any) -> None:
    acct = AuthActions(client).signup()
    for i in range(3):
        acct.add_task(title=f"seed {i}", tags=["fuzz"], due_date=f"2030-01-0{i + 1}")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/auth/signout":
            continue  # it would end the fuzzing user's session; its own tests cover it
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, acct)
        fuzzed.append(f"{operation.method.upper()} {operation.path}")
    assert len(fuzzed) >= 15, fuzzed
