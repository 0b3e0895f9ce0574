"""Decide the model's next step from the conversation: tool calls, or the final reply.

The planner is a pure function of its inputs. It re-reads the user's message on every step
and looks at the tool exchanges of the current turn to know how far the turn has come, the way
an LLM re-reads its context; nothing is remembered between calls.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import replies
from .batch import Batch, bare_numbers, several_targets
from .bulk import Group, parse_bulk
from .clock import Now
from .conversation import Conversation, Exchange, Task, Turn
from .foreign import split_foreign
from .intents import (
    ADD,
    BYE,
    CLEAR_COMPLETED,
    COMPLETE,
    DELETE,
    DELETE_ALL,
    GREET,
    HELP,
    LIST,
    REOPEN,
    THANKS,
    UNKNOWN,
    UPDATE,
    Intent,
    is_no,
    is_yes,
    parse_intent,
)  # fmt: skip
from .languages import is_nastaliq
from .listing import apply_query
from .references import Reference, best_matches, parse_reference, pick_position, recent_task, several_positions
from .reminders import plan_reminder  # it takes Call and Step from here at call time, so no import cycle
from .say import Voice, voice
from .split import split_requests

MAX_EXCHANGES = 8
DELETE_GROUP = "delete_group"
"""A pending confirmation: deleting the group of tasks the previous message named."""
ACTION_TOOLS = {COMPLETE: "complete_task", REOPEN: "complete_task", DELETE: "delete_task", UPDATE: "update_task"}


@dataclass
class Call:
    """A tool call to make."""

    name: str
    """Tool name."""
    arguments: dict[str, Any]
    """JSON-able arguments."""


@dataclass
class Step:
    """What the model answers on one call: tool calls, or else a text reply."""

    calls: list[Call] = field(default_factory=list)
    """Tool calls to make (the Runner runs them and calls the model again)."""
    text: str = ""
    """The reply text when there are no calls."""


def _reply(text: str) -> Step:
    return Step(text=text)


def _call(name: str, **arguments: Any) -> Step:
    return Step(calls=[Call(name=name, arguments=arguments)])


class Planner:
    """Plans one model step for one conversation."""

    def __init__(self, conversation: Conversation, now: Now, tools: dict[str, set[str]]) -> None:
        self.conversation = conversation
        self.now = now
        self.tools = tools
        self.turn: Turn = conversation.current
        self.voice: Voice | None = None

    def plan(self) -> Step:
        """The next step of the current turn."""
        turn = self.turn
        if len(turn.exchanges) >= MAX_EXCHANGES:
            last = turn.exchanges[-1]
            return _reply(replies.tool_error(last.output or "") if last.failed else "Done.")
        previous = self.conversation.previous
        if previous is not None:
            pending = self._pending_confirmation(previous)
            if pending and is_yes(turn.user):
                return self._confirmed(pending, previous)
            if pending and is_no(turn.user):
                said = parse_intent(turn.user, self.now)
                spoken = voice(said.lang, is_nastaliq(turn.user))
                return _reply(
                    spoken("nothing_changed") if spoken else "Okay, I won't delete anything. Nothing changed."
                )
        if (reminder_step := plan_reminder(self)) is not None:
            return reminder_step
        intent = parse_intent(turn.user, self.now)
        self.voice = voice(intent.lang, is_nastaliq(turn.user))
        if previous is not None and (
            previous.assistant.startswith(replies.WHICH_ONE)
            or ("\n1. " in previous.assistant and "?" in previous.assistant.split("\n")[0])
        ):
            follow = self._follow_up(previous, intent)
            if follow is not None:
                return follow
        bulk = parse_bulk(turn.user, self.now) if intent.kind not in (LIST, CLEAR_COMPLETED, DELETE_ALL) else None
        if bulk is not None and (group := Group(self, bulk)).meant():
            return group.plan()  # deleting every task is the delete-everything request, with its confirmation
        if intent.lang == "en" and intent.kind not in (LIST, GREET, THANKS, BYE, HELP, CLEAR_COMPLETED, DELETE_ALL):
            several = split_requests(turn.user, self.now)
            if several and len(several) > 1:
                return Batch(self, several).plan()
            if several:
                intent = several[0]
        elif intent.kind == ADD and (several := split_foreign(turn.user, intent.lang, self.now)):
            return Batch(self, several).plan()
        if intent.kind == UPDATE and _GROUP_POINTER.match(intent.target) is not None:
            just_named = self.spoken_group(2 if re.search(r"\bboth\b", intent.target, re.IGNORECASE) else None)
            if just_named is not None and len(just_named) > 1:  # "make both of them due friday" after adding two
                intent.target = " and ".join(f"task {t.get('id')}" for t in just_named)
                return Batch(self, [intent]).plan()
        if intent.kind in ACTION_TOOLS and intent.target:
            shown = self.shown_list()
            if shown is not None and (positions := several_positions(intent.target, len(shown))) is not None:
                intent.target = positions  # "done with the last two"
            by_position = bare_numbers(intent.target) and shown is not None
            if by_position or (several_targets(intent.target) and not _ONE_TASK.search(turn.user)):
                return Batch(self, [intent]).plan()
        return self._dispatch(intent)

    def _dispatch(self, intent: Intent) -> Step:
        kind = intent.kind
        if kind == ADD:
            return self._add(intent)
        if kind == LIST:
            return self._list(intent)
        if kind in ACTION_TOOLS:
            return self._act(intent, parse_reference(intent.target))
        if kind == CLEAR_COMPLETED:
            done = self.turn.last("clear_completed")
            if done is not None:
                return self._after_clear(done)
            return self._tool_or_sorry("clear_completed", {})
        if kind == DELETE_ALL:
            listing = self.turn.last("list_tasks")
            if listing is None:
                return self._tool_or_sorry("list_tasks", {"status": "all", "limit": 100})
            return _reply(replies.confirm_delete_all(len(listing.tasks())))
        if kind == UNKNOWN and self.voice is not None:
            return _reply(self.voice("unknown"))
        return _reply(
            {GREET: replies.GREETING, THANKS: replies.THANKS, BYE: replies.BYE, HELP: replies.HELP}.get(
                kind, replies.UNKNOWN
            )
        )

    def _tool_or_sorry(self, name: str, arguments: dict[str, Any]) -> Step:
        if name not in self.tools:
            return _reply(f"Sorry, I can't do that right now: the {name} tool isn't available.")
        return _call(name, **arguments)

    def _add(self, intent: Intent) -> Step:
        done = self.turn.last("add_task")
        if done is not None:
            if done.failed:
                return _reply(replies.tool_error(done.output or ""))
            tasks = done.tasks()
            if tasks and self.voice is not None:
                return _reply(
                    self.voice(
                        "added", title=replies.quote(tasks[0].get("title")), due=self.voice.due(tasks[0], self.now)
                    )
                )
            return _reply(replies.added(tasks[0], self.now) if tasks else "Added it.")
        if not intent.title:
            if self.voice is not None:
                return _reply(self.voice("what_title"))
            return _reply('Sure, what should the task be? For example: "add buy milk tomorrow at 5pm".')
        return self._tool_or_sorry("add_task", add_arguments(intent))

    def _list(self, intent: Intent) -> Step:
        assert intent.query is not None
        done = self.turn.last("list_tasks")
        if done is None:
            return self._tool_or_sorry("list_tasks", intent.query.tool_arguments(self.tools.get("list_tasks")))
        if done.failed:
            return _reply(replies.tool_error(done.output or ""))
        shown = apply_query(intent.query, done.tasks(), self.now.timezone)
        if self.voice is not None:
            return _reply(self.voice.task_list(shown))
        return _reply(replies.task_list(intent.query, shown, self.now))

    def shown_list(self) -> list[Task] | None:
        """The tasks of the last list shown to the user, in the order shown."""
        for turn in reversed(self.conversation.turns[:-1]):
            listing = turn.last("list_tasks")
            if listing is None:
                continue
            intent = parse_intent(turn.user, self.now)
            if intent.kind == LIST and intent.query is not None:
                return apply_query(intent.query, listing.tasks(), self.now.timezone)
        return None

    def spoken_group(self, want: int | None) -> list[Task] | None:
        """The tasks spoken about last, as a group: those the latest turns added or changed (going back until
        there are `want` of them, if given), or else the list shown last."""
        found: list[Task] = []
        for turn in reversed(self.conversation.turns[:-1]):
            acted = [t for e in turn.exchanges if e.name in ("add_task", "update_task") for t in e.tasks()]
            if acted:
                known = {t.get("id") for t in found}
                found = [t for t in acted if t.get("id") not in known] + found
                if want is None or len(found) >= want:
                    break
                continue
            if turn.last("list_tasks") is not None:
                break
        if found:
            return found[-want:] if want else found
        return self.shown_list()

    def spoken_task(self) -> Task | None:
        """The task spoken about last: a list that showed one task, or the latest one changed."""
        for turn in reversed(self.conversation.turns[:-1]):
            listing = turn.last("list_tasks")
            acted = [e for e in turn.exchanges if e.name in ("add_task", "update_task", "complete_task") and e.tasks()]
            if acted:
                return acted[-1].tasks()[0]
            if listing is not None:
                intent = parse_intent(turn.user, self.now)
                if intent.kind == LIST and intent.query is not None:
                    shown = apply_query(intent.query, listing.tasks(), self.now.timezone)
                    if len(shown) == 1:
                        return shown[0]
        return recent_task(self.conversation)

    def _resolve(self, intent: Intent, ref: Reference) -> Task | Step | int:
        """A task (or an id) the reference points at, or a step to take first."""
        if ref.task_id is not None:
            if intent.fields.tags or intent.untag or intent.shift_days or intent.shift_minutes:
                listing = self.turn.last("list_tasks")
                if listing is None:
                    return self._tool_or_sorry("list_tasks", {"status": "all", "limit": 100})
                for task in listing.tasks():
                    if task.get("id") == ref.task_id:
                        return task
            return ref.task_id
        if ref.position is not None:
            shown = self.shown_list()
            if shown is None and ref.position == -1:
                latest = recent_task(self.conversation)
                return latest if latest is not None else _reply("Which task do you mean? Show your tasks first.")
            picked = pick_position(ref.position, shown or [])
            if picked is None:
                return _reply(
                    'I don\'t see that one in the last list I showed. Say "show my tasks" to see the list again.'
                )
            return picked
        if ref.pronoun:
            spoken = self.spoken_task()
            if spoken is None:
                return _reply("Which task do you mean? Tell me a few words of its title.")
            return spoken
        listing = self.turn.last("list_tasks")
        if listing is None:
            return self._tool_or_sorry("list_tasks", {"status": "all", "limit": 100})
        if listing.failed:
            return _reply(replies.tool_error(listing.output or ""))
        prefer = {COMPLETE: False, REOPEN: True}.get(intent.kind)
        matches = best_matches(ref.stems, listing.tasks(), prefer_completed=prefer)
        if not matches:
            if self.voice is not None:
                return _reply(self.voice("not_found", phrase=ref.phrase))
            return _reply(replies.not_found(ref.phrase))
        if len(matches) > 1:
            return _reply(replies.which_one(matches, self.now, self.voice))
        return matches[0]

    def _act(self, intent: Intent, ref: Reference, target: Task | None = None) -> Step:
        tool = ACTION_TOOLS[intent.kind]
        if len(ref.task_ids) > 1 and intent.kind != UPDATE:
            return self._act_on_many(intent, ref.task_ids)
        done = self.turn.last(tool)
        if done is not None:
            return _reply(self._describe(intent, done, target))
        resolved: Task | Step | int = target if target is not None else self._resolve(intent, ref)
        if isinstance(resolved, Step):
            return resolved
        task = resolved if isinstance(resolved, dict) else None
        task_id = task.get("id") if task is not None else resolved
        if intent.kind == DELETE:
            return self._tool_or_sorry(tool, {"task_id": task_id})
        if intent.kind in (COMPLETE, REOPEN):
            return self._tool_or_sorry(tool, {"task_id": task_id, "completed": intent.kind == COMPLETE})
        args = update_arguments(intent, task, clear_list="clear" in self.tools.get(tool, set()), today=self.now.today)
        if intent.shift_minutes and task is not None and not task.get("due_time") and "due_time" not in args:
            return _reply(replies.no_time_to_move(task))
        if len(args) == 0:
            return _reply("What would you like to change about it? For example a new title, due date or priority.")
        return self._tool_or_sorry(tool, {"task_id": task_id, **args})

    def _act_on_many(self, intent: Intent, task_ids: list[int]) -> Step:
        """Several ids at once ("complete tasks 2 and 3"): one call each, in one step."""
        tool = ACTION_TOOLS[intent.kind]
        done = [e for e in self.turn.exchanges if e.name == tool and e.output is not None]
        if done:
            return _reply(" ".join(self._describe(intent, exchange, None) for exchange in done))
        if tool not in self.tools:
            return self._tool_or_sorry(tool, {})
        extra = {} if intent.kind == DELETE else {"completed": intent.kind == COMPLETE}
        return Step(calls=[Call(name=tool, arguments={"task_id": i, **extra}) for i in task_ids])

    def _describe(self, intent: Intent, done: Exchange, target: Task | None) -> str:
        if done.failed:
            return replies.tool_error(done.output or "", done.arguments.get("task_id"))
        tasks = done.tasks()
        if not tasks:
            return "Done."
        task = tasks[0]
        if self.voice is not None:
            key = {COMPLETE: "completed", REOPEN: "reopened", DELETE: "deleted"}.get(intent.kind, "updated")
            return self.voice(key, title=replies.quote(task.get("title")), due=self.voice.due(task, self.now))
        if intent.kind == COMPLETE:
            return replies.completed(task, self.now)
        if intent.kind == REOPEN:
            return replies.reopened(task)
        if intent.kind == DELETE:
            return replies.deleted(task)
        old = target or self._known_task(done.arguments.get("task_id"))
        changed = {k for k in done.arguments if k not in ("task_id", "clear")} | set(done.arguments.get("clear") or [])
        return replies.updated(task, changed, old.get("title") if old else None, self.now)

    def _known_task(self, task_id: Any) -> Task | None:
        """The task with that id as last seen before the current change."""
        for exchange in self.conversation.exchanges_newest_first():
            if exchange.name == "update_task" and exchange in self.turn.exchanges:
                continue
            for task in exchange.tasks():
                if task.get("id") == task_id:
                    return task
        return None

    def _follow_up(self, previous: Turn, intent: Intent) -> Step | None:
        """Answer to "which one do you mean?": redo the earlier request on the chosen task."""
        if intent.kind not in (UNKNOWN, ADD):
            return None
        earlier = parse_intent(previous.user, self.now)
        listing = previous.last("list_tasks")
        if earlier.kind not in ACTION_TOOLS or listing is None:
            return None
        first = parse_reference(earlier.target)
        prefer = {COMPLETE: False, REOPEN: True}.get(earlier.kind)
        candidates = best_matches(first.stems, listing.tasks(), prefer_completed=prefer)
        answer = parse_reference(self.turn.user)
        bare = re.fullmatch(r"\s*(?:number\s+|no\.?\s*)?(\d+)\s*[.!]?\s*", self.turn.user, re.IGNORECASE)
        if bare and 1 <= int(bare.group(1)) <= len(candidates):
            answer.position, answer.task_id = int(bare.group(1)), None
        if answer.position is not None:
            chosen = pick_position(answer.position, candidates)
            picked = [chosen] if chosen else []
        elif answer.task_id is not None:
            picked = [t for t in listing.tasks() if t.get("id") == answer.task_id]
        else:
            picked = best_matches(answer.stems, candidates) or best_matches(answer.stems, listing.tasks())
        if len(picked) != 1:
            return None
        return self._act(earlier, first, picked[0])

    def _pending_confirmation(self, previous: Turn) -> str | None:
        if replies.CONFIRM_DELETE_ALL in previous.assistant:
            return DELETE_ALL
        if replies.CONFIRM_DELETE_GROUP in previous.assistant:
            return DELETE_GROUP
        asked = previous.last("clear_completed")
        if asked is not None and asked.data and asked.data.get("confirmation_required"):
            return CLEAR_COMPLETED
        if replies.CONFIRM_CLEAR in previous.assistant:
            return CLEAR_COMPLETED
        return None

    def _confirmed(self, pending: str, previous: Turn) -> Step:
        if pending == DELETE_GROUP:
            asked = parse_bulk(previous.user, self.now)
            if asked is None:
                return _reply("Okay, I won't delete anything. Nothing changed.")
            return Group(self, asked).plan(confirmed=True)
        if pending == CLEAR_COMPLETED:
            done = self.turn.last("clear_completed")
            if done is not None:
                return self._after_clear(done)
            return self._tool_or_sorry("clear_completed", {"confirm": True})
        listing = self.turn.last("list_tasks")
        if listing is None:
            return self._tool_or_sorry("list_tasks", {"status": "all", "limit": 100})
        deletes = [e for e in self.turn.exchanges if e.name == "delete_task"]
        if not deletes:
            ids = [t.get("id") for t in listing.tasks() if t.get("id") is not None]
            if not ids:
                return _reply("You have no tasks, so there is nothing to delete.")
            if "delete_task" not in self.tools:
                return _reply("Sorry, I can't delete tasks right now.")
            return Step(calls=[Call(name="delete_task", arguments={"task_id": i}) for i in ids])
        return _reply(replies.deleted_all(sum(1 for e in deletes if not e.failed)))

    def _after_clear(self, done: Exchange) -> Step:
        if done.failed or done.data is None:
            return _reply(replies.tool_error(done.output or ""))
        if done.data.get("confirmation_required"):
            return _reply(replies.confirm_clear(int(done.data.get("count") or 0)))
        return _reply(replies.cleared(int(done.data.get("deleted_count") or done.data.get("count") or 0)))


def add_arguments(intent: Intent) -> dict[str, Any]:
    """add_task arguments for a new task."""
    f = intent.fields
    args: dict[str, Any] = {"title": intent.title[:200]}
    if f.description:
        args["description"] = f.description
    if f.priority:
        args["priority"] = f.priority
    if f.due_date:
        args["due_date"] = f.due_date.isoformat()
    if f.due_time:
        args["due_time"] = f.due_time.strftime("%H:%M")
    if f.tags:
        args["tags"] = f.tags
    if f.recurrence:
        args["recurrence"] = f.recurrence
    return args


_ONE_TASK = re.compile(r"\b(?:that|this)\s+one\b|\bit(?:'s|\s+is|\s+was)\b", re.IGNORECASE)
"""A message that says its request is about one task ("..., so that one's done"), however many things it tells."""
_GROUP_POINTER = re.compile(
    r"^(?:(?P<both>both)(?:\s+(?:of\s+)?(?:them|those|these|tasks|ones))?|(?:all\s+|each\s+)?(?:of\s+)?(?:them|those|these)"
    r"(?:\s+(?:all|both|two|tasks|ones))?|all\s+(?:of\s+)?(?:them|those|these))$", re.IGNORECASE)
"""An update's target that names a group of tasks just spoken about ("both of them", "them all", "those")."""


