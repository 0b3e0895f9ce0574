"""Reminder phrasings of the embedded model (issue 13), kept apart from the task intents.

- "remind me an hour before the dentist" / "remind me 30 minutes before it": add_reminder with
  before_minutes on the task named (found through list_tasks) or spoken about last;
- "snooze that for 10 minutes": snooze the reminder that fired last (or the one whose task is named);
- "what reminders do I have?": list the upcoming reminders;
- "add pay rent on the 1st and remind me the day before", "add the dentist friday at 3pm, remind me an hour
  before": the task, then its reminder (a date without a time: at 9:00 that many days before).
"Remind me to call grandma tomorrow at 7pm" stays an ordinary add: a task with a due time gets its
reminder at that time by default.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .references import best_matches, parse_reference, recent_task
from .text import amount_value, minutes_per

if TYPE_CHECKING:
    from .planner import Planner, Step

_I = re.IGNORECASE
_AMOUNT = r"(?P<amount>an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty[- ]five|half\s+an?|\d{1,4})"
_UNIT = r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?)"
_ASK = (r"(?:(?:remind|ping|nudge|alert|notify|buzz|text|poke)\s+me|give\s+me\s+a\s+(?:heads[\s-]?up|nudge|ping|shout)"
        r"|(?:set|add|put|create|make|schedule)\s+(?:up\s+)?(?:a|an|me\s+a)\s+(?:reminder|alert|nudge|ping))")
_BEFORE = re.compile(
    rf"^\s*(?:please\s+)?(?:can\s+you\s+|could\s+you\s+)?{_ASK}"
    rf"(?:\s+(?:about|of|for)\s+(?P<named>.+?))?\s+{_AMOUNT}\s*{_UNIT}\s+"
    r"(?:(?:before|ahead\s+of|prior\s+to)(?:\s+(?P<target>.+?))?|early|ahead(?:\s+of\s+time)?|beforehand|in\s+advance)"
    r"\s*[.!?]*\s*$", _I)
"""A reminder some time before a task: named after "before" ("... an hour before the dentist"), before it
("remind me about the dentist an hour before"), or not at all (the task just spoken about)."""
_SNOOZE = re.compile(
    rf"^\s*(?:please\s+)?snooze\s*(?P<target>.*?)\s*(?:(?:for|by|another)\s+)?(?:{_AMOUNT}\s*{_UNIT})?\s*"
    r"(?:more|longer)?\s*[.!?]*\s*$", _I)
_LIST = re.compile(
    r"^\s*(?:what|which|show|list|see|view|any|do\s+i\s+have|are\s+there|tell\s+me|display|give\s+me)\b.*\breminders?\b"
    r"|^\s*(?:my\s+)?reminders\s*\??\s*$", _I)
_ADD_THEN_REMIND = re.compile(
    rf"^(?P<add>.+?)\s*(?:[,;.]\s*|\s+)(?:and\s+|then\s+|also\s+|&\s+)?(?:(?:please\s+)?(?:remind|ping|nudge|alert|notify)"
    rf"\s+me|with\s+a\s+reminder(?:\s+of)?|and\s+a\s+reminder)\s+"
    rf"(?:(?P<whole>the|a|one)\s+(?P<period>day|week)|{_AMOUNT}\s*{_UNIT})\s+"
    r"(?:before|ahead(?:\s+of\s+time)?|early|earlier|in\s+advance|beforehand|prior)"
    r"(?:\s+(?:it|that|then|hand))?\s*[.!]*\s*$", _I)
"""A new task with a reminder before it, in one message."""
MORNING = time(9, 0)
"""When a reminder some days before a task with a date but no time goes off."""
_THAT = re.compile(r"^(?:it|that|this|that\s+one|this\s+one|the\s+reminder|that\s+reminder|this\s+reminder|me)?$", _I)


def minutes_of(amount: str | None, unit: str | None) -> int | None:
    """'an hour' -> 60, '30 minutes' -> 30, 'half an hour' -> 30 (None without an amount)."""
    if not amount:
        return None
    return int(amount_value(amount) * minutes_per(unit or "m"))


def plan_reminder(planner: Planner) -> Step | None:
    """The next step when the user's message is a reminder phrasing, else None."""
    text = planner.turn.user
    add_then = _ADD_THEN_REMIND.match(text)
    if add_then and "add_reminder" in planner.tools:
        from .intents import ADD, parse_intent

        intent = parse_intent(add_then["add"], planner.now)
        if intent.kind == ADD and intent.title:
            minutes = minutes_of(add_then["amount"] or "1", add_then["unit"] or add_then["period"])
            return _add_then_remind(planner, intent, minutes or 0)
    before = _BEFORE.match(text)
    if before and "add_reminder" in planner.tools:
        target = before["named"] or before["target"] or "it"
        return _remind_before(planner, minutes_of(before["amount"], before["unit"]) or 0, re.sub(
            r"\s+(?:starts?|begins?|is\s+due|is)$", "", target, flags=_I))
    snooze = _SNOOZE.match(text)
    if snooze and "snooze_reminder" in planner.tools:
        return _snooze(planner, minutes_of(snooze["amount"], snooze["unit"]) or 10, snooze["target"] or "")
    if _LIST.search(text) and "list_reminders" in planner.tools:
        return _list(planner)
    return None


def _step(text: str = "", call: tuple[str, dict[str, Any]] | None = None) -> Step:
    from .planner import Call, Step

    return Step(calls=[Call(name=call[0], arguments=call[1])]) if call else Step(text=text)


