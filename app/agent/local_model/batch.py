"""Several requests of one message carried out in one model step: one tool call per request, made
in parallel, and a reply that confirms each action in order.

Like the planner, this is a pure function of the conversation: the step after the calls re-reads
the message, resolves the same requests against the same task list, and pairs each request
with its exchange in the order the calls were made.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import replies
from .conversation import Exchange, Task
from .intents import ADD, COMPLETE, DELETE, REOPEN, UPDATE, Intent
from .references import Reference, best_matches, parse_reference, pick_position

if TYPE_CHECKING:
    from .planner import Planner, Step

_PARTS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", re.IGNORECASE)
_NUMBERED = r"(?:(?:the\s+)?(?:number|no\.?|num\.?)\s*)?#?\d+"
_BARE_NUMBERS = re.compile(rf"^\s*{_NUMBERED}(?:\s*(?:,|and|&)\s*(?:and\s+)?{_NUMBERED})*\s*$", re.IGNORECASE)
_TOOLS = {COMPLETE: "complete_task", REOPEN: "complete_task", DELETE: "delete_task", UPDATE: "update_task"}


def bare_numbers(target: str) -> bool:
    """Whether a reference is only numbers ("2", "1 and 3", "number 3"): positions in the list last shown."""
    return _BARE_NUMBERS.match(target) is not None


def several_targets(target: str) -> bool:
    """Whether a reference may name several tasks ("the kettle and the mailbox tasks")."""
    return len([p for p in _PARTS.split(target) if p.strip()]) >= 2


class Batch:
    """Plans the steps of a message that holds several requests."""

    def __init__(self, planner: Planner, intents: list[Intent]) -> None:
        self.planner = planner
        self.intents = intents

    def plan(self) -> Step:
        """List the tasks once if needed, then one call per request, then the reply."""
        from .planner import Call, Step

        planner = self.planner
        turn = planner.turn
        needs_tasks = any(i.kind in _TOOLS for i in self.intents)
        listing = turn.last("list_tasks")
        if needs_tasks and listing is None:
            return planner._tool_or_sorry("list_tasks", {"status": "all", "limit": 100})
        if listing is not None and listing.failed:
            return Step(text=replies.tool_error(listing.output or ""))
        tasks = listing.tasks() if listing is not None else []
        items = [item for intent in self.intents for item in self._resolve(intent, tasks)]
        actions = [e for e in turn.exchanges if e.name != "list_tasks"]
        if actions:
            return Step(text=self._reply(items, actions))
        calls = [Call(name=name, arguments=args) for _i, name, args, _t in (x for x in items if x[1])]
        missing = sorted({c.name for c in calls if c.name not in planner.tools})
        if missing:
            return planner._tool_or_sorry(missing[0], {})
        if not calls:
            return Step(text=" ".join(str(note) for _i, _n, note, _t in items))
        return Step(calls=calls)

    def _resolve(self, intent: Intent, tasks: list[Task]) -> list[tuple[Intent, str, Any, Task | None]]:
        """(intent, tool name, arguments, task) per call; tool name "" with a note when it can't be done."""
        from .planner import add_arguments, update_arguments

        if intent.kind == ADD:
            if not intent.title:
                return []
            return [(intent, "add_task", add_arguments(intent), None)]
        if intent.kind not in _TOOLS:
            return []
        parts = [intent.target]
        if several_targets(intent.target) and not self._one_title(intent.target, tasks):
            parts = [p for p in _PARTS.split(intent.target) if p.strip()]
        out: list[tuple[Intent, str, Any, Task | None]] = []
        for part in parts:
            found = self._find(intent, part, tasks)
            if isinstance(found, str):
                out.append((intent, "", found, None))
                continue
            task = found if isinstance(found, dict) else None
            task_id = task.get("id") if task is not None else found
            tool = _TOOLS[intent.kind]
            args: dict[str, Any] = {"task_id": task_id}
            if intent.kind in (COMPLETE, REOPEN):
                args["completed"] = intent.kind == COMPLETE
            elif intent.kind == UPDATE:
                changes = update_arguments(
                    intent,
                    task,
                    clear_list="clear" in self.planner.tools.get("update_task", set()),
                    today=self.planner.now.today,
                )
                if not changes:
                    out.append((intent, "", "What would you like to change about it?", None))
                    continue
                args.update(changes)
            out.append((intent, tool, args, task))
        return out

    @staticmethod
    def _one_title(target: str, tasks: list[Task]) -> bool:
        """Whether the whole reference, "and" included, is one task's title ("salt and pepper")."""
        joined = re.search(r"([\w'-]+\s+(?:and|&)\s+[\w'-]+)", target, re.IGNORECASE)
        if joined is None:
            return False
        phrase = joined.group(1).lower()
        return any(phrase in str(t.get("title") or "").lower() for t in tasks)

    def _find(self, intent: Intent, part: str, tasks: list[Task]) -> Task | int | str:
        ref: Reference = parse_reference(part)
        planner = self.planner
        shown = planner.shown_list()
        if bare_numbers(part) and shown is not None:
            ref.position, ref.task_id = int(re.findall(r"\d+", part)[0]), None
        if ref.task_id is not None:
            return next((t for t in tasks if t.get("id") == ref.task_id), ref.task_id)
        if ref.position is not None:
            picked = pick_position(ref.position, shown or [])
            if picked is None:
                return f"I don't see a number {part.strip()} in the last list I showed."
            return next((t for t in tasks if t.get("id") == picked.get("id")), picked)
        if ref.pronoun:
            spoken = planner.spoken_task()
            return spoken if spoken is not None else "Which task do you mean? Tell me a few words of its title."
        prefer = {COMPLETE: False, REOPEN: True}.get(intent.kind)
        matches = best_matches(ref.stems, tasks, prefer_completed=prefer)
        if not matches:
            return replies.not_found(ref.phrase)
        if len(matches) > 1:
            return replies.which_one(matches, planner.now)
        return matches[0]

    def _reply(self, items: list[tuple[Intent, str, Any, Task | None]], actions: list[Exchange]) -> str:
        planner = self.planner
        lines = []
        pending = list(actions)
        for intent, name, payload, task in items:
            if not name:
                lines.append(str(payload))
                continue
            exchange = next((e for e in pending if e.name == name), None)
            if exchange is None:
                continue
            pending.remove(exchange)
            if exchange.name == "add_task":
                added = exchange.tasks()
                spoken = planner.voice
                if exchange.failed:
                    text = replies.tool_error(exchange.output or "")
                elif added and spoken is not None:  # the user's language (Spanish, Urdu)
                    title = replies.quote(added[0].get("title"))
                    text = spoken("added", title=title, due=spoken.due(added[0], planner.now))
                else:
                    text = replies.added(added[0], planner.now) if added else "Added it."
                lines.append(text)
            else:
                lines.append(planner._describe(intent, exchange, task))
        return " ".join(lines) if len(lines) < 3 else "\n".join(f"- {line}" for line in lines)
