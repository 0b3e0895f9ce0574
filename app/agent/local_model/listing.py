"""List and search requests: what to ask list_tasks for and which of its tasks to show."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .clock import Now
from .conversation import Task
from .dates import extract_when
from .fields import extract_priority
from .text import NUMBER_RE, STOPWORDS, content_stems, number_value, stem, words

_I = re.IGNORECASE
_COMPLETED = re.compile(
    r"\b(?:completed|finished|done|checked\s+off|ticked\s+off|crossed\s+off|accomplished|achieved|wrapped\s+up|knocked\s+out"
    r"|got\s+through|did\s+i\s+(?:do|finish|complete))\b",
    _I,
)
_NOT_DONE = re.compile(
    r"\b(?:not\s+(?:yet\s+)?(?:done|completed|finished)"
    r"|(?:haven'?t|have\s+not|hasn'?t|has\s+not|didn'?t|did\s+not)\s+(?:i\s+|we\s+)?(?:yet\s+)?(?:been\s+)?(?:done|completed|finished|finish|complete|do|got\s+to)"
    r"|(?:need|needs|have|has|got)\s+to\s+(?:get\s+)?(?:do|done|finish|complete|sort|handle)"
    r"|(?:aren'?t|isn'?t|are\s+not|is\s+not|weren'?t)\s+(?:yet\s+)?(?:done|completed|finished|complete)"
    r"|undone|unfinished|incomplete|uncompleted|to\s+do|left|remaining|outstanding|open|pending|still)\b",
    _I,
)
_ALL = re.compile(
    r"\b(?:all\s+(?:of\s+)?(?:my\s+|the\s+)?(?:tasks|todos|to-?dos|items)|everything|including\s+(?:the\s+)?(?:completed|done|finished)|both)\b",
    _I,
)
_SEARCH = re.compile(
    r"\b(?:about|containing|contains|mentioning|mention|regarding|related\s+to|relating\s+to|concerning|matching|"
    r"called|named|titled|with\s+the\s+words?|with|that\s+(?:say|says|mention|mentions|contain|contains|have|has)|"
    r"involving|for|on)\s+(.+?)(?:\s+in\s+(?:the\s+|their\s+|its\s+)?(?:title|name|description)s?)?\s*\??$",
    _I,
)
_LEAD_SEARCH = re.compile(
    r"^(?:find|search|look\s+for|look\s+up|lookup|locate|search\s+for|any|anything|do\s+i\s+have\s+anything|is\s+there\s+anything|are\s+there\s+any)\s+(?:me\s+)?(?:for\s+)?(?:(?:my|the|all|any)\s+)*(?:tasks?|todos?|items?|things?|anything)?\s*(.*)$",
    _I,
)
_TAGGED = re.compile(
    r"(?:#([\w-]+))|\b([\w]+)-(?:tagged|labell?ed)\b|\b(?:tagged|labell?ed|with\s+(?:the\s+)?(?:tag|label)|under(?:\s+the)?)\s+(?:as\s+)?#?(?!the\b)([\w-]+)"
    r"|\b(?:with\s+|have\s+|has\s+|carry\s+|carrying\s+)?(?:the|a|an)\s+#?([\w-]+)\s+(?:tag|label)\b", _I
)
_TOPIC = re.compile(r"\b([a-z][\w-]*)\s+(?:tasks|todos|to-?dos|items|stuff|things)\b", _I)
_OVERDUE = re.compile(
    r"\b(?:overdue|past\s+(?:due|(?:the|their|its|my|our)\s+(?:deadlines?|due\s+dates?))|late|miss(?:ed)?\s+(?:the\s+)?deadlines?"
    r"|missed|behind)\b", _I)
_RECURRING = re.compile(r"\b(?:recurring|repeating|repeated)\b|\bthat\s+(?:repeat|recur)\b", _I)
_NO_DATE = re.compile(
    r"\b(?:no|without\s+(?:a\s+)?|missing\s+(?:a\s+)?|(?:don'?t|doesn'?t|do\s+not|does\s+not|lack)\s+(?:have\s+)?(?:a\s+|any\s+)?)"
    r"\s*(?:due\s+)?dates?\b|\bundated\b", _I)
_NEXT_N = re.compile(
    rf"\b(?:in|within|over|during)?\s*(?:the\s+)?(?:next|coming)\s+(?P<n>{NUMBER_RE})\s+(?P<u>days?|weeks?)\b", _I)
"""A span from today: "in the next 3 days", "within the coming two weeks"."""
_MARKED = re.compile(
    r"\b(?:marked|flagged|set\s+(?:to|as)|labell?ed)\s+(?:as\s+)?(?P<level>high|medium|low|urgent)\b", _I)
_WHEN_DUE = re.compile(
    r"^when\s+(?:is|are|was|do\s+i\s+(?:have|need)\s+to)\s+(.+?)(?:\s+(?:due|scheduled|happening|planned))?\s*$", _I
)
_UPCOMING = re.compile(r"\b(?:upcoming|coming\s+up|soon|next\s+few\s+days|next\s+7\s+days)\b", _I)
_RANGE = re.compile(r"\b(this|next|last|past)\s+(week|month)(?:'s)?\b", _I)
_DONE_DAY = re.compile(r"\b(today|yesterday|tonight|this\s+morning)\b", _I)
_BEFORE = re.compile(r"\b(?:by|before|until|till|between\s+now\s+and|from\s+now\s+(?:until|till|to))\b", _I)
_AND_TODAY = re.compile(r"\boverdue\s+(?:or|and|&)\s+(?:(?:anything|stuff|what'?s|things?)\s+)?(?:due\s+)?today\b"
                        r"|\btoday\s+(?:or|and|&)\s+overdue\b", _I)
_PLANNER = re.compile(r"\b(?:on|in)\s+(?:the|my)\s+(?:calendar|schedule|agenda|diary|plate|planner)\b", _I)
_NOT_TOPIC_TEXT = """
    pending open completed finished done all my current remaining outstanding overdue upcoming urgent
    important high low medium priority new old recent today tomorrow other active late unfinished
    incomplete due next this week every each whole entire lot single
