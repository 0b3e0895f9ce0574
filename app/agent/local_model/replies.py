"""The assistant's sentences: confirmations, lists, questions and help."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.text import escape_markdown, quoted

from .clock import Now
from .conversation import Task
from .listing import ListQuery
from .recurrence import describe
from .say import Voice

WHICH_ONE = "Which one do you mean:"
CONFIRM_DELETE_ALL = "Are you sure you want to delete all"
CONFIRM_DELETE_GROUP = "Are you sure you want to delete these"
CONFIRM_CLEAR = "permanently delete"

HELP = (
    "I can add, list, complete, update and delete your tasks. For example:\n"
    "- add call mom tomorrow at 6pm #family\n"
    "- remind me to pay rent every month on the 1st\n"
    "- what's due this week? / show my high priority tasks\n"
    "- mark the report as done / I finished the report / the first one is done\n"
    "- move the dentist appointment to friday at 3pm\n"
    "- make it high priority / rename call mom to call dad\n"
    "- delete the groceries task / clear completed tasks"
)
GREETING = "Hi! I'm your task assistant. I can add, list, complete, update or delete tasks. What would you like to do?"
THANKS = "You're welcome! Anything else I can do for you?"
BYE = "Bye! Your tasks are saved whenever you need them."
UNKNOWN = (
    "Sorry, I didn't quite get that. I can add, list, complete, update and delete tasks, "
    'for example "add call mom tomorrow at 6pm", "what\'s due today?" or "mark the report as done".'
)


def quote(title: Any) -> str:
    """A task title in quotes, shown as data (never as Markdown)."""
    return quoted(str(title or ""))


def day_text(iso: str | None, now: Now) -> str:
    """A friendly day: "today (Nov 26)", "Friday (Nov 27)", "Mar 14, 2027"."""
    if not iso:
        return ""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    short = f"{day:%b} {day.day}" + (f", {day.year}" if day.year != now.today.year else "")
    delta = (day - now.today).days
    if delta == 0:
        return f"today ({short})"
    if delta == 1:
        return f"tomorrow ({short})"
    if delta == -1:
        return f"yesterday ({short})"
    if 1 < delta < 7:
        return f"{day:%A} ({short})"
    return short


def time_text(hhmm: str | None) -> str:
    """ "19:00" as "7:00 PM"."""
    if not hhmm:
        return ""
    try:
        moment = dt.time.fromisoformat(hhmm)
    except ValueError:
        return hhmm
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def due_text(task: Task, now: Now) -> str:
    """ "tomorrow (Nov 27) at 7:00 PM", or ""."""
    day = day_text(task.get("due_date"), now)
    clock = time_text(task.get("due_time"))
    if day and clock:
        return f"{day} at {clock}"
    return day or (f"at {clock}" if clock else "")


def details(task: Task, now: Now, *, with_due: bool = True) -> list[str]:
    """Short facts about a task: due, priority, tags, recurrence."""
    parts = []
    due = due_text(task, now)
    if with_due and due:
        parts.append(f"due {due}")
    if task.get("priority") in ("low", "medium", "high"):
        parts.append(f"{task['priority']} priority")
    tags = [str(t) for t in task.get("tags") or []]
    if tags:
        parts.append(" ".join(f"#{t}" for t in tags))
    if task.get("recurrence"):
        parts.append(f"repeats {describe(task['recurrence'])}")
    return parts


def added(task: Task, now: Now) -> str:
    """Confirmation of a new task."""
    text = f"Added {quote(task.get('title'))}"
    due = due_text(task, now)
    if due:
        text += f" for {due}"
    extra = details(task, now, with_due=False)
    if extra:
        text += f" ({', '.join(extra)})"
    return text + "."


def completed(task: Task, now: Now) -> str:
    """Confirmation of a completion (a recurring task moves to its next date)."""
    if task.get("recurrence") and not task.get("completed") and task.get("due_date"):
        return f"Marked {quote(task.get('title'))} as done. It repeats, so the next one is due {due_text(task, now)}."
    return f"Marked {quote(task.get('title'))} as done."


def reopened(task: Task) -> str:
    """Confirmation of a reopened task."""
    return f"Marked {quote(task.get('title'))} as not done; it's back on your list."


def deleted(task: Task) -> str:
    """Confirmation of a deletion."""
    return f"Deleted {quote(task.get('title'))}."


def updated(task: Task, changed: set[str], old_title: str | None, now: Now) -> str:
    """Confirmation of an update, naming what changed."""
    parts = []
    if "title" in changed and old_title and old_title != task.get("title"):
        head = f"Renamed {quote(old_title)} to {quote(task.get('title'))}"
    else:
        head = f"Updated {quote(task.get('title'))}"
    if changed & {"due_date", "due_time"}:
        due = due_text(task, now)
        parts.append(f"due {due}" if due else "no due date")
    if "priority" in changed:
        level = task.get("priority") or "none"
        parts.append("no priority" if level == "none" else f"{level} priority")
    if "tags" in changed:
        tags = task.get("tags") or []
        parts.append("tags " + ", ".join(f"#{t}" for t in tags) if tags else "no tags")
    if "recurrence" in changed:
        rule = task.get("recurrence")
        parts.append(f"repeats {describe(rule)}" if rule else "no longer repeats")
    if "description" in changed:
        parts.append("description updated" if task.get("description") else "description removed")
    return head + (": " + ", ".join(parts) if parts else "") + "."


def _describe_query(query: ListQuery) -> tuple[str, str]:
    """The words before and after "tasks" that say what was asked ("pending high priority", "due today")."""
    overdue = query.label == "overdue"
    status = "overdue " if overdue else "pending " if query.status == "pending" else ""
    before = status + (f"{query.priority} priority " if query.priority else "")
    after = "" if overdue or not query.label else f" {query.label}"
    after += (f" tagged #{query.tag}" if query.tag else "") + (f" about {query.topic}" if query.topic else "")
    return before, after


def _header(query: ListQuery, count: int) -> str:
    noun = "task" if count == 1 else "tasks"
    before, after = _describe_query(query)
    if query.search:
        return f"I found {count} {noun} matching '{query.search}'{after}:"
    if query.status == "completed" and query.done_from:
        return f"You completed {count} {before}{noun} {query.label}:"
    if query.status == "completed":
        return f"You have completed {count} {before}{noun}{after}:"
    return f"You have {count} {before}{noun}{after}:"


def _empty(query: ListQuery) -> str:
    before, after = _describe_query(query)
    if query.search:
        return f"I couldn't find any tasks matching '{query.search}'{after}."
    if query.status == "completed" and query.done_from:
        return f"You haven't completed any {before}tasks {query.label}."
    if query.status == "completed":
        return f"You haven't completed any {before}tasks{after} yet."
    return f"You have no {before}tasks{after}."


def task_list(query: ListQuery, tasks: list[Task], now: Now) -> str:
    """A numbered list of tasks under a header that says what was asked."""
    if not tasks:
        return _empty(query)
    lines = [_header(query, len(tasks))]
    for number, task in enumerate(tasks, start=1):
        facts = details(task, now)
        if task.get("completed") and query.status != "completed":
            facts.insert(0, "done")
        suffix = f" ({', '.join(facts)})" if facts else ""
        lines.append(f"{number}. {escape_markdown(str(task.get('title') or ''))}{suffix}")
    return "\n".join(lines)


def which_one(tasks: list[Task], now: Now, voice: Voice | None = None) -> str:
    """Ask which of several matching tasks the user means, as numbered options told apart by what the
    user sees (due date, priority, tags, done, when added), answerable by position or by title."""
    options = tasks[:5]
    facts = [details(t, now) + (["done"] if t.get("completed") else []) for t in options]
    for index, task in enumerate(options):
        same = [j for j, other in enumerate(facts) if j != index and other == facts[index]]
        if same and task.get("created_at"):
            facts[index] = facts[index] + [f"added {day_text(str(task['created_at'])[:10], now)}"]
        if not facts[index]:
            facts[index] = ["no due date"]
    lines = [
        f"{n}. {quote(t.get('title'))} ({', '.join(f)})"
        for n, (t, f) in enumerate(zip(options, facts, strict=True), start=1)
    ]
    if voice is not None:
        return voice("which_one", options="; ".join(lines)) + "\n" + "\n".join(lines)
    return (
        f"{WHICH_ONE}\n" + "\n".join(lines) + "\nSeveral tasks match, so tell me which one: its position "
        '(for example "the second one" or "2") or more of its title.'
    )


def not_found(phrase: str) -> str:
    """No task fits the words."""
    return f"I couldn't find a task matching '{phrase}'. Say \"show my tasks\" to see your list."


def no_time_to_move(task: dict[str, Any]) -> str:
    """A move by hours or minutes asked of a task without a due time."""
    return f"'{task.get('title', 'That task')}' has no time set, so I can't move it by hours. What time should it be?"


def tool_error(output: str, task_id: Any = None) -> str:
    """Relay a tool's error text."""
    missing = re.search(
        r"\bno\s+task\s+#?(\d+)|task\s+#?(\d+)\s+(?:not\s+found|does\s*n[o']t\s+exist)", output, re.IGNORECASE
    )
    if missing:
        return f"I couldn't find task {missing.group(1) or missing.group(2)}. It may have been deleted already."
    if task_id is not None and re.search(r"not\s+found|no\s+such|does\s*n[o']t\s+exist", output, re.IGNORECASE):
        return f"I couldn't find task {task_id}."
    return f"Sorry, that didn't work: {output.strip()[:300]}"


