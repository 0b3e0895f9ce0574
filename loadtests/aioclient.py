"""A minimal asyncio HTTP/1.1 client for the bench: one connection per request, SSE-aware timings.

Why not httpx or aiohttp: aiohttp is not installed, and the bench's load generator shares two
cores with the server it measures, so every millisecond of client CPU shows up as server
latency. Raw asyncio streams cost a fraction of a full client per request, scale to thousands
of open streams in one process, and let us time the first body byte and the first reply chunk
at the socket, without a client library's buffering in between.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loadtests.common import SSEReader, is_error_event, is_final_event, is_text_chunk


@dataclass
class Sample:
    """The timings and outcome of one request."""

    status: int = 0
    """HTTP status (0 when no response came)."""
    first_byte: float = 0.0
    """Seconds from sending the request to the first byte of the body."""
    first_chunk: float = 0.0
    """Seconds to the first piece of reply text of an SSE turn (0 when none)."""
    total: float = 0.0
    """Seconds to the end of the body."""
    error: str = ""
    """Why the request counts as failed; empty when it succeeded."""
    events: list[dict[str, Any]] = field(default_factory=list)
    """The SSE events (streams only)."""
    body: bytes = b""
    """The body (non-streams only)."""

    @property
    def ok(self) -> bool:
        """True when the request succeeded."""
        return not self.error

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


async def request(port: int, method: str, path: str, *, token: str | None = None, body: Any = None,
                  stream: bool = False, timeout: float = 300.0,
                  on_event: Callable[[dict[str, Any]], None] | None = None) -> Sample:
    """One request to 127.0.0.1:`port`. With `stream`, the body is read as SSE: the turn succeeds when a
    final event (done, or ChatKit's finished assistant message) arrives and no error event does."""
    sample = Sample()
    started = time.perf_counter()
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            payload = b"" if body is None else json.dumps(body).encode()
            head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                    f"Accept: {'text/event-stream' if stream else 'application/json'}"]
            if token:
                head.append(f"Authorization: Bearer {token}")
            if body is not None:
                head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("connection closed before a response")
            sample.status = int(status_line.split()[1])
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            await _read_body(reader, headers, sample, started, stream and sample.status == 200, on_event)
    except TimeoutError:
        sample.error = f"timeout after {timeout:.0f} s"
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as err:
        sample.error = f"{type(err).__name__}: {err}"
    finally:
        if writer is not None:
            writer.close()
    sample.total = time.perf_counter() - started
    if not sample.error and not 200 <= sample.status < 300:
        sample.error = f"HTTP {sample.status}"
    if not sample.error and stream and sample.status == 200:
        if any(is_error_event(ev) for ev in sample.events):
            sample.error = "error event: " + next(str(ev) for ev in sample.events if is_error_event(ev))[:200]
        elif not any(is_final_event(ev) for ev in sample.events):
            sample.error = "stream ended without a final event"
    return sample


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str], sample: Sample, started: float,
                     sse: bool, on_event: Callable[[dict[str, Any]], None] | None) -> None:
    parser = SSEReader() if sse else None
    decoder = codecs.getincrementaldecoder("utf-8")()
    pieces: list[bytes] = []

    def got(data: bytes) -> None:
        now = time.perf_counter() - started
        if not sample.first_byte and data:
            sample.first_byte = now
        if parser is None:
            pieces.append(data)
            return
        for ev in parser.feed(decoder.decode(data)):
            if not sample.first_chunk and is_text_chunk(ev):
                sample.first_chunk = now
            sample.events.append(ev)
            if on_event is not None:
                on_event(ev)

    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            got(await reader.readexactly(size))
            await reader.readexactly(2)
    elif "content-length" in headers:
        got(await reader.readexactly(int(headers["content-length"])))
    else:
        while data := await reader.read(65536):
            got(data)
    sample.body = b"".join(pieces)
