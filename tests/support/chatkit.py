"""ChatKit requests through the Flask test client, every event validated with ChatKit's own types."""

from __future__ import annotations

from typing import Any

from chatkit.types import AssistantMessageItem, ThreadCreatedEvent, ThreadItemDoneEvent, ThreadStreamEvent
from pydantic import TypeAdapter

from tests.support.accounts import Account

EVENTS = TypeAdapter[ThreadStreamEvent](ThreadStreamEvent)


def user_input(text: str) -> dict[str, Any]:
    """A ChatKit UserMessageInput with plain text."""
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def post(acct: Account, body: Any, **kwargs: Any) -> Any:
    """One ChatKit request of the account."""
    return acct.request("POST", "/chatkit", json=body, **kwargs)


def parse_sse(data: bytes) -> list[ThreadStreamEvent]:
    """Every `data:` event of an SSE body, validated as ChatKit ThreadStreamEvents."""
    events = []
    for block in data.decode().split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data: "):
                events.append(EVENTS.validate_json(line[6:]))
            else:
                assert line.startswith(":"), line
    return events


def stream(acct: Account, body: dict[str, Any]) -> list[ThreadStreamEvent]:
    """A streaming request: 200, SSE headers, its events."""
    resp = post(acct, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "text/event-stream"
    assert resp.headers["Cache-Control"] == "no-cache" and resp.headers["X-Accel-Buffering"] == "no"
    return parse_sse(resp.get_data())


def create_thread(acct: Account, text: str) -> tuple[str, list[ThreadStreamEvent]]:
    """threads.create; returns the thread id and the events."""
    events = stream(acct, {"type": "threads.create", "params": {"input": user_input(text)}})
    created = events[0]
    assert isinstance(created, ThreadCreatedEvent)
    return created.thread.id, events


def reply_of(events: list[ThreadStreamEvent]) -> AssistantMessageItem:
    """The assistant message a stream finished."""
    done = [e.item for e in events if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)]
    assert len(done) == 1, events
    return done[0]