def update_arguments(
    intent: Intent, task: Task | None, *, clear_list: bool = False, today: dt.date | None = None
) -> dict[str, Any]:
    """update_task arguments for the change asked, given the task when it is known.

    Fields to empty go in the tool's "clear" list when it has one, else as nulls.
    """
    f = intent.fields
    args: dict[str, Any] = {}
    if intent.title:
        args["title"] = intent.title[:200]
    if f.due_date and not (f.date_implied and task and task.get("due_date")):
        args["due_date"] = f.due_date.isoformat()
    if f.due_time:
        args["due_time"] = f.due_time.strftime("%H:%M")
    if intent.shift_days and today is not None:
        try:
            start = dt.date.fromisoformat(str((task or {}).get("due_date") or today.isoformat()))
        except ValueError:
            start = today
        args["due_date"] = (start + dt.timedelta(days=intent.shift_days)).isoformat()
    if intent.shift_minutes and task is not None and task.get("due_time"):
        try:
            start_at = dt.datetime.combine(dt.date.fromisoformat(str(task.get("due_date") or today)),
                                           dt.time.fromisoformat(str(task["due_time"])))
        except ValueError:
            start_at = None
        if start_at is not None:
            moved = start_at + dt.timedelta(minutes=intent.shift_minutes)
            if moved.date() != start_at.date() or not task.get("due_date"):
                args["due_date"] = moved.date().isoformat()
            args["due_time"] = moved.strftime("%H:%M")
    if f.priority:
        args["priority"] = f.priority
    if f.recurrence:
        args["recurrence"] = f.recurrence
    if f.description:
        args["description"] = f.description
    if f.tags or intent.untag:
        current = [str(t).lower() for t in (task or {}).get("tags") or []]
        tags = [t for t in current + [t for t in f.tags if t not in current] if t not in intent.untag]
        args["tags"] = tags
    if intent.clear and clear_list:
        args["clear"] = list(intent.clear)
    else:
        for name in intent.clear:
            args[name] = [] if name == "tags" else "" if name == "description" else None
    return args


def plan_step(conversation: Conversation, now: Now, tools: dict[str, set[str]]) -> Step:
    """The next step for this conversation; tools maps each tool name to its parameter names."""
    return Planner(conversation, now, tools).plan()
