"""Locust scenarios for Todo Assistant: chat, ChatKit, the tasks API, a long conversation and a user with
many concurrent sessions.

Besides Locust's own request rows, each turn reports two custom rows through `events.request.fire`:
`TTFC` (time to the first chunk of reply text) and `TURN` (the whole turn, end to end). Refused
turns report `ERROR` (how long until the user is shown the error), the many-sessions user reports
`SESSIONS`. With `--check-targets`, a `quitting` listener compares the stats with the targets of
loadtests/targets.py and sets the exit code (`make loadtest`); otherwise only failures fail the run.

Standalone: `.venv/bin/python -m locust -f loadtests/locustfile.py --host http://127.0.0.1:8000`
(from the repository root, against a server with RATELIMIT_ENABLED=0). `make loadtest` starts its
own server and passes, through the environment, a pool of ready accounts (LOADTEST_ACCOUNTS) and
the database to seed the long conversation in (LOADTEST_DATABASE_URL).
"""

from __future__ import annotations

import codecs
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import gevent
from gevent.pool import Group
from locust import HttpUser, between, events, task
from locust.clients import HttpSession
from locust.env import Environment
from locust.event import EventHook

from loadtests.common import (
    PASSWORD,
    SSEReader,
    chatkit_body,
    is_error_event,
    is_final_event,
    is_text_chunk,
    new_email,
    seed_messages,
)
from loadtests.settings import LoadTestSettings
from loadtests.targets import check_targets, format_results

SETTINGS = LoadTestSettings()
"""LOADTEST_* from the environment (see loadtests/settings.py)."""
LONG_CONVERSATION = SETTINGS.loadtest_long_conversation
"""Messages the long-conversation user's thread starts with."""
SESSIONS = SETTINGS.loadtest_sessions
LIST_TASKS = SETTINGS.loadtest_list_tasks
"""Concurrent sessions of the many-sessions user (the target is 10+)."""
PLANTS = ("ficus", "fern", "basil", "orchid", "cactus", "bonsai", "ivy", "tulips")

_accounts: list[dict[str, str]] = []

Handler = TypeVar("Handler", bound=Callable[..., None])


def listener(hook: EventHook) -> Callable[[Handler], Handler]:
    """`hook.add_listener` as a typed decorator (locust leaves it unannotated)."""

    def register(handler: Handler) -> Handler:
        hook.add_listener(handler)
        return handler

    return register


@listener(events.init_command_line_parser)
def _arguments(parser: Any) -> None:
    parser.add_argument("--check-targets", action="store_true", default=False,
                        help="Exit non-zero when a target of loadtests/targets.py is missed")


@listener(events.init)
def _load_accounts(environment: Environment, **_kwargs: Any) -> None:
    path = SETTINGS.loadtest_accounts
    if path:
        _accounts.extend(json.loads(Path(path).read_text()))


@listener(events.quitting)
def _check(environment: Environment, **_kwargs: Any) -> None:
    options = environment.parsed_options
    if options is None or not getattr(options, "check_targets", False):
        return
    results = check_targets(environment.stats, sessions=SESSIONS)
    print(format_results(results), flush=True)
    if not all(r.met for r in results):
        environment.process_exit_code = 1


class TodoUser(HttpUser):
    """Signs in (from the account pool when there is one, else signs up first) and keeps its token."""

    abstract = True
    wait_time = between(1, 3)

    uid = ""
    token = ""
    email = ""

    def on_start(self) -> None:
        """Get an account and sign in."""
        if _accounts:
            account = _accounts.pop()
            self.email, self.uid = account["email"], account["id"]
        else:
            self.email = new_email("locust")
            with self.client.post("/api/auth/signup", json={"email": self.email, "password": PASSWORD},
                                  name="/api/auth/signup", catch_response=True) as resp:
                if resp.status_code != 201:
                    resp.failure(f"sign-up answered {resp.status_code}")
                    raise gevent.GreenletExit()
                self.uid = resp.json()["user"]["id"]
        self.token = self.sign_in(self.client)

    def sign_in(self, client: HttpSession) -> str:
        """A new session (access token) for this user."""
        with client.post("/api/auth/signin", json={"email": self.email, "password": PASSWORD},
                         name="/api/auth/signin", catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"sign-in answered {resp.status_code}")
                raise gevent.GreenletExit()
            return str(resp.json()["access_token"])

    def headers(self, token: str | None = None) -> dict[str, str]:
        """Bearer auth for this user's routes."""
        return {"Authorization": f"Bearer {token or self.token}"}

    def stream_turn(self, path: str, body: dict[str, Any], label: str, client: HttpSession | None = None,
                    token: str | None = None) -> list[dict[str, Any]]:
        """POST a turn, read its SSE stream as it arrives and report TTFC and TURN rows.

        The turn fails on an HTTP error, an error event, or a stream that ends without its final event.
        """
        session = client or self.client
        started = time.perf_counter()
        first: float | None = None
        events_: list[dict[str, Any]] = []
        error: Exception | None = None
        size = 0
        try:
            with session.post(f"/api/{self.uid}{path}", json=body, headers={**self.headers(token),
                              "Accept": "text/event-stream"}, name=f"/api/[uid]{path}", stream=True,
                              catch_response=True) as resp:
                if resp.status_code != 200:
                    resp.failure(f"{resp.status_code}: {resp.text[:200]}")
                    error = RuntimeError(f"HTTP {resp.status_code}")
                else:
                    reader = SSEReader()
                    decoder = codecs.getincrementaldecoder("utf-8")()
                    for piece in resp.iter_content(chunk_size=None):
                        size += len(piece)
                        for ev in reader.feed(decoder.decode(piece)):
                            if first is None and is_text_chunk(ev):
                                first = time.perf_counter()
                            events_.append(ev)
                    if any(is_error_event(ev) for ev in events_):
                        error = RuntimeError(f"error event: {next(e for e in events_ if is_error_event(e))}")
                    elif not any(is_final_event(ev) for ev in events_):
                        error = RuntimeError("the stream ended without its final event")
                    if error is not None:
                        resp.failure(error)
        except Exception as err:  # a broken connection is a failed turn, not a crashed user
            error = err
        now = time.perf_counter()
        fire = self.environment.events.request.fire
        if first is not None:
            fire(request_type="TTFC", name=label, response_time=(first - started) * 1000, response_length=0,
                 exception=None, context={})
        fire(request_type="TURN", name=label, response_time=(now - started) * 1000, response_length=size,
             exception=error, context={})
        return events_


