"""Each request is dispatched in a greenlet of its own (app/dispatch_greenlet.py), which ends when the response is
returned, so the connection's greenlet that then writes a long stream keeps no deep frame stack."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import gevent
import pytest
from gevent.event import Event

from app.dispatch_greenlet import DispatchInOwnGreenlet

pytestmark = pytest.mark.database_independent

def _started(into: list[str]) -> Any:
    """A start_response that notes each status in `into`."""
    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        into.append(status)
    return start_response


IGNORE_START = _started([])
"""A start_response for calls whose status does not matter."""


class RecordingApp:
    """A WSGI app that notes the greenlet it runs in, and can be held or made to fail."""

    def __init__(self, hold: Event | None = None, fail: Exception | None = None) -> None:
        self.ran_in: Any = None
        self.stopped = False
        self.hold, self.fail = hold, fail

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.ran_in = gevent.getcurrent()
        try:
            if self.hold is not None:
                self.hold.wait()
        except gevent.GreenletExit:
            self.stopped = True
            raise
        if self.fail is not None:
            raise self.fail
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def test_the_dispatch_runs_in_a_greenlet_of_its_own_that_has_ended_when_the_response_comes_back() -> None:
    inner = RecordingApp()
    started: list[str] = []
    start = _started(started)

    def connection() -> tuple[Any, Iterable[bytes]]:
        response = DispatchInOwnGreenlet(inner)({}, start)
        return gevent.getcurrent(), response

    caller, response = gevent.spawn(connection).get(timeout=5)
    assert list(response) == [b"ok"] and started == ["200 OK"]
    assert inner.ran_in is not None and inner.ran_in is not caller
    assert inner.ran_in.dead


def test_an_error_in_the_dispatch_reaches_the_caller_as_itself() -> None:
    inner = RecordingApp(fail=LookupError("no such route"))
    middleware = DispatchInOwnGreenlet(inner)
    with pytest.raises(LookupError, match="no such route"):
        gevent.spawn(lambda: middleware({}, IGNORE_START)).get(timeout=5)
    assert inner.ran_in.dead


def test_a_stopped_connection_stops_its_dispatch() -> None:
    inner = RecordingApp(hold=Event())
    middleware = DispatchInOwnGreenlet(inner)
    connection = gevent.spawn(lambda: middleware({}, IGNORE_START))
    gevent.sleep(0.01)
    assert inner.ran_in is not None and not inner.ran_in.dead
    connection.kill(timeout=5)
    gevent.sleep(0.01)
    assert inner.stopped and inner.ran_in.dead


PROBE = """
import json
import wsgi  # gunicorn's entry point: gevent patching, the app, the dispatch
from werkzeug.test import Client
from app.dispatch_greenlet import DispatchInOwnGreenlet
response = Client(wsgi.app).get("/healthz")
print(json.dumps({"installed": isinstance(wsgi.app.wsgi_app, DispatchInOwnGreenlet), "status": response.status_code}))
"""


def test_gunicorns_entry_point_dispatches_every_request_in_a_greenlet_of_its_own(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120,
        cwd=Path(__file__).parent.parent,
        env={"TODO_MODE": "developer", "TODO_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"installed": True, "status": 200}
