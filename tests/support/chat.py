"""/chat turns through the Flask test client, as SSE events."""

from __future__ import annotations

import json
from typing import Any

from tests.support.accounts import Account


def sse_events(resp: Any) -> list[dict[str, Any]]:
    """The data events of an SSE response, in order."""
    body = resp.get_data(as_text=True)
    return [json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:")]


def chat(acct: Account, message: str, conversation_id: int | None = None) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    resp = acct.request("POST", "/chat", json=body, headers={"Accept": "text/event-stream"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "text/event-stream"
    assert resp.headers["Cache-Control"] == "no-cache" and resp.headers["X-Accel-Buffering"] == "no"
    return sse_events(resp)
