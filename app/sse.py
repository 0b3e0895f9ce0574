"""Server-Sent Events framing: `data: <json>` events, `: ping` comments, and the stream's headers."""

from __future__ import annotations

import json
from typing import Any

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}
PING = ": ping\n\n"


def event(payload: dict[str, Any]) -> str:
    """One SSE event carrying `payload` as JSON."""
    return f"data: {json.dumps(payload, separators=(',', ':'), ensure_ascii=False)}\n\n"
