"""Server-Sent Events framing: `data: <json>` events, `: ping` comments, and the stream's headers."""

from __future__ import annotations

import json

from app.chat_events import ChatEvent

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}
PING = ": ping\n\n"


def event(payload: ChatEvent) -> str:
    """One SSE event carrying `payload` as JSON."""
    return f"data: {json.dumps(payload, separators=(',', ':'), ensure_ascii=False)}\n\n"
