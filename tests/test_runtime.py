"""Tests for ``app.agent.runtime``: the process-wide asyncio loop used from greenlets.

The first half runs in this (unpatched) pytest process, where the runtime falls back to
plain threads. The second half runs ``tests/support/runtime_gevent_probe.py`` in subprocesses that
call ``gevent.monkey.patch_all()`` like gunicorn's gevent worker, and finally starts a real
gunicorn with gevent workers. No assertion depends on speed beyond generous bounds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import http.client
import inspect
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.agent.runtime import IDLE, AsyncRuntime, RuntimeStoppedError, get_runtime, shutdown_runtime
from tests.support.env import server_env

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).parent / "support" / "runtime_gevent_probe.py"
# `-c /dev/null`: the probe app, not the project's gunicorn.conf.py (its checks and worker hooks are for the real app).
GUNICORN_ARGS = ["-m", "gunicorn", "-c", "/dev/null", "-k", "gevent", "-w", "1", "--preload", "--graceful-timeout", "5"]


@pytest.fixture
def runtime() -> Iterator[AsyncRuntime]:
    rt = AsyncRuntime()
    yield rt
    assert rt.stop(timeout=5)


def wait_for(check: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(check())


async def numbers(count: int, pause: float = 0.0) -> AsyncIterator[int]:
    for value in range(count):
        await asyncio.sleep(pause)
        yield value


async def pending_tasks() -> int:
    return len(asyncio.all_tasks()) - 1


async def loop_thread_native_id() -> int:
    return threading.get_native_id()


# --- plain threads (no monkey-patching) -------------------------------------------------


def test_start_is_lazy_idempotent_and_uses_one_thread(runtime: AsyncRuntime) -> None:
    assert not runtime.running
    runtime.start()
    runtime.start()
    assert runtime.running
    ids = {runtime.run(loop_thread_native_id()) for _ in range(20)}
    assert len(ids) == 1
    assert ids != {threading.get_native_id()}


def test_run_returns_values_and_raises_exceptions(runtime: AsyncRuntime) -> None:
    async def add(a: int, b: int) -> int:
        await asyncio.sleep(0)
        return a + b

    class Boom(Exception):
        pass

    async def explode() -> None:
        raise Boom("kaput")

    assert runtime.run(add(2, 3)) == 5
    with pytest.raises(Boom, match="kaput"):
        runtime.run(explode())
    with pytest.raises(TypeError):
        runtime.run(42)  # type: ignore[arg-type]  # deliberately not an awaitable
    assert runtime.run(add(1, 1)) == 2


def test_run_sees_the_callers_contextvars(runtime: AsyncRuntime) -> None:
    user: contextvars.ContextVar[str] = contextvars.ContextVar("user", default="nobody")

    async def whoami() -> str:
        return user.get()

    user.set("alice")
    assert runtime.run(whoami()) == "alice"


def test_run_timeout_cancels_the_task(runtime: AsyncRuntime) -> None:
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError):
        runtime.run(forever(), timeout=0.05)
    assert cancelled.wait(5)
    assert wait_for(lambda: runtime.run(pending_tasks()) == 0)


def test_waiting_from_the_loop_thread_is_refused(runtime: AsyncRuntime) -> None:
    async def nested() -> None:
        runtime.run(asyncio.sleep(0))

    with pytest.raises(RuntimeError, match="own loop thread"):
        runtime.run(nested())


def test_stream_yields_every_item_in_order_within_the_buffer_bound(runtime: AsyncRuntime) -> None:
    produced = 0

    async def counted() -> AsyncIterator[int]:
        nonlocal produced
        for value in range(2000):
            produced += 1
            yield value

    received = []
    worst_backlog = 0
    for item in runtime.stream(counted, max_buffer=16):
        received.append(item)
        worst_backlog = max(worst_backlog, produced - len(received))
        if item % 100 == 0:
            time.sleep(0.005)  # a slow client: the producer must pause, not run ahead
    assert received == list(range(2000))
    assert worst_backlog <= 16 + 1


def test_stream_batches_hands_over_together_what_was_buffered_together(runtime: AsyncRuntime) -> None:
    """An SSE route writes once per batch: the items produced while the consumer was busy come as one."""
    produced_rest = threading.Event()
    opened = asyncio.Event()

    async def words() -> AsyncIterator[str]:
        yield "first"
        await opened.wait()
        for word in ("a", "b", "c", "d"):
            yield word
        produced_rest.set()
        yield "last"

    batches = runtime.stream_batches(words, idle_timeout=None)
    assert next(batches) == ["first"]
    runtime.post(opened.set)
    assert produced_rest.wait(5)
    together = next(batches)  # nothing was taken since "first": the four words are all buffered
    assert together is not IDLE
    assert together[:4] == ["a", "b", "c", "d"]
    rest = together[4:] + [item for batch in batches if batch is not IDLE for item in batch]
    assert rest == ["last"]


def test_stream_accepts_an_async_iterable_or_a_factory(runtime: AsyncRuntime) -> None:
    assert list(runtime.stream(numbers(5))) == [0, 1, 2, 3, 4]
    assert list(runtime.stream(lambda: numbers(3))) == [0, 1, 2]
    assert list(runtime.stream(lambda: numbers(0))) == []


@pytest.mark.parametrize("pause", [0.01, 0.0], ids=["producer-awaiting", "producer-paused-by-backpressure"])
def test_closing_a_stream_early_cancels_and_closes_the_producer(runtime: AsyncRuntime, pause: float) -> None:
    finalized = threading.Event()

    async def endless() -> AsyncIterator[int]:
        value = 0
        try:
            while True:
                await asyncio.sleep(pause)
                yield value
                value += 1
        finally:
            finalized.set()

    stream = runtime.stream(endless, max_buffer=4)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    time.sleep(0.05)
    stream.close()
    assert finalized.wait(5)
    assert wait_for(lambda: runtime.run(pending_tasks()) == 0)


def test_stream_reraises_errors_after_the_items_before_them(runtime: AsyncRuntime) -> None:
    async def failing() -> AsyncIterator[int]:
        yield 1
        yield 2
        raise ValueError("source broke")

    received = []
    with pytest.raises(ValueError, match="source broke"):
        for item in runtime.stream(failing):
            received.append(item)
    assert received == [1, 2]


def test_stream_yields_idle_heartbeats_while_the_producer_is_quiet(runtime: AsyncRuntime) -> None:
    async def quiet() -> AsyncIterator[str]:
        yield "first"
        await asyncio.sleep(0.5)
        yield "second"

    items = list(runtime.stream(quiet, idle_timeout=0.05))
    assert [item for item in items if item is not IDLE] == ["first", "second"]
    assert IDLE in items[items.index("first") : items.index("second")]
    assert list(runtime.stream(numbers(3), idle_timeout=30)) == [0, 1, 2]


def test_many_threads_share_one_runtime(runtime: AsyncRuntime) -> None:
    async def echo(value: int) -> int:
        await asyncio.sleep(0.001)
        return value

    def worker(index: int) -> bool:
        runs = [runtime.run(echo(index * 100 + i)) for i in range(20)]
        streamed = list(runtime.stream(lambda: numbers(20)))
        return runs == [index * 100 + i for i in range(20)] and streamed == list(range(20))

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert all(pool.map(worker, range(32)))


def test_default_executor_runs_jobs_in_parallel_real_threads(runtime: AsyncRuntime) -> None:
    barrier = threading.Barrier(4, timeout=10)

    async def four_at_once() -> list[int]:
        return await asyncio.gather(*(asyncio.to_thread(barrier.wait) for _ in range(4)))

    assert sorted(runtime.run(four_at_once())) == [0, 1, 2, 3]

    async def resolve() -> int:
        return len(await asyncio.get_running_loop().getaddrinfo("localhost", 80))

    assert runtime.run(resolve()) > 0


def test_subprocesses_run_on_the_loop(runtime: AsyncRuntime) -> None:
    async def spawn() -> list[Any]:
        cat = await asyncio.create_subprocess_exec("cat", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        out, _ = await cat.communicate(b"piped")
        sleeper = await asyncio.create_subprocess_exec("sleep", "30")
        sleeper.kill()
        failing = await asyncio.create_subprocess_shell("exit 3")
        return [out, cat.returncode, await sleeper.wait(), await failing.wait()]

    assert runtime.run(spawn(), timeout=20) == [b"piped", 0, -9, 3]


def test_stop_cancels_pending_work_and_ends_the_thread() -> None:
    runtime = AsyncRuntime()
    native_id = runtime.run(loop_thread_native_id())
    cancelled = threading.Event()
    outcomes: list[str] = []

    async def forever() -> None:
        try:
            await asyncio.sleep(30)
        finally:
            cancelled.set()

    def wait_run() -> None:
        try:
            runtime.run(forever())
        except RuntimeStoppedError:
            outcomes.append("run")

    def wait_stream() -> None:
        try:
            list(runtime.stream(lambda: numbers(3, pause=30)))
        except RuntimeStoppedError:
            outcomes.append("stream")

    waiters = [threading.Thread(target=wait_run), threading.Thread(target=wait_stream)]
    for waiter in waiters:
        waiter.start()
    time.sleep(0.1)
    assert runtime.stop(timeout=5)
    for waiter in waiters:
        waiter.join(5)
    assert cancelled.is_set()
    assert sorted(outcomes) == ["run", "stream"]
    assert not runtime.running
    assert wait_for(lambda: not Path(f"/proc/self/task/{native_id}").exists())
    assert runtime.stop()
    coroutine = asyncio.sleep(0)
    with pytest.raises(RuntimeStoppedError):
        runtime.run(coroutine)
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED  # no "never awaited" warning
    with pytest.raises(RuntimeStoppedError):
        list(runtime.stream(numbers(1)))


def test_get_runtime_returns_one_runtime_per_process() -> None:
    assert get_runtime() is get_runtime()


def test_shutdown_runtime_stops_the_shared_runtime_in_a_child() -> None:
    get_runtime().start()
    pid = os.fork()
    if pid == 0:
        try:
            shared = get_runtime()
            shared.run(asyncio.sleep(0))
            ok = shutdown_runtime(timeout=5) and not shared.running and shutdown_runtime()
            try:
                shared.run(asyncio.sleep(0))
            except RuntimeStoppedError:
                os._exit(0 if ok else 1)
            os._exit(2)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert get_runtime().running  # the parent's runtime is untouched


def test_forked_child_starts_its_own_loop_thread() -> None:
    shared = get_runtime()
    parent_thread = shared.run(loop_thread_native_id())
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            child = get_runtime()
            report = {
                "same_object": child is shared,
                "loop_pid": child.run(asyncio.to_thread(os.getpid), timeout=10),
                "loop_thread": child.run(loop_thread_native_id(), timeout=10),
            }
            os.write(write_end, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        report = json.loads(pipe.read() or "{}")
    assert status == 0
    assert report["same_object"] is True
    assert report["loop_pid"] == pid
    assert report["loop_thread"] != parent_thread
    assert shared.run(asyncio.sleep(0, result="parent ok")) == "parent ok"


# --- real gevent monkey-patching, in subprocesses ----------------------------------------


def probe(scenario: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(PROBE), scenario], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_gevent_loop_blocks_in_the_original_epoll_not_a_hub() -> None:
    result = probe("selector")
    assert result["patched"] is True
    assert result["selector_module"] == "selectors"  # not gevent.selectors.GeventSelector
    assert result["backend_is_original_epoll"] is True
    assert result["fallback_ok"] is True
    assert result["answer"] == 42


def test_gevent_200_streams_and_slow_or_blocked_loop_never_stall_the_hub() -> None:
    result = probe("concurrency")
    assert result["streams_ok"] == 200
    assert result["blocked_value"] == "done"
    assert result["slow_values"] == ["slow", [0, 1]]
    # The ticker would tick ~80 times in each window; zero would mean a frozen hub.
    assert result["ticks_while_loop_blocked"] >= 10
    assert result["ticks_while_waiting"] >= 10
    assert result["pending_tasks"] == 0


def test_gevent_kill_close_and_timeout_cancel_the_loop_side() -> None:
    result = probe("cancel")
    assert result["flags"] == {
        "killed": True,
        "closed_while_paused": True,
        "run_killed": True,
        "run_timed_out": True,
    }
    assert result["first"] == [0, 1]
    assert result["timed_out"] is True
    assert result["consumer_dead"] is True
    assert result["pending_tasks"] == 0


def test_gevent_heartbeats_and_errors() -> None:
    result = probe("heartbeat")
    assert result["values"] == ["a", "b"]
    assert result["idles"] >= 1
    assert result["idle_between"] is True
    assert result["seen_before_error"] == [1]
    assert result["error"] == "boom"


def test_gevent_executor_dns_httpx_and_openai_client_work_on_the_loop() -> None:
    result = probe("io")
    assert result["to_thread"] == [0, 1, 4, 9, 16]
    assert result["addresses"] > 0
    assert result["http_status"] == 200
    assert result["models"] == ["probe-model"]


def test_gevent_subprocesses_and_a_stdio_mcp_server_work_on_the_loop() -> None:
    result = probe("subprocess")
    assert result["shell"] == ["piped", 0, -9]
    assert result["mcp"] == [["add"], ["42"]]
    assert len(set(result["open_fds"])) == 1  # three MCP sessions, no descriptor leaked
    assert result["ticks"] >= 10
    assert result["hub_max_gap"] < 1.0  # spawning never froze the request hub


def test_gevent_work_handed_to_the_loop_threads_own_hub_still_runs() -> None:
    result = probe("dormant_hub")
    assert result == {"pipe_closed": True, "thread_ran": True, "trace_exported": True}


def test_gevent_stop_releases_waiting_greenlets_and_ends_the_thread() -> None:
    result = probe("stop")
    assert result["clean"] is True
    assert result["outcomes"] == ["run stopped", "stream stopped"]
    assert result["running"] is False
    assert result["after"] == "refused"
    assert result["thread_gone"] is True


def test_gevent_fork_gives_the_child_a_working_runtime() -> None:
    result = probe("fork")
    assert result["exit_status"] == 0
    assert result["child"]["same_object"] is True
    assert result["child"]["pid"] == result["child_pid"]
    assert result["child"]["loop_thread"] != result["parent_loop_thread"]
    assert result["parent_still_works"] == "ok"


# --- a real gunicorn with a gevent worker -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@pytest.fixture
def gunicorn_port(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, *GUNICORN_ARGS, "-b", f"127.0.0.1:{port}", "tests.support.runtime_gevent_probe:app"],
        cwd=ROOT,
        env=server_env(PROBE_WARM_MASTER="1", TODO_MODE="developer"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def ready() -> bool:
            try:
                return _get(port, "/ping", timeout=1)[0] == 200
            except OSError:
                return False

        assert wait_for(ready, timeout=30), log.name
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        output = log.read()
        assert "Traceback" not in output, output


@pytest.mark.gunicorn
def test_gunicorn_gevent_worker_serves_sse_through_the_runtime(gunicorn_port: int, tmp_path: Path) -> None:
    port = gunicorn_port
    status, body = _get(port, "/ping")
    assert status == 200 and json.loads(body)["patched"] is True

    def sse(index: int) -> bool:
        status, body = _get(port, f"/sse?n=20&pause={0.002 * (index % 5)}")
        data = [line[6:] for line in body.splitlines() if line.startswith("data: ")]
        return status == 200 and data == [str(i) for i in range(20)] + ["done"]

    with concurrent.futures.ThreadPoolExecutor(100) as pool:
        assert all(pool.map(sse, range(100)))

    status, body = _get(port, "/sse?n=2&pause=0.3")
    assert ": ping" in body.split("data: 0", 1)[1].split("data: 1", 1)[0]

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        blocked = pool.submit(_get, port, "/block?s=1.5")
        time.sleep(0.3)
        pings = [_get(port, "/ping")[0] for _ in range(5)]
        assert not blocked.done()  # the loop thread is stuck in a real sleep, the hub is not
        assert pings == [200] * 5
        assert blocked.result()[0] == 200

    marker = tmp_path / "finalized"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/sse?n=100000&pause=0.05&marker={marker}")
    response = conn.getresponse()
    assert any(response.readline().startswith(b"data: 1") for _ in range(100))
    conn.close()  # the client goes away mid-stream
    assert wait_for(marker.exists, timeout=15)
