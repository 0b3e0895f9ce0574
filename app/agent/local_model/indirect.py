"""Indirect updates: a change said as a fact about a task rather than as a command.

"the dentist is at 4:30pm instead", "X can wait until thursday", "X isn't urgent, make it low",
"no rush on X", "push X back a week", "take the date off X", "put a marketing tag on X",
"X should read: Y", "X should repeat every thursday", "file X under travel", "add a note to X: Y".
Each names an existing task, so it is an update and never a new task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clock import Now
from .fields import Fields, extract_fields
from .text import NUMBER_RE, amount_value, minutes_per

_I = re.IGNORECASE


@dataclass
class Indirect:
    """An update read from an indirect phrasing."""

    target: str
    """How the task was named."""
    fields: Fields = field(default_factory=Fields)
    """Fields to set."""
    title: str = ""
    """A new title, or ""."""
    clear: list[str] = field(default_factory=list)
    """Fields to clear."""
    shift_days: int = 0
    """Days to move the due date by (negative: earlier)."""
    shift_minutes: int = 0
    """Minutes to move the due time by (negative: earlier), across midnight if need be."""
    untag: list[str] = field(default_factory=list)
    """Tags to take off."""


_INSTEAD = r"(?:\s*,?\s*(?:instead|now|then|after\s+all|actually))*"
_FACT = re.compile(
    rf"^(?:actually\s*,?\s*)?(?P<t>.+?)\s+(?:is|are|'s|will\s+be|should\s+be|has\s+been\s+moved|got\s+moved|was\s+moved|moved"
    rf"|(?:now\s+)?(?:starts|begins|kicks\s+off|will\s+start|will\s+begin))\s+"
    rf"(?:now\s+|actually\s+)?(?:(?:moved|rescheduled|changed|scheduled|set|planned|booked|pushed)\s+)?(?:to\s+)?(?P<v>(?:at|on|for|due|to|by)\s+.+?|tomorrow.*?|today.*?)"
    rf"{_INSTEAD}$",
    _I,
)
_CAN_WAIT = re.compile(
    r"^(?P<t>.+?)\s+(?:can|could|will\s+have\s+to|should|must)\s+wait(?:\s+(?:until|till|til|to|for)\s+(?P<v>.+))?$", _I
)
_NOT_URGENT = re.compile(
    r"^(?P<t>.+?)\s+(?:isn'?t|is\s+not|aren'?t|are\s+not|is\s+no\s+longer|are\s+no\s+longer)\s+(?:that\s+|very\s+|so\s+|really\s+|super\s+)?"
    r"(?:urgent|important|a\s+priority|pressing)(?:\s+(?:anymore|any\s+more))?(?:\s*[,;.]\s*(?P<v>.*))?$",
    _I,
)
_NO_RUSH = re.compile(
    r"^(?:there'?s\s+)?no\s+(?:rush|hurry)\s+(?:on|with|for|about)\s+(?P<t>.+?)(?:\s*[,;.]\s*(?P<v>.*))?$", _I
)
_AMOUNT = rf"(?P<n>half\s+an?|{NUMBER_RE})\s+(?P<u>days?|weeks?|hours?|hrs?|minutes?|mins?)(?P<half>\s+and\s+a\s+half)?"
"""How far a task moves: "two days", "a week", "an hour", "half an hour", "90 minutes", "an hour and a half"."""
_SHIFT = re.compile(
    rf"^(?:push|move|bump|shift|postpone|delay|defer|put\s+off|slide|kick|bring|pull|set)\s+(?P<t>.+?)\s+(?P<dir>back|forward|out|up|later|earlier|ahead)?\s*"
    rf"(?:by\s+)?{_AMOUNT}(?:\s+(?P<dir2>later|earlier|sooner|back|forward))?$",
    _I,
)
_LATER = re.compile(
    rf"^(?:(?:can|could)\s+(?:we\s+|you\s+)?(?:make\s+|have\s+)?(?P<t>.+?)(?:\s+be)?|(?:make|have)\s+(?P<t2>.+?)"
    rf"|(?P<t3>.+?)\s+(?:is|are|should\s+be|will\s+be|needs\s+to\s+be|has\s+to\s+be|must\s+be)(?:\s+now)?)"
    rf"\s+(?:moved\s+|pushed\s+|starting\s+|happening\s+)?(?:by\s+)?{_AMOUNT}\s+(?P<dir>later|earlier|sooner)"
    rf"(?:\s+(?:instead|then|please))?$",
    _I,
)
"""A shift asked or said without a moving verb: "can X be an hour later?", "make X 30 minutes earlier"."""
_SHIFTED = re.compile(
    rf"^(?P<t>.+?)\s+(?:(?:has|have)\s+)?(?:(?:got|gets|been|was|were|is|are)\s+)?(?:slipped|slid|moved|pushed|shifted|"
    rf"bumped|delayed|postponed|due|happening|running|late)\s+(?:(?:us|me|it|them|him|her)\s+)?(?:back\s+|out\s+|forward\s+|up\s+)?(?:by\s+)?"
    rf"{_AMOUNT}(?:\s+(?P<dir>later|earlier|sooner|back|forward|late))?$",
    _I,
)
"""A shift said as a fact: "the car service slipped by two days", "the slides are due a day earlier"."""
_TAKE_DATE = re.compile(
    r"^(?:take|get|drop|strip)\s+(?:the\s+)?(?P<f>due\s+date|date|deadline|due\s+time|time)\s+off\s+(?:of\s+)?(?P<t>.+)$",
    _I,
)
_NO_DATE = re.compile(
    r"^(?P<t>.+?)\s+(?:doesn'?t|does\s+not|don'?t|no\s+longer)\s+(?:need|have)s?\s+(?:a|any|the)?\s*(?P<f>due\s+date|date|deadline|due\s+time|time)(?:\s+(?:anymore|any\s+more))?$"
    r"|^no\s+(?:more\s+)?(?P<f2>due\s+date|date|deadline|due\s+time|time)\s+(?:on|for)\s+(?P<t2>.+?)(?:\s+(?:anymore|any\s+more|now|then))?$",
    _I,
)
_TAG_ON = re.compile(
    r"^(?:put|add|stick|slap|give)\s+(?:a|an|the)\s+#?(?P<tag>[\w-]+)\s+(?:tag|label)\s+(?:on|to|onto)\s+(?P<t>.+)$", _I
)
_TAG_WORD = r"(?:the\s+)?#?(?P<{}>[\w-]+)(?:\s+(?:tag|label|list|category|pile))?"
_FROM_TO = re.compile(
    r"^(?:move|switch|change|retag|re-tag|shift|reschedule|push|bump)\s+(?P<t>.+?)\s+from\s+(?P<old>.+?)\s+"
    r"(?:to|into|over\s+to|until|till)\s+(?P<new>.+)$",
    _I,
)
"""A move from one value to another: a date or time ("move X from monday to friday"), or else a tag
("move X from home to work")."""
_ONE_TAG = re.compile(_TAG_WORD.format("tag") + "$", _I)
_KIND_NOW = re.compile(
    r"^(?P<t>.+?)\s+(?:is|are|'s)\s+(?:now\s+|actually\s+|really\s+)?(?:a|an|more\s+of\s+a)\s+#?(?P<new>[\w-]+)\s+"
    r"(?:thing|task|item|errand|job|chore|one|todo)(?:\s+now)?(?:\s*,?\s*(?:and\s+)?not\s+(?:a\s+|an\s+)?#?(?P<old>[\w-]+)"
    r"(?:\s+(?:thing|task|item|one))?)?(?:\s+(?:anymore|any\s+more|now))?$",
    _I,
)
"""A tag swap said as a fact: "X is a work thing now, not home", "X is more of a family task"."""
_CALENDAR = re.compile(
    r"^(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|weekend|spring|summer|autumn|fall|winter|today|tomorrow|tonight)$", _I)
"""Words of the calendar: "X goes in march" says when, not which tag."""
_SHOULD_READ = re.compile(
    r"^(?P<t>.+?)\s+(?:should|must|needs\s+to|has\s+to)\s+(?:read|say|be\s+called|be\s+named|be\s+renamed(?:\s+to)?)\s*:?\s*(?P<n>.+)$",
    _I,
)


_REPEAT = re.compile(
    r"^(?P<t>.+?)\s+(?:(?:should|must|needs\s+to|has\s+to|will|is\s+going\s+to|is\s+supposed\s+to|can)\s+"
    r"(?:repeat|recur|happen|occur|come\s+(?:a)?round)|repeats|recurs|happens|occurs)\s+(?P<v>.+)$",
    _I,
)
_NOTE_ON = re.compile(
    r"^(?:add|put|attach|write|leave|jot(?:\s+down)?)\s+(?:a\s+|this\s+)?(?:note|comment|detail)s?\s+"
    r"(?:to|on|for|in)\s+(?!(?:my)?self\b)(?P<t>.+?)\s*(?::|\s[-\u2013]\s|\s+saying\s+|\s+that\s+says\s+)\s*(?P<n>.+)$",
    _I,
)
_FILE_UNDER = re.compile(
    r"^(?:(?:file|categori[sz]e|group|sort)\s+(?P<t>.+?)|(?:put|place|move)\s+(?P<t2>.+?\b(?:task|one|item|todo))"
    r"|(?P<t3>.+?)\s+(?:belongs|goes|should\s+go|(?:is|should\s+be)\s+filed))"
    r"\s+(?:under|as|in|into)\s+(?:the\s+)?#?(?P<tag>[\w-]+)(?:\s+(?:tag|label|category|list|folder|pile))?$",
    _I,
)


def _fields(value: str | None, now: Now) -> Fields:
    if not value:
        return Fields()
    found, _rest = extract_fields(value, now, description=False)
    return found


def _clear(name: str) -> list[str]:
    return ["due_time"] if "time" in name.lower() else ["due_date", "due_time"]


def _shifted(m: re.Match[str], target: str, earlier: bool) -> Indirect:
    """A move by the amount `_AMOUNT` matched: whole days move the date, hours and minutes the time."""
    amount = amount_value(m.group("n")) + (0.5 if m.group("half") else 0)
    unit = m.group("u").lower().rstrip("s")
    minutes = round(amount * minutes_per(unit)) * (-1 if earlier else 1)
    if unit in ("day", "week") and minutes % (24 * 60) == 0:
        return Indirect(target=target, shift_days=minutes // (24 * 60))
    return Indirect(target=target, shift_minutes=minutes)


def parse_indirect(text: str, now: Now) -> Indirect | None:
    """An indirect update, or None."""
    text = text.strip(" .!")
    m = _SHOULD_READ.match(text)
    if m:
        return Indirect(target=m.group("t"), title=m.group("n").strip(" \"'"))
    m = _FROM_TO.match(text)
    if m:
        new = _fields(m.group("new"), now)
        if new.due_date or new.due_time:
            return Indirect(target=m.group("t"), fields=new)
        old_tag, new_tag = _ONE_TAG.match(m.group("old")), _ONE_TAG.match(m.group("new"))
        if old_tag and new_tag and not _fields(m.group("old"), now).any():
            return Indirect(target=m.group("t"), fields=Fields(tags=[new_tag.group("tag").lower()]),
                            untag=[old_tag.group("tag").lower()])
    m = _KIND_NOW.match(text)
    if m:
        old = m.group("old")
        return Indirect(target=m.group("t"), fields=Fields(tags=[m.group("new").lower()]),
                        untag=[old.lower()] if old else [])
    m = _TAG_ON.match(text)
    if m:
        return Indirect(target=m.group("t"), fields=Fields(tags=[m.group("tag").lower()]))
    m = _NOTE_ON.match(text)
    if m:
        return Indirect(target=m.group("t"), fields=Fields(description=m.group("n").strip(" \"'")))
    m = _FILE_UNDER.match(text)
    if m and not (m.group("t3") and (_CALENDAR.match(m.group("tag")) or _fields(m.group("tag"), now).any())):
        target = m.group("t") or m.group("t2") or m.group("t3")
        return Indirect(target=target, fields=Fields(tags=[m.group("tag").lower()]))
    m = _REPEAT.match(text)
    if m:
        found = _fields(m.group("v"), now)
        if found.recurrence:
            return Indirect(target=m.group("t"), fields=found)
    m = _TAKE_DATE.match(text) or _NO_DATE.match(text)
    if m:
        parts = m.groupdict()
        return Indirect(target=parts.get("t") or parts["t2"], clear=_clear(parts.get("f") or parts["f2"]))
    m = _SHIFT.match(text)
    if m:
        direction = (m.group("dir") or m.group("dir2") or "").lower()
        return _shifted(m, m.group("t"), direction in ("up", "earlier", "sooner", "forward"))
    m = _SHIFTED.match(text)
    if m:
        earlier = (m.group("dir") or "").lower() in ("earlier", "sooner", "forward") or " forward " in text.lower()
        return _shifted(m, m.group("t"), earlier)
    m = _LATER.match(text)
    if m:
        return _shifted(m, m.group("t") or m.group("t2") or m.group("t3"), m.group("dir").lower() != "later")
    for pattern in (_NOT_URGENT, _NO_RUSH):
        m = pattern.match(text)
        if m:
            found = _fields(m.group("v"), now)
            found.priority = found.priority if found.priority and found.priority != "high" else "low"
            if m.group("v") and re.search(r"\bmake\s+it\s+(?:a\s+)?medium\b|\bmedium\b", m.group("v"), _I):
                found.priority = "medium"
            return Indirect(target=m.group("t"), fields=found)
    m = _CAN_WAIT.match(text)
    if m:
        value = m.group("v")
        found = _fields(("on " + value) if value and not re.match(r"(?:next|this)\b", value, _I) else value, now)
        if not found.any():
            found.priority = "low"
        return Indirect(target=m.group("t"), fields=found)
    m = _FACT.match(text)
    if m:
        found = _fields(m.group("v"), now)
        if found.due_date or found.due_time:
            return Indirect(target=m.group("t"), fields=found)
    return None
