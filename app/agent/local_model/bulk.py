"""Requests about a group of tasks at once: "mark everything as done", "delete all tasks tagged old",
"complete all of them" (after a list), "I've finished everything for today".

A group is either the list shown last ("them", "those", "all of them") or a filter read like a list
question ("all my shopping tasks", "everything due today", "every high priority task"). Completing or
reopening a group happens at once; deleting more than one task asks first (the agent's rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import replies
from .clock import Now
from .conversation import Task
from .intents import COMPLETE, DELETE, DELETE_ALL, REOPEN, Intent
from .listing import ListQuery, apply_query, parse_list_query

if TYPE_CHECKING:
    from .planner import Planner, Step

_I = re.IGNORECASE
_LEAD = (r"^(?:(?:ok(?:ay)?|so|now|then|please|and|also|alright|actually)[,!]?\s+)*"
         r"(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?")
_DONE_WORDS = r"(?:done|complete(?:d)?|finished|checked(?:\s+off)?|ticked(?:\s+off)?)"
_OPEN_WORDS = r"(?:not\s+done|undone|incomplete|open|unfinished|pending)"
_VERBS = {
    COMPLETE: r"complete|finish|tick\s+off|check\s+off|cross\s+off|close(?:\s+out)?",
    DELETE: r"delete|remove|erase|wipe(?:\s+out)?|clear(?:\s+out)?|get\s+rid\s+of|trash|bin|drop|scrap|throw\s+out",
    REOPEN: r"reopen|re-open|uncheck|untick",
}
_PLURAL = (r"(?:all\s+(?:of\s+)?)?(?:my|the)\s+(?:[\w-]+\s+){0,3}?(?:tasks|ones|to-?dos|stuff|things|items)"
           r"(?:\s+[\w-]+){0,4}?")
"""A group named in the plural ("the shopping tasks", "all my tasks for today")."""
_SCOPE = r"(?:(?:all|every|each|everything|evrything|everythin|them|those|these|both)\b.*?|" + _PLURAL + ")"
"""What a group command names: a quantifier or pointer and what follows it, or a plural."""
_COMMAND = re.compile(
    _LEAD + r"(?:(?P<mark>mark|set|make)\s+(?P<scope>" + _SCOPE + r")\s+(?:as\s+)?"
    + r"(?:(?P<done>" + _DONE_WORDS + r")|(?P<open>" + _OPEN_WORDS + r"))"
    + r"|(?P<verb>" + "|".join(f"(?P<{kind}>{verbs})" for kind, verbs in _VERBS.items())
    + r")\s+(?P<scope2>" + _SCOPE + r"))\s*[.!]*$",
    _I,
)
_REPORT = re.compile(
    _LEAD + r"(?:i(?:'ve|\s+have)?\s+|i'?m\s+)?(?:(?:all\s+)?(?:done|finished|completed)\s+(?:with\s+)?)"
    + r"(?P<scope>(?:all|every|each|everything|evrything)\b.*?|" + _PLURAL + r")\s*[.!]*$",
    _I,
)
_STATE = re.compile(
    _LEAD + r"(?P<scope>everything|(?:all|both)\s+of\s+(?:them|those|these|it)|both"
    r"|(?:those|these|they)(?:'re|\s+are)?(?:\s+(?:all|both))?"
    + r"|" + _PLURAL + r")\s+(?:is\s+|are\s+)?(?:all\s+)?" + _DONE_WORDS + r"(?:\s+now)?\s*[.!]*$",
    _I,
)
_BARE_PRONOUN = re.compile(r"^(?:them|those|these|both.*)$", _I)
_SHOWN = re.compile(
    r"^(?:(?:all|each|every\s+one)\s+(?:of\s+)?(?:them|those|these)(?:\s+(?:tasks|ones))?|(?:them|those|these)(?:\s+all)?"
    r"|they(?:'re|\s+are)?(?:\s+(?:all|both))?|all(?:\s+(?:the\s+)?(?:ones|tasks)\s+(?:above|shown|listed|you\s+(?:listed|showed)))?"
    r"|both(?:\s+(?:of\s+)?(?:them|those|these|tasks|ones))?"
    r"|(?:the\s+)?(?:whole|entire)\s+(?:list|lot))$",
    _I,
)
_ANOTHER_REQUEST = re.compile(
    r"[;\n]|\b(?:and|then|also)\s+(?:add|remind|create|put|delete|remove|complete|mark|move|change|set|make|show|list)\b",
    _I)
_OPEN_ONLY = re.compile(r"\b(?:pending|open|unfinished|remaining|outstanding|not\s+(?:yet\s+)?(?:done|finished))\b", _I)
_GROUP_WORDS = re.compile(r"\b(?:ones|items|things|stuff|to-?dos?)\b", _I)
_AS_STATE = re.compile(r"\s+(?:as\s+)?" + _DONE_WORDS + r"$", _I)


@dataclass
class Bulk:
    """A request about a group of tasks."""

    kind: str
    """COMPLETE, REOPEN or DELETE."""
    shown: bool
    """True when the group is the list shown last ("all of them")."""
    query: ListQuery
    """The filter that picks the group (ignored when `shown`)."""
    everything: bool
    """True when no filter narrows it: every task (also for a bare "all": the shown list, if there is one)."""
    just_shown: bool = False
    """True for a bare "them"/"those"/"both": the group is a list shown in the previous reply, or there is none."""
    both: bool = False
    """True for "both": the list shown holds two tasks."""


_ALL_OF_THEM_TAIL = re.compile(r"\s*,\s*(?:all|each|every\s+one|both)(?:\s+of)?\s+(?:them|those|these)\s*[.!]*$", _I)
"""A group named, then "all of them" said again after a comma ("delete the tasks tagged old, all of them")."""


_NAMED_FIRST = re.compile(
    r"^(?P<scope>.+?)\s*[,;:]\s*(?:just\s+|please\s+)?(?P<verb>delete|remove|bin|scrap|clear|trash|drop|get\s+rid\s+of"
    r"|complete|finish|tick\s+off|check\s+off|mark)\s+(?:all\s+of\s+|each\s+of\s+)?(?:it|them|those|these)(?:\s+all)?"
    r"(?P<state>\s+(?:as\s+)?(?:done|complete(?:d)?|finished))?\s*[.!]*$", _I)
"""A group named first, then what to do with it: "the school-tagged stuff, delete all of it"."""


def parse_bulk(message: str, now: Now) -> Bulk | None:
    """The group request a message makes, or None when it is about one task (or none)."""
    text = _ALL_OF_THEM_TAIL.sub("", " ".join(message.replace("\u2019", "'").strip().split()))
    if (named := _NAMED_FIRST.match(text)) is not None:
        grouped = _read(f"{named['verb']} {named['scope']}{named['state'] or ''}", now)
        if grouped is not None and not grouped.shown:
            return grouped
    found = _read(text, now)
    if found is None and "," in text:  # "wipe the slate clean, delete all my tasks"
        found = _read(text.rsplit(",", 1)[1].strip(), now)
    return found


def _read(text: str, now: Now) -> Bulk | None:
    kind = scope = None
    if (m := _COMMAND.match(text)) is not None:
        if m.group("mark"):
            kind, scope = (REOPEN if m.group("open") else COMPLETE), m.group("scope")
        else:
            kind = next(k for k in _VERBS if m.group(k))
            scope = _AS_STATE.sub("", m.group("scope2"))
            if kind == DELETE and _AS_STATE.search(m.group("scope2")):
                return None
    elif (m := _REPORT.match(text) or _STATE.match(text)) is not None:
        kind, scope = COMPLETE, m.group("scope")
    if kind is None or scope is None or _ANOTHER_REQUEST.search(scope):
        return None
    scope = scope.strip(" ,.!?")
    if scope.lower().startswith("both ") and not _SHOWN.match(scope):
        return None  # "both the lamp and the paint tasks" names two tasks
    if _SHOWN.match(scope):
        bare_all = scope.lower() == "all"
        query = ListQuery(status={COMPLETE: "pending", REOPEN: "completed"}.get(kind, "all"))
        return Bulk(kind, shown=True, query=query, everything=bare_all,
                    just_shown=_BARE_PRONOUN.match(scope) is not None, both=scope.lower().startswith("both"))
    query = parse_list_query(_GROUP_WORDS.sub("tasks", scope), now)
    if kind == DELETE and query.status == "completed":
        return None  # "delete all completed tasks" is clear_completed, with its own confirmation
    if kind == DELETE and not _OPEN_ONLY.search(scope):
        query.status = "all"  # "delete all my shopping tasks": the finished ones too
    query.status = {COMPLETE: "pending", REOPEN: "completed"}.get(kind, query.status)
    narrowed = bool(query.priority or query.tag or query.topic or query.search or query.due_from or query.due_to
                    or query.no_date or query.recurring or query.done_from or query.done_to)
    return Bulk(kind, shown=False, query=query, everything=not narrowed)


class Group:
    """Plans the steps of a request about a group: find the group, act on each task in one step, report."""

    def __init__(self, planner: Planner, bulk: Bulk) -> None:
        self.planner = planner
        self.bulk = bulk

    def meant(self) -> bool:
        """False for a bare "them" when the previous reply showed no list: that names the task just spoken of."""
        previous = self.planner.conversation.previous
        return not self.bulk.just_shown or (previous is not None and previous.last("list_tasks") is not None)

    def plan(self, *, confirmed: bool = False) -> Step:
        """The next step; a deletion of several tasks asks first unless the user `confirmed` it."""
        from .planner import Call, Step

        planner, bulk = self.planner, self.bulk
        tool = "delete_task" if bulk.kind == DELETE else "complete_task"
        acted = [e for e in planner.turn.exchanges if e.name == tool and e.output is not None]
        if acted:
            return Step(text=self._report([t for e in acted if not e.failed for t in e.tasks()], len(acted)))
        group = self._group()
        if not isinstance(group, list):
            return group
        if not group:
            return Step(text=self._nothing())
        if bulk.kind == DELETE and len(group) > 1 and not confirmed and not self._just_seen():
            return Step(text=replies.confirm_delete_group(group))
        if tool not in planner.tools:
            return planner._tool_or_sorry(tool, {})
        extra = {} if bulk.kind == DELETE else {"completed": bulk.kind == COMPLETE}
        return Step(calls=[Call(name=tool, arguments={"task_id": t.get("id"), **extra}) for t in group])

    def _group(self) -> list[Task] | Step:
        from .planner import Step

        planner, bulk = self.planner, self.bulk
        shown = planner.shown_list() if bulk.shown else None
        if shown is not None and bulk.both and len(shown) != 2:
            return Step(text="Which two do you mean? Name them, or their numbers in the list.")
        if shown is not None:
            tasks = shown
        elif bulk.kind == DELETE and (bulk.everything or bulk.shown):  # "bin all of them" with no list: everything
            return planner._dispatch(Intent(kind=DELETE_ALL))
        else:
            listing = planner.turn.last("list_tasks")
            if listing is None:
                return planner._tool_or_sorry("list_tasks", bulk.query.tool_arguments(planner.tools.get("list_tasks")))
            if listing.failed:
                return Step(text=replies.tool_error(listing.output or ""))
            tasks = apply_query(bulk.query, listing.tasks(), planner.now.timezone)
        if bulk.kind == COMPLETE:
            return [t for t in tasks if not t.get("completed")]
        if bulk.kind == REOPEN:
            return [t for t in tasks if t.get("completed")]
        return tasks

    def _just_seen(self) -> bool:
        """True when the group is the list the previous reply showed: "delete all of them" names the tasks the
        user is looking at, which is the explicit confirmation deleting several tasks needs."""
        previous = self.planner.conversation.previous
        return self.bulk.shown and previous is not None and previous.last("list_tasks") is not None

    def _report(self, tasks: list[Task], tried: int) -> str:
        verb = {COMPLETE: "marked {} as done", REOPEN: "reopened {}", DELETE: "deleted {}"}[self.bulk.kind]
        if len(tasks) == 1 and tried == 1:
            task = tasks[0]
            return {COMPLETE: replies.completed(task, self.planner.now), REOPEN: replies.reopened(task),
                    DELETE: replies.deleted(task)}[self.bulk.kind]
        told = f"Done: I {verb.format(replies.count_of(len(tasks)))}: {replies.titles(tasks)}."
        if len(tasks) < tried:
            told += f" {tried - len(tasks)} could not be changed."
        return told

    def _nothing(self) -> str:
        what = {COMPLETE: "open", REOPEN: "completed", DELETE: ""}[self.bulk.kind]
        return f"I found no {what + ' ' if what else ''}tasks like that, so nothing changed."