def _local(planner: Planner, stamp: str | None) -> str:
    """'Tue 19:00' for a UTC instant, in the user's timezone."""
    if not stamp:
        return "soon"
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(_zone(planner))
    if moment.date() == planner.now.today:
        return f"today at {moment:%H:%M}"
    return f"{moment:%a %b} {moment.day} at {moment:%H:%M}"


def _failed(exchange: Any) -> Step:
    message = (exchange.output or "something went wrong").strip()
    return _step(f"I couldn't do that: {message}.")


def _remind_before(planner: Planner, minutes: int, target: str) -> Step:
    done = planner.turn.last("add_reminder")
    if done is not None:
        if done.failed:
            return _failed(done)
        reminder = (done.data or {}).get("reminder") or {}
        return _step(f"Okay, I'll remind you {_local(planner, reminder.get('remind_at'))}.")
    ref = parse_reference(re.sub(r"^(?:the|my)\s+", "", target.strip(), flags=_I))
    task: dict[str, Any] | None = None
    if ref.task_id is not None:
        task = {"id": ref.task_id, "due_time": "?"}
    elif ref.pronoun:
        task = recent_task(planner.conversation)
        if task is None:
            return _step("Which task should I remind you of?")
    else:
        listing = planner.turn.last("list_tasks")
        if listing is None:
            return _step(call=("list_tasks", {"status": "pending", "limit": 100}))
        matches = best_matches(ref.stems, listing.tasks(), prefer_completed=False)
        if not matches:
            return _step(f"I couldn't find a task matching '{ref.phrase}'. Say \"show my tasks\" to see your list.")
        if len(matches) > 1:
            names = ", ".join(f"'{t.get('title')}'" for t in matches[:5])
            return _step(f"Several tasks match: {names}. Which one? You can use its number.")
        task = matches[0]
    if not task.get("due_time"):
        return _step(f"'{task.get('title')}' has no due time yet. When is it? For example: "
                     f"\"move {task.get('title')} to tomorrow at 3pm\".")
    return _step(call=("add_reminder", {"task_id": task["id"], "before_minutes": minutes}))


def _add_then_remind(planner: Planner, intent: Any, minutes: int) -> Step:
    from . import replies
    from .planner import add_arguments

    added = planner.turn.last("add_task")
    if added is None:
        return planner._tool_or_sorry("add_task", add_arguments(intent))
    if added.failed or not added.tasks():
        return _failed(added)
    task = added.tasks()[0]
    said = replies.added(task, planner.now)
    reminded = planner.turn.last("add_reminder")
    if reminded is not None:
        if reminded.failed:
            return _step(f"{said} I couldn't set the reminder: {(reminded.output or '').strip()}.")
        reminder = (reminded.data or {}).get("reminder") or {}
        return _step(f"{said} I'll remind you {_local(planner, reminder.get('remind_at'))}.")
    if task.get("due_date") and task.get("due_time"):
        return _step(call=("add_reminder", {"task_id": task["id"], "before_minutes": minutes}))
    if task.get("due_date") and minutes and minutes % 1440 == 0:
        day = datetime.fromisoformat(str(task["due_date"])) - timedelta(days=minutes // 1440)
        local = datetime.combine(day.date(), MORNING, tzinfo=_zone(planner))
        stamp = local.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
        return _step(call=("add_reminder", {"task_id": task["id"], "remind_at": stamp}))
    return _step(f"{said} It has no due time, so there is nothing to remind you before yet: "
                 f"tell me when it is (\"move {task.get('title')} to friday at 3pm\").")


def _zone(planner: Planner) -> ZoneInfo:
    try:
        return ZoneInfo(planner.now.timezone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _snooze(planner: Planner, minutes: int, target: str) -> Step:
    done = planner.turn.last("snooze_reminder")
    if done is not None:
        if done.failed:
            return _failed(done)
        reminder = (done.data or {}).get("reminder") or {}
        return _step(f"Snoozed: I'll remind you again {_local(planner, reminder.get('remind_at'))}.")
    listing = planner.turn.last("list_reminders")
    if listing is None:
        return _step(call=("list_reminders", {"status": "active", "limit": 100}))
    if listing.failed:
        return _failed(listing)
    reminders = [r for r in (listing.data or {}).get("reminders", []) if isinstance(r, dict)]
    if not reminders:
        return _step("You have no reminders to snooze.")
    words = target.strip()
    if not _THAT.match(words):
        named = best_matches(parse_reference(re.sub(r"^(?:the|my)\s+", "", words, flags=_I)).stems,
                             [{**r, "title": r.get("task_title", "")} for r in reminders])
        if len(named) != 1:
            return _step(f"I couldn't tell which reminder '{words}' is. Say \"what reminders do I have?\".")
        chosen = named[0]
    else:
        fired = [r for r in reminders if r.get("status") == "fired"]
        chosen = (max(fired, key=lambda r: r.get("fired_at") or "") if fired else
                  min(reminders, key=lambda r: r.get("remind_at") or ""))
    return _step(call=("snooze_reminder", {"reminder_id": chosen["id"], "minutes": minutes}))


def _list(planner: Planner) -> Step:
    done = planner.turn.last("list_reminders")
    if done is None:
        return _step(call=("list_reminders", {"status": "scheduled", "limit": 50}))
    if done.failed:
        return _failed(done)
    reminders = [r for r in (done.data or {}).get("reminders", []) if isinstance(r, dict)]
    if not reminders:
        return _step("You have no upcoming reminders. Give a task a due time and I'll remind you then.")
    lines = [f"- {r.get('task_title') or 'task ' + str(r.get('task_id'))}: {_local(planner, r.get('remind_at'))}"
             for r in reminders]
    count = len(reminders)
    return _step(f"You have {count} upcoming reminder{'s' if count != 1 else ''}:\n" + "\n".join(lines))