"""
_NOT_TOPIC = frozenset(_NOT_TOPIC_TEXT.split())
_PRIORITY_WORDS = frozenset(["urgent", "important", "priority", "high", "low", "medium", "critical", "asap"])
_UNIMPORTANT = re.compile(
    r"\b(?:(?:not|aren'?t|isn'?t|are\s+not|is\s+not)\s+(?:very\s+|that\s+|so\s+|really\s+|super\s+|too\s+)?"
    r"(?:important|urgent|pressing|a\s+priority|critical)|unimportant|non-?urgent|can\s+wait|low[\s-]+stakes)\b",
    _I,
)
"""A question about the tasks that matter least: they are the low-priority ones."""
_WEEKEND = re.compile(r"\bweekend\b", _I)
_FILLER_TEXT = """
    show list display view see give get tell read print me what whats what's which how many do does did
    have has i are is there any anything find search look up for tasks task todo todos items item things
    stuff please can could you would will all my the a an on in of with about left remaining pending
    open due currently current now still got need should overdue late past missed behind upcoming soon
    coming completed finished done outstanding undated date dates today tomorrow tonight this next week
    wrapped knocked through far already yet last past yesterday get got deadline deadlines its their
    month to weekend planned plans plan lined
"""
_FILLER = frozenset(_FILLER_TEXT.split())


@dataclass
class ListQuery:
    """Which tasks the user wants to see."""

    status: str = "pending"
    """"pending", "completed" or "all"."""
    priority: str | None = None
    """Priority filter or None."""
    tag: str | None = None
    """Exact tag filter or None."""
    topic: str | None = None
    """A word that may be a tag or a title word ("work tasks"), or None."""
    search: str | None = None
    """Words to search for in titles and descriptions, or None."""
    due_from: dt.date | None = None
    """First due date included, or None."""
    due_to: dt.date | None = None
    """Last due date included, or None."""
    no_date: bool = False
    """Only tasks without a due date."""
    recurring: bool = False
    """Only tasks that repeat."""
    label: str = ""
    """A phrase for the reply ("due today", "tagged work")."""
    done_from: dt.date | None = None
    """First day of completion included (by when tasks were completed), or None."""
    done_to: dt.date | None = None
    """Last day of completion included, or None."""

    def tool_arguments(self, params: set[str] | None = None) -> dict[str, Any]:
        """Arguments for list_tasks (date and word filters are applied locally too)."""
        args: dict[str, Any] = {"status": self.status, "limit": 100}
        if params is None or "completed_after" in params:
            if self.done_from:
                args["completed_after"] = self.done_from.isoformat()
            if self.done_to:
                args["completed_before"] = self.done_to.isoformat()
        if self.priority:
            args["priority"] = self.priority
        if self.tag:
            args["tag"] = self.tag
        return args


def _search_terms(text: str) -> str | None:
    terms = [w for w in words(text) if w not in _FILLER]
    return " ".join(terms) or None


def parse_list_query(text: str, now: Now) -> ListQuery:
    """Read status, priority, tag, dates and search words from a list request."""
    query = ListQuery()
    low = text.lower().strip(" ?!.")
    if _COMPLETED.search(low) and not _NOT_DONE.search(low):
        query.status = "completed"
    elif _ALL.search(low):
        query.status = "all"
    unimportant = _UNIMPORTANT.search(low)
    if unimportant:
        query.priority, low = "low", low[: unimportant.start()] + " " + low[unimportant.end() :]
    priority, low = extract_priority(low) if unimportant is None else (None, low)
    if (marked := _MARKED.search(low)) is not None and not priority:  # "which ones are marked medium?"
        level = marked["level"].lower()
        priority, low = ("high" if level == "urgent" else level), low[: marked.start()] + " " + low[marked.end() :]
    if priority and priority != "none":
        query.priority = priority
    tagged = _TAGGED.search(low)
    if tagged:
        query.tag = next(group for group in tagged.groups() if group).lower()
        low = low[: tagged.start()] + " " + low[tagged.end() :]
    if (recurring := _RECURRING.search(low)) is not None:
        query.recurring, query.label = True, "that repeat"
        low = low[: recurring.start()] + " " + low[recurring.end() :]
    low = _PLANNER.sub(" ", low)
    if _AND_TODAY.search(low):  # "anything overdue or due today?"
        query.due_to, query.status, query.label = now.today, "pending", "due today or overdue"
        low = _AND_TODAY.sub(" ", low)
    elif _OVERDUE.search(low):
        query.due_to = now.today - dt.timedelta(days=1)
        query.status = "pending"
        query.label = "overdue"
    elif _NO_DATE.search(low):
        query.no_date = True
        query.label = "without a due date"
    elif rng := _RANGE.search(low):
        _apply_range(query, rng.group(1).lower(), rng.group(2).lower(), now)
        low = low[: rng.start()] + " " + low[rng.end() :]
    elif (span := _NEXT_N.search(low)) is not None:
        days = (number_value(span["n"]) or 1) * (7 if span["u"].lower().startswith("week") else 1)
        query.due_from, query.due_to = now.today, now.today + dt.timedelta(days=days)
        query.label = f"due in the next {days} days"
        low = low[: span.start()] + " " + low[span.end() :]
    elif _UPCOMING.search(low):
        query.due_from, query.due_to = now.today, now.today + dt.timedelta(days=7)
        query.label = "due in the next 7 days"
    else:
        when, rest = extract_when(low, now)
        if when.date is not None:
            said_before = _BEFORE.search(low)
            before = said_before is not None
            from_now = said_before is not None and said_before.group(0).lower().startswith(("between", "from"))
            query.due_from = (now.today if from_now else None) if before else when.date
            query.due_to = when.date
            query.label = ("due by " if before else "due ") + _day_label(when.date, now)
            if not before and when.date.weekday() == 5 and _WEEKEND.search(low):  # Saturday and Sunday
                query.due_to = when.date + dt.timedelta(days=1)
                query.label = "due over the weekend"
            low = rest
    lead = _LEAD_SEARCH.match(low)
    found = _SEARCH.search(low)
    asked_when = _WHEN_DUE.match(low)
    if asked_when:
        query.search = _search_terms(asked_when.group(1))
    elif found and not re.fullmatch(
        r"(?:today|tomorrow|me|now|my\s+list|the\s+list|my\s+plate)", found.group(1).strip()
    ):
        query.search = _search_terms(found.group(1))
    elif lead and lead.group(1).strip():
        query.search = _search_terms(lead.group(1))
    if query.search is None and query.tag is None:
        topic = _TOPIC.search(low)
        word = topic.group(1).lower() if topic else ""
        if word and word not in _NOT_TOPIC and word not in STOPWORDS and word not in _FILLER:
            query.topic = word
    if query.search and query.priority:
        query.search = " ".join(w for w in query.search.split() if w not in _PRIORITY_WORDS) or None
    if query.search and query.status == "pending" and not _NOT_DONE.search(text):
        query.status = "all"
    if query.status == "completed" and not re.search(r"\bdue\b", text, _I):
        _by_completion(query, text, now)
    return query


def _by_completion(query: ListQuery, text: str, now: Now) -> None:
    """Dates in a question about finished tasks are about when they were finished."""
    today = now.today
    monday = today - dt.timedelta(days=today.weekday())
    rng = _RANGE.search(text)
    day = _DONE_DAY.search(text)
    if rng:
        which, unit = rng.group(1).lower(), rng.group(2).lower()
        if unit == "week":
            start = monday - dt.timedelta(days=7) if which in ("last", "past") else monday
            end = start + dt.timedelta(days=6) if which in ("last", "past") else today
        else:
            first = today.replace(day=1)
            start = (first - dt.timedelta(days=1)).replace(day=1) if which in ("last", "past") else first
            end = first - dt.timedelta(days=1) if which in ("last", "past") else today
        query.label = f"{which} {unit}"
    elif day:
        word = day.group(1).lower()
        start = end = today - dt.timedelta(days=1) if word == "yesterday" else today
        query.label = "yesterday" if word == "yesterday" else "today"
    else:
        return
    query.due_from = query.due_to = None
    query.done_from, query.done_to = start, end


def _done_day(task: Task, zone: str) -> str:
    """The day (in the user's timezone) a task was completed, as ISO, or ""."""
    stamp = str(task.get("completed_at") or "")
    if not stamp:
        return ""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:10]
    if moment.tzinfo is None:
        return moment.date().isoformat()
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(zone)).date().isoformat()
    except (KeyError, ValueError):
        return moment.date().isoformat()