class ChatUser(TodoUser):
    """Streams /chat turns that add, list, complete and delete a task; now and then a refused turn."""

    weight = 6
    cycles = 0

    @task
    def task_cycle(self) -> None:
        """add -> list -> complete -> delete, in one conversation, by the task's id."""
        self.cycles += 1
        events_ = self.stream_turn("/chat", {"message": "add water the plants tomorrow at 9am"}, "/chat turn")
        conversation = next((e["conversation_id"] for e in events_ if e.get("type") == "conversation"), None)
        task_id = next((e["output"]["task"]["id"] for e in events_ if e.get("type") == "tool_result"
                        and isinstance(e.get("output"), dict) and "task" in e["output"]), None)
        if conversation is None or task_id is None:
            return
        for message in ("what's on my list?", f"complete task {task_id}", f"delete task {task_id}"):
            gevent.sleep(0.5)
            self.stream_turn("/chat", {"message": message, "conversation_id": conversation}, "/chat turn")
        if self.cycles % 3 == 0:
            self.refused_turn()

    def refused_turn(self) -> None:
        """A turn the server must refuse at once (unknown conversation; empty message): how fast is it shown?"""
        for body, expected in (({"message": "hello", "conversation_id": 2_000_000_000}, 404), ({"message": ""}, 422)):
            started = time.perf_counter()
            with self.client.post(f"/api/{self.uid}/chat", json=body, name="/api/[uid]/chat (refused)",
                                  headers={**self.headers(), "Accept": "text/event-stream"},
                                  catch_response=True) as resp:
                shown = resp.status_code == expected and '"error"' in resp.text
                if shown:
                    resp.success()
                else:
                    resp.failure(f"expected a {expected} error, got {resp.status_code}")
            self.environment.events.request.fire(
                request_type="ERROR", name="refused turn shown", response_time=(time.perf_counter() - started) * 1000,
                response_length=0, exception=None if shown else RuntimeError("no error shown"), context={})


class ChatKitUser(TodoUser):
    """The same turns through POST /api/{uid}/chatkit (threads.create, threads.add_user_message), by title."""

    weight = 2
    cycles = 0

    @task
    def task_cycle(self) -> None:
        """add -> list -> complete -> delete in one thread."""
        self.cycles += 1
        plant = PLANTS[self.cycles % len(PLANTS)]
        events_ = self.stream_turn("/chatkit", chatkit_body(f"add water the {plant} tomorrow"), "/chatkit turn")
        thread = next((e["thread"]["id"] for e in events_ if e.get("type") == "thread.created"), None)
        if thread is None:
            return
        for message in ("what's on my list?", f"mark water the {plant} as done", f"delete water the {plant}"):
            gevent.sleep(0.5)
            self.stream_turn("/chatkit", chatkit_body(message, thread), "/chatkit turn")


