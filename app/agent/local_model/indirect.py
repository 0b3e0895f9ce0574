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
from .text import NUMBER_RE, number_value

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


_INSTEAD = r"(?:\s*,?\s*(?:instead|now|then|after\s+all|actually))*"
_FACT = re.compile(
    rf"^(?:actually\s*,?\s*)?(?P<t>.+?)\s+(?:is|are|'s|will\s+be|should\s+be|has\s+been\s+moved|got\s+moved|was\s+moved|moved)\s+"
    rf"(?:now\s+|actually\s+)?(?:(?:moved|rescheduled|changed|scheduled|set|planned|booked|pushed)\s+)?(?:to\s+)?(?P<v>(?:at|on|for|due|to|by)\s+.+?|tomorrow.*?|today.*?)"
    rf"{_INSTEAD}$",
    _I,
)
_CAN_WAIT = re.compile(
    r"^(?P<t>.+?)\s+(?:can|could|will\s+have\s+to|should|must)\s+wait(?:\s+(?:until|till|til|to|for)\s+(?P<v>.+))?$", _I
)
_NOT_URGENT = re.compile(
    r"^(?P<t>.+?)\s+(?:isn'?t|is\s+not|aren'?t|are\s+not)\s+(?:that\s+|very\s+|so\s+|really\s+|super\s+)?"
    r"(?:urgent|important|a\s+priority|pressing)(?:\s+(?:anymore|any\s+more))?(?:\s*[,;.]\s*(?P<v>.*))?$",
    _I,
)
_NO_RUSH = re.compile(
    r"^(?:there'?s\s+)?no\s+(?:rush|hurry)\s+(?:on|with|for|about)\s+(?P<t>.+?)(?:\s*[,;.]\s*(?P<v>.*))?$", _I
)
_SHIFT = re.compile(
    rf"^(?:push|move|bump|shift|postpone|delay|defer|put\s+off|slide|kick)\s+(?P<t>.+?)\s+(?P<dir>back|forward|out|up|later|earlier)?\s*"
    rf"(?:by\s+)?(?P<n>{NUMBER_RE})\s+(?P<u>days?|weeks?)(?:\s+(?P<dir2>later|earlier|back|forward))?$",
    _I,
)
_SHIFTED = re.compile(
    rf"^(?P<t>.+?)\s+(?:(?:has|have)\s+)?(?:(?:got|gets|been|was|were|is|are)\s+)?(?:slipped|slid|moved|pushed|shifted|"
    rf"bumped|delayed|postponed|due|happening|running|late)\s+(?:back\s+|out\s+|forward\s+|up\s+)?(?:by\s+)?"
    rf"(?P<n>{NUMBER_RE}|an?)\s+(?P<u>days?|weeks?)(?:\s+(?P<dir>later|earlier|sooner|back|forward|late))?$",
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
    r"^(?:(?:file|categori[sz]e|group|sort)\s+(?P<t>.+?)|(?:put|place|move)\s+(?P<t2>.+?\b(?:task|one|item|todo)))"
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


def parse_indirect(text: str, now: Now) -> Indirect | None:
    """An indirect update, or None."""
    text = text.strip(" .!")
    m = _SHOULD_READ.match(text)
    if m:
        return Indirect(target=m.group("t"), title=m.group("n").strip(" \"'"))
    m = _TAG_ON.match(text)
    if m:
        return Indirect(target=m.group("t"), fields=Fields(tags=[m.group("tag").lower()]))
    m = _NOTE_ON.match(text)
    if m:
        return Indirect(target=m.group("t"), fields=Fields(description=m.group("n").strip(" \"'")))
    m = _FILE_UNDER.match(text)
    if m:
        return Indirect(target=m.group("t") or m.group("t2"), fields=Fields(tags=[m.group("tag").lower()]))
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
        amount = number_value(m.group("n")) or 1
        days = amount * (7 if m.group("u").lower().startswith("week") else 1)
        direction = (m.group("dir") or m.group("dir2") or "").lower()
        return Indirect(target=m.group("t"), shift_days=-days if direction in ("up", "earlier", "forward") else days)
    m = _SHIFTED.match(text)
    if m:
        amount = 1 if m.group("n").lower() in ("a", "an") else number_value(m.group("n")) or 1
        days = amount * (7 if m.group("u").lower().startswith("week") else 1)
        earlier = (m.group("dir") or "").lower() in ("earlier", "sooner", "forward") or " forward " in text.lower()
        return Indirect(target=m.group("t"), shift_days=-days if earlier else days)
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