def _apply_range(query: ListQuery, which: str, unit: str, now: Now) -> None:
    today = now.today
    if which in ("last", "past"):
        if unit == "week":
            end = today - dt.timedelta(days=today.weekday() + 1)
            start = end - dt.timedelta(days=6)
        else:
            end = today.replace(day=1) - dt.timedelta(days=1)
            start = end.replace(day=1)
        query.due_from, query.due_to = start, end
        query.label = f"due {which} {unit}"
        return
    if unit == "week":
        start = today if which == "this" else today + dt.timedelta(days=7 - today.weekday())
        end = (
            today
            + dt.timedelta(days=6 - today.weekday())
            + (dt.timedelta(days=7) if which == "next" else dt.timedelta())
        )
    else:
        first = today.replace(day=1)
        if which == "next":
            first = (first + dt.timedelta(days=32)).replace(day=1)
        start = today if which == "this" else first
        end = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    query.due_from, query.due_to = start, end
    query.label = f"due {which} {unit}"


def _day_label(day: dt.date, now: Now) -> str:
    if day == now.today:
        return "today"
    if day == now.today + dt.timedelta(days=1):
        return "tomorrow"
    return f"{day:%a} {day:%b} {day.day}"


def _matches_words(task: Task, terms: str) -> bool:
    haystack = f"{task.get('title') or ''} {task.get('description') or ''} {' '.join(task.get('tags') or [])}"
    stems = set(content_stems(haystack))
    wanted = content_stems(terms)
    low = haystack.lower()
    return (
        bool(wanted) and all(w in stems or any(s.startswith(w) for s in stems) for w in wanted)
    ) or terms.lower() in low


def apply_query(query: ListQuery, tasks: list[Task], zone: str = "UTC") -> list[Task]:
    """The tasks of a list_tasks output that answer the query, in the tool's order."""
    shown = []
    for task in tasks:
        if query.done_from or query.done_to:
            finished = _done_day(task, zone)
            if not finished or (query.done_from and finished < query.done_from.isoformat()):
                continue
            if query.done_to and finished > query.done_to.isoformat():
                continue
        done = bool(task.get("completed"))
        if (query.status == "pending" and done) or (query.status == "completed" and not done):
            continue
        if query.priority and task.get("priority") != query.priority:
            continue
        tags = [str(t).lower() for t in task.get("tags") or []]
        if query.tag and query.tag not in tags:
            continue
        due = task.get("due_date")
        if (query.no_date and due) or (query.recurring and not task.get("recurrence")):
            continue
        if query.due_from or query.due_to:
            if not due:
                continue
            if query.due_from and due < query.due_from.isoformat():
                continue
            if query.due_to and due > query.due_to.isoformat():
                continue
        if query.search and not _matches_words(task, query.search):
            continue
        if query.topic and query.topic not in tags and stem(query.topic) not in content_stems(task.get("title") or ""):
            continue
        shown.append(task)
    return shown