class TaskListUser(TodoUser):
    """The REST API: mostly lists of 50 tasks, with creates, edits, completions and deletes."""

    weight = 2
    wait_time = between(0.5, 1.5)
    mine: list[int]

    def on_start(self) -> None:
        """Sign in and own LIST_TASKS tasks (50 unless a short test run asks for fewer)."""
        super().on_start()
        self.mine = []
        for i in range(LIST_TASKS):
            resp = self.client.post(f"/api/{self.uid}/tasks", headers=self.headers(), name="/api/[uid]/tasks (seed)",
                                    json={"title": f"seeded task {i}", "priority": "medium", "tags": ["seed"]})
            if resp.status_code == 201:
                self.mine.append(resp.json()["id"])

    @task(6)
    def list_tasks(self) -> None:
        """The first page of 50."""
        self.client.get(f"/api/{self.uid}/tasks?limit=50", headers=self.headers(), name="/api/[uid]/tasks?limit=50")

    @task(1)
    def list_pending_by_due(self) -> None:
        """A filtered, sorted list."""
        self.client.get(f"/api/{self.uid}/tasks?status=pending&sort=due&limit=20", headers=self.headers(),
                        name="/api/[uid]/tasks?status=pending&sort=due")

    @task(2)
    def create_edit_complete_delete(self) -> None:
        """One task through its life."""
        resp = self.client.post(f"/api/{self.uid}/tasks", headers=self.headers(), name="/api/[uid]/tasks",
                                json={"title": "call the plumber", "due_date": "2030-01-01", "priority": "high"})
        if resp.status_code != 201:
            return
        path = f"/api/{self.uid}/tasks/{resp.json()['id']}"
        self.client.patch(path, headers=self.headers(), json={"tags": ["home"]}, name="/api/[uid]/tasks/[id]")
        self.client.patch(f"{path}/complete", headers=self.headers(), name="/api/[uid]/tasks/[id]/complete")
        self.client.delete(path, headers=self.headers(), name="/api/[uid]/tasks/[id]")


class LongConversationUser(TodoUser):
    """Chats in a thread past 1,000 messages (seeded straight into the database) and reads its newest page."""

    fixed_count = 1
    conversation = 0

    def on_start(self) -> None:
        """Sign in, start a conversation and grow it to LONG_CONVERSATION messages."""
        super().on_start()
        events_ = self.stream_turn("/chat", {"message": "add renew the passport"}, "/chat turn (long conversation)")
        self.conversation = next((e["conversation_id"] for e in events_ if e.get("type") == "conversation"), 0)
        url = SETTINGS.loadtest_database_url
        if self.conversation and url:
            seed_messages(url, self.conversation, LONG_CONVERSATION)

    @task(2)
    def turn(self) -> None:
        """A turn in the long conversation."""
        if self.conversation:
            self.stream_turn("/chat", {"message": "what's on my list?", "conversation_id": self.conversation},
                             "/chat turn (long conversation)")

    @task(3)
    def newest_page(self) -> None:
        """The newest 20 messages (ChatKit items.list, newest first), as a chat window opens."""
        if self.conversation:
            self.client.post(f"/api/{self.uid}/chatkit", headers=self.headers(), name="/api/[uid]/chatkit items.list",
                             json={"type": "items.list", "params": {"thread_id": f"thr_{self.conversation}",
                                                                    "order": "desc", "limit": 20}})

    @task(1)
    def first_page(self) -> None:
        """The REST messages route (it pages oldest first)."""
        if self.conversation:
            self.client.get(f"/api/{self.uid}/conversations/{self.conversation}/messages?limit=50",
                            headers=self.headers(), name="/api/[uid]/conversations/[id]/messages")


class ManySessionsUser(TodoUser):
    """One person on SESSIONS devices at once: as many sign-ins, each streaming a turn concurrently."""

    fixed_count = 1
    wait_time = between(2, 4)
    sessions: list[tuple[HttpSession, str]]

    def on_start(self) -> None:
        """Sign in SESSIONS times, each with its own HTTP connection pool and token."""
        super().on_start()
        self.sessions = []
        for _ in range(SESSIONS):
            client = HttpSession(self.host or "", self.environment.events.request, user=self)
            self.sessions.append((client, self.sign_in(client)))

    @task
    def concurrent_turns(self) -> None:
        """Every session streams a turn at the same time; the SESSIONS row fails if any turn did."""
        started = time.perf_counter()
        outcomes: list[bool] = []

        def one(client: HttpSession, token: str) -> None:
            events_ = self.stream_turn("/chat", {"message": f"add session task {uuid.uuid4().hex[:6]}"},
                                       "/chat turn (concurrent sessions)", client=client, token=token)
            outcomes.append(any(is_final_event(e) for e in events_) and not any(is_error_event(e) for e in events_))

        group = Group()
        for client, token in self.sessions:
            group.spawn(one, client, token)
        group.join()
        failed = outcomes.count(False) + (len(self.sessions) - len(outcomes))
        self.environment.events.request.fire(
            request_type="SESSIONS", name=f"{len(self.sessions)} concurrent sessions",
            response_time=(time.perf_counter() - started) * 1000, response_length=len(self.sessions),
            exception=RuntimeError(f"{failed} of {len(self.sessions)} session turns failed") if failed else None,
            context={})
