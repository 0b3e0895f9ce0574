"""Scenarios for ``tests/test_runtime.py`` that need a really monkey-patched process.

Run as a script (``python tests/support/runtime_gevent_probe.py SCENARIO``) it calls
``gevent.monkey.patch_all()`` first, like gunicorn's gevent worker, runs one scenario and
prints its findings as JSON; the assertions live in the test file. Patching the pytest
process itself would break every other test, hence the subprocess.

Imported as a module (``gunicorn -k gevent tests.support.runtime_gevent_probe:app``) it patches
nothing (the gevent worker does) and exposes a tiny Flask app with an SSE endpoint built
on ``AsyncRuntime.stream``, for the end-to-end gunicorn test.
"""

from __future__ import annotations

import sys

if __name__ == "__main__" and sys.argv[1] != "mcp_server":
    from gevent import monkey

    monkey.patch_all()

import asyncio
import json
import os
import select
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import gevent
from flask import Flask, Response, request
from gevent import monkey

# Run as a script, this folder comes first on sys.path, where tests/support/chatkit.py would shadow the
# chatkit package: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.agent.runtime import IDLE, AsyncRuntime, RuntimeStoppedError, get_runtime  # noqa: E402
from app.agent.runtime.loop import UnpatchedPollSelector  # noqa: E402

_real_sleep = monkey.get_original("time", "sleep")
_native_id = monkey.get_original("_thread", "get_native_id")


class Ticker:
    """A greenlet that ticks every 5 ms; gaps in its ticks reveal a blocked hub."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self._greenlet = gevent.spawn(self._run)

    def _run(self) -> None:
        while True:
            gevent.sleep(0.005)
            self.stamps.append(time.monotonic())

    def stop(self) -> None:
        self._greenlet.kill()

    def ticks_between(self, start: float, end: float) -> int:
        return sum(start <= stamp <= end for stamp in self.stamps)

    def max_gap(self) -> float:
        return max((b - a for a, b in zip(self.stamps, self.stamps[1:], strict=False)), default=0.0)


async def numbers(count: int, pause: float = 0.0) -> AsyncIterator[int]:
    for value in range(count):
        await asyncio.sleep(pause)
        yield value


async def _loop_native_id() -> int:
    return int(_native_id())


async def pending_tasks() -> int:
    return len(asyncio.all_tasks()) - 1


def settle(runtime: AsyncRuntime, check: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Wait (yielding to the hub) until `check()` holds or `timeout` passes; `check()` then.

    Every use waits for something that must happen, so the limit only bounds a failure: on a loaded
    machine the loop thread may not run for seconds."""
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        gevent.sleep(0.01)
    return check()


def scenario_selector() -> dict[str, Any]:
    runtime = get_runtime()
    runtime.start()
    selector = runtime._loop._selector  # type: ignore[union-attr]  # started above, so the loop exists
    loop = asyncio.SelectorEventLoop(UnpatchedPollSelector())
    try:
        fallback_ok = loop.run_until_complete(asyncio.sleep(0.01, result=True))
    finally:
        loop.close()
    return {
        "patched": monkey.is_module_patched("select") and monkey.is_module_patched("threading"),
        "selector_module": type(selector).__module__,
        "backend_is_original_epoll": type(selector._selector) is monkey.get_original("select", "epoll"),
        "fallback_ok": fallback_ok,
        "answer": runtime.run(asyncio.sleep(0, result=42)),
    }


def scenario_concurrency() -> dict[str, Any]:
    runtime = get_runtime()
    ticker = Ticker()

    def consume(index: int) -> list[int]:
        return list(runtime.stream(lambda: numbers(30, pause=0.001 * (index % 5)), max_buffer=8))

    streams = [gevent.spawn(consume, index) for index in range(200)]
    gevent.joinall(streams, timeout=60)
    ok = sum(g.successful() and g.value == list(range(30)) for g in streams)

    async def blocking() -> str:
        _real_sleep(0.6)
        return "done"

    begin = time.monotonic()
    blocked = gevent.spawn(runtime.run, blocking())
    blocked.join(timeout=10)
    end = time.monotonic()

    async def slow() -> str:
        await asyncio.sleep(0.6)
        return "slow"

    slow_begin = time.monotonic()
    waiting = gevent.spawn(lambda: list(runtime.stream(lambda: numbers(2, pause=0.3))))
    slow_result = runtime.run(slow())
    waiting.join(timeout=10)
    slow_end = time.monotonic()
    ticker.stop()
    return {
        "streams_ok": ok,
        "blocked_value": blocked.value,
        "ticks_while_loop_blocked": ticker.ticks_between(begin + 0.1, end - 0.1),
        "ticks_while_waiting": ticker.ticks_between(slow_begin + 0.1, slow_end - 0.1),
        "slow_values": [slow_result, waiting.value],
        "pending_tasks": runtime.run(pending_tasks()),
    }