def confirm_clear(count: int) -> str:
    """Ask before clearing completed tasks."""
    if count <= 0:
        return "You have no completed tasks to clear."
    noun = "task" if count == 1 else "tasks"
    them = "it" if count == 1 else "them"
    return f'You have {count} completed {noun}. Do you want me to {CONFIRM_CLEAR} {them}? Reply "yes" to confirm.'


def cleared(count: int) -> str:
    """Completed tasks were cleared."""
    noun = "task" if count == 1 else "tasks"
    return f"Done. I deleted {count} completed {noun}." if count else "There were no completed tasks to delete."


def confirm_delete_all(count: int) -> str:
    """Ask before deleting every task."""
    if count <= 0:
        return "You have no tasks, so there is nothing to delete."
    noun = "task" if count == 1 else "tasks"
    return (
        f"That would delete every task on your list ({count} {noun}), and it can't be undone. "
        f'{CONFIRM_DELETE_ALL} {count} {noun}? Reply "yes" to confirm, or "no" to keep them.'
    )


def deleted_all(count: int) -> str:
    """Every task was deleted."""
    noun = "task" if count == 1 else "tasks"
    return f"Done. I deleted all {count} {noun}; your list is empty now."


def count_of(count: int) -> str:
    """"1 task", "3 tasks"."""
    return f"{count} task" if count == 1 else f"{count} tasks"


def titles(tasks: list[Task]) -> str:
    """Quoted titles as a list in words: 'A', 'B' and 'C'."""
    quoted = [quote(t.get("title")) for t in tasks]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def confirm_delete_group(tasks: list[Task]) -> str:
    """Ask before deleting several tasks picked by a filter or a shown list."""
    return (f"{CONFIRM_DELETE_GROUP} {count_of(len(tasks))}: {titles(tasks)}? It can't be undone. "
            'Reply "yes" to confirm, or "no" to keep them.')
