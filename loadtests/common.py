"""What the Locust scenarios and the bench share: the server they start, request bodies, SSE reading,
database seeding and the gunicorn processes' CPU and memory from /proc.

Nothing here imports Locust (which monkey-patches the process on import), so the bench and the
test suite can use it too.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, update

from app.config import normalize_database_url
from app.models import Conversation, Message, utcnow

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "loadtests" / "reports"
PASSWORD = "correct horse battery staple"

LOAD_ENV = {
    "RATELIMIT_ENABLED": "0",
    "TODO_BENCH": "1",
    "ACCESS_LOG": "",
    "LOG_LEVEL": "warning",
    "SSE_PING_SECONDS": "10",
}
"""Environment of a server under load: rate limits off (one loopback client would trip them, and
they are not what is measured), the /bench/sse baseline on, no access log."""

SLOW_MODEL_ENV = {"SLOW_MODEL_FIRST_TOKEN_MS": "300", "SLOW_MODEL_TOKEN_MS": "20"}
"""The Locust profile's model: 300 ms to the first token, then 20 ms per word, like a hosted LLM."""


def new_email(prefix: str = "load") -> str:
    """A unique address, so every virtual user is a new account."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}@example.com"


def user_input(text: str) -> dict[str, Any]:
    """A ChatKit UserMessageInput holding plain text."""
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def chatkit_body(text: str, thread_id: str | None = None) -> dict[str, Any]:
    """threads.create for a new thread, threads.add_user_message to continue one."""
    if thread_id is None:
        return {"type": "threads.create", "params": {"input": user_input(text)}}
    return {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": user_input(text)}}


def is_text_chunk(ev: dict[str, Any]) -> bool:
    """The first piece of reply text, in /chat's events or in ChatKit's."""
    if ev.get("type") == "chunk":
        return True
    update_ = ev.get("update")
    return (ev.get("type") == "thread.item.updated" and isinstance(update_, dict)
            and update_.get("type") == "assistant_message.content_part.text_delta")


def is_error_event(ev: dict[str, Any]) -> bool:
    """An error event, in either protocol."""
    return ev.get("type") == "error"


def is_final_event(ev: dict[str, Any]) -> bool:
    """The event that closes a successful turn: /chat's done, ChatKit's finished assistant message."""
    if ev.get("type") == "done":
        return True
    item = ev.get("item")
    return ev.get("type") == "thread.item.done" and isinstance(item, dict) and item.get("type") == "assistant_message"


class SSEReader:
    """Incremental SSE parser: feed it text as it arrives, get whole `data:` events back."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, text: str) -> list[dict[str, Any]]:
        """Events completed by this piece of text (comments such as `: ping` are skipped)."""
        self._buffer += text.replace("\r\n", "\n")
        events: list[dict[str, Any]] = []
        while "\n\n" in self._buffer:
            block, self._buffer = self._buffer.split("\n\n", 1)
            data = "\n".join(line[5:].lstrip() for line in block.split("\n") if line.startswith("data:"))
            if data:
                events.append(json.loads(data))
        return events


def database_url(raw: str) -> str:
    """The server's SQLAlchemy URL in the form this process can open."""
    return normalize_database_url(raw)


def seed_messages(url: str, conversation_id: int, total: int) -> int:
    """Grow a conversation to `total` messages by inserting rows directly (fast: one INSERT ... VALUES batch
    per thousand rows); returns how many were added. Alternating user/assistant, all complete, oldest first."""
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            owner = conn.execute(select(Conversation.user_id).where(Conversation.id == conversation_id)).scalar_one()
            have = conn.execute(
                select(Message.id).where(Message.conversation_id == conversation_id).order_by(Message.id.desc())
                .limit(total)).all()
            missing = max(0, total - len(have))
            start = utcnow() - timedelta(seconds=missing)
            rows: list[dict[str, Any]] = [
                {"conversation_id": conversation_id, "user_id": owner, "role": "user" if i % 2 == 0 else "assistant",
                 "content": f"add seeded task number {i}" if i % 2 == 0 else f"Added 'seeded task number {i - 1}'.",
                 "status": "complete", "tool_calls": [], "meta": {}, "created_at": start + timedelta(seconds=i),
                 "updated_at": start + timedelta(seconds=i)}
                for i in range(missing)
            ]
            for first in range(0, len(rows), 1000):
                conn.execute(insert(Message), rows[first:first + 1000])
            conn.execute(update(Conversation).where(Conversation.id == conversation_id).values(updated_at=utcnow()))
        return missing
    finally:
        engine.dispose()


@dataclass
class ProcStats:
    """CPU and memory of a set of processes, read from /proc."""

    cpu_seconds: float
    """user + system CPU time, summed."""
    rss_bytes: int
    """Resident set size, summed."""
    pids: list[int]
    """The processes measured."""


def server_pids(master: int) -> list[int]:
    """The gunicorn master and its workers (its direct children)."""
    pids = [master]
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return pids


def proc_stats(pids: Iterable[int]) -> ProcStats:
    """Summed CPU time and RSS of `pids` (processes that are gone count as zero)."""
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    cpu, rss, seen = 0.0, 0, []
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        rss += int(fields[21]) * page
        seen.append(pid)
    return ProcStats(cpu, rss, seen)