def scenario_cancel() -> dict[str, Any]:
    runtime = get_runtime()
    flags: dict[str, bool] = {}

    async def endless(name: str, pause: float) -> AsyncIterator[int]:
        value = 0
        try:
            while True:
                if pause:
                    await asyncio.sleep(pause)
                yield value
                value += 1
        finally:
            flags[name] = True

    received: list[int] = []

    def consume_forever() -> None:
        for item in runtime.stream(lambda: endless("killed", 0.01)):
            received.append(item)

    consumer = gevent.spawn(consume_forever)
    # Killed before its producer ever ran, the stream would have nothing to cancel: wait for the items.
    if not settle(runtime, lambda: len(received) >= 5):
        raise AssertionError(f"the stream delivered {len(received)} items, not 5")
    consumer.kill()

    closing = runtime.stream(endless("closed_while_paused", 0.0), max_buffer=4)
    first = [next(closing) for _ in range(2)]
    gevent.sleep(0.1)
    closing.close()

    async def sleeper() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            flags["run_killed"] = True
            raise

    runner = gevent.spawn(runtime.run, sleeper())
    gevent.sleep(0.05)
    runner.kill()

    async def too_slow() -> None:
        try:
            await asyncio.sleep(30)
        finally:
            flags["run_timed_out"] = True

    try:
        runtime.run(too_slow(), timeout=0.05)
        timed_out = False
    except TimeoutError:
        timed_out = True
    names = ("killed", "closed_while_paused", "run_killed", "run_timed_out")
    # Generous: each flag is set on the loop thread as soon as its cancellation runs; a loaded machine only delays it.
    settle(runtime, lambda: all(flags.get(name) for name in names))
    return {
        "flags": flags,
        "first": first,
        "timed_out": timed_out,
        "consumer_dead": consumer.dead,
        "pending_tasks": runtime.run(pending_tasks()),
    }


def scenario_heartbeat() -> dict[str, Any]:
    runtime = get_runtime()

    async def quiet() -> AsyncIterator[str]:
        yield "a"
        await asyncio.sleep(0.5)
        yield "b"

    items = list(runtime.stream(quiet, idle_timeout=0.05))

    async def fail() -> AsyncIterator[int]:
        yield 1
        raise ValueError("boom")

    seen: list[int] = []
    try:
        for item in runtime.stream(fail):
            seen.append(item)
        error = None
    except ValueError as exc:
        error = str(exc)
    return {
        "values": [item for item in items if item is not IDLE],
        "idles": sum(item is IDLE for item in items),
        "idle_between": items.index("b") - items.index("a") > 1,
        "seen_before_error": seen,
        "error": error,
    }


async def _http_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    body = json.dumps(
        {"object": "list", "data": [{"id": "probe-model", "object": "model", "created": 0, "owned_by": "probe"}]}
    ).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"Connection: close\r\n\r\n" + body)
    await writer.drain()
    writer.close()


def scenario_io() -> dict[str, Any]:
    import httpx2
    from openai import AsyncOpenAI

    runtime = get_runtime()
    to_thread = [runtime.run(asyncio.to_thread(pow, i, 2), timeout=10) for i in range(5)]

    async def resolve() -> int:
        return len(await asyncio.get_running_loop().getaddrinfo("localhost", 80))

    server = runtime.run(asyncio.start_server(_http_server, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]

    async def fetch() -> int:
        async with httpx2.AsyncClient() as client:
            response = await client.get(f"http://localhost:{port}/")
            return response.status_code

    async def list_models() -> list[str]:
        client = AsyncOpenAI(base_url=f"http://localhost:{port}/v1", api_key="probe", max_retries=0)
        page = await client.models.list()
        await client.close()
        return [model.id for model in page.data]

    result = {
        "to_thread": to_thread,
        "addresses": runtime.run(resolve(), timeout=10),
        "http_status": runtime.run(fetch(), timeout=10),
        "models": runtime.run(list_models(), timeout=20),
    }
    server.close()
    return result


def scenario_mcp_server() -> None:
    """Not a scenario: the stdio MCP server that ``scenario_subprocess`` spawns (unpatched)."""
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("probe")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    server.run("stdio")


def scenario_subprocess() -> dict[str, Any]:
    from agents.mcp import MCPServerStdio, MCPServerStdioParams

    runtime = get_runtime()
    ticker = Ticker()

    async def shell() -> list[Any]:
        proc = await asyncio.create_subprocess_exec(
            "cat", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await proc.communicate(b"piped")
        sleeper = await asyncio.create_subprocess_exec("sleep", "30")
        sleeper.kill()
        return [out.decode(), proc.returncode, await sleeper.wait()]

    async def call_tool() -> list[Any]:
        params: MCPServerStdioParams = {
            "command": sys.executable,
            "args": [str(Path(__file__).resolve()), "mcp_server"],
        }
        async with MCPServerStdio(params=params, client_session_timeout_seconds=20) as server:
            tools = [tool.name for tool in await server.list_tools()]
            result = await server.call_tool("add", {"a": 2, "b": 40})
            return [tools, [getattr(part, "text", None) for part in result.content]]

    begin = time.monotonic()
    result: dict[str, Any] = {"shell": runtime.run(shell(), timeout=20), "open_fds": []}
    for _ in range(3):
        result["mcp"] = runtime.run(call_tool(), timeout=60)
        result["open_fds"].append(len(os.listdir("/proc/self/fd")))
    ticker.stop()
    result["ticks"] = ticker.ticks_between(begin, time.monotonic())
    result["hub_max_gap"] = ticker.max_gap()
    return result


def scenario_dormant_hub() -> dict[str, Any]:
    """Code on the loop that relies on gevent: deferred ``os.close``, greenlet "threads"."""
    from agents.tracing import trace
    from agents.tracing.processor_interface import TracingExporter
    from agents.tracing.processors import BatchTraceProcessor

    runtime = get_runtime()
    exported: list[Any] = []
    ran: list[str] = []

    class Recorder(TracingExporter):
        def export(self, items: list[Any]) -> None:
            exported.extend(items)

    processor = BatchTraceProcessor(Recorder(), schedule_delay=0.1)

    async def on_the_loop() -> int:
        read_end, write_end = os.pipe()
        os.close(write_end)
        threading.Thread(target=lambda: ran.append("thread")).start()
        processor.on_trace_start(trace("probe"))
        return read_end

    read_end = runtime.run(on_the_loop())
    readable = settle(runtime, lambda: bool(select.select([read_end], [], [], 0)[0]))
    return {
        "pipe_closed": readable and os.read(read_end, 1) == b"",
        "thread_ran": settle(runtime, lambda: ran == ["thread"]),
        "trace_exported": settle(runtime, lambda: len(exported) == 1),
    }


def scenario_stop() -> dict[str, Any]:
    runtime = get_runtime()
    ticker = Ticker()
    native_id = runtime.run(_loop_native_id())
    outcomes: list[str] = []

    def wait_run() -> None:
        try:
            runtime.run(asyncio.sleep(30))
        except RuntimeStoppedError:
            outcomes.append("run stopped")

    def wait_stream() -> None:
        try:
            list(runtime.stream(lambda: numbers(10, pause=30)))
        except RuntimeStoppedError:
            outcomes.append("stream stopped")

    waiters = [gevent.spawn(wait_run), gevent.spawn(wait_stream)]
    gevent.sleep(0.1)
    begin = time.monotonic()
    clean = runtime.stop(timeout=5)
    gevent.joinall(waiters, timeout=5)
    try:
        runtime.run(asyncio.sleep(0))
        after = "ran"
    except RuntimeStoppedError:
        after = "refused"
    ticker.stop()
    return {
        "clean": clean,
        "stop_seconds": time.monotonic() - begin,
        "outcomes": sorted(outcomes),
        "running": runtime.running,
        "after": after,
        "thread_gone": settle(runtime, lambda: not Path(f"/proc/self/task/{native_id}").exists()),
    }


def scenario_fork() -> dict[str, Any]:
    runtime = get_runtime()
    parent = runtime.run(_loop_native_id())
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            child_runtime = get_runtime()
            report = {
                "same_object": child_runtime is runtime,
                "pid": child_runtime.run(asyncio.to_thread(os.getpid), timeout=10),
                "loop_thread": child_runtime.run(_loop_native_id(), timeout=10),
            }
            os.write(write_end, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        child = json.loads(pipe.read() or "{}")
    return {
        "child_pid": pid,
        "exit_status": status,
        "child": child,
        "parent_loop_thread": parent,
        "parent_still_works": runtime.run(asyncio.sleep(0, result="ok")),
    }


app = Flask(__name__)
if __name__ != "__main__":  # served by gunicorn (from the repository root, so tests.support imports)
    from tests.support.env import run_settings

    if run_settings().probe_warm_master:
        get_runtime().run(asyncio.sleep(0))  # the master uses the runtime before gunicorn forks


@app.get("/sse")
def sse() -> Response:
    """Counts to ``n`` with ``pause`` seconds between events, pinging when idle."""
    count = int(request.args.get("n", "5"))
    pause = float(request.args.get("pause", "0"))
    marker = request.args.get("marker")

    async def events() -> AsyncIterator[int]:
        try:
            for value in range(count):
                await asyncio.sleep(pause)
                yield value
        finally:
            if marker:
                Path(marker).write_text(str(os.getpid()))

    def body() -> Iterator[str]:
        for item in get_runtime().stream(events, idle_timeout=0.05):
            yield ": ping\n\n" if item is IDLE else f"data: {item}\n\n"
        yield "event: end\ndata: done\n\n"

    return Response(body(), mimetype="text/event-stream")


@app.get("/block")
def block() -> dict[str, Any]:
    """Blocks the loop thread (not the hub) for ``s`` seconds with a real sleep."""
    seconds = float(request.args.get("s", "0.5"))

    async def stall() -> int:
        _real_sleep(seconds)
        return os.getpid()

    return {"pid": get_runtime().run(stall())}


@app.get("/ping")
def ping() -> dict[str, Any]:
    return {"pid": os.getpid(), "patched": monkey.is_module_patched("threading")}


if __name__ == "__main__":
    outcome = globals()[f"scenario_{sys.argv[1]}"]()
    if outcome is not None:
        print(json.dumps(outcome))
