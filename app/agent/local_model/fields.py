"""Task fields spoken in a message: due date and time, priority, tags, recurrence, description."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .clock import Now
from .dates import extract_when
from .recurrence import extract_recurrence, first_occurrence

_I = re.IGNORECASE
LEVELS = {
    "high": "high", "top": "high", "highest": "high", "max": "high", "urgent": "high",
    "critical": "high", "1": "high", "medium": "medium", "med": "medium", "normal": "medium",
    "moderate": "medium", "mid": "medium", "middle": "medium", "2": "medium", "low": "low",
    "lowest": "low", "minor": "low", "3": "low", "no": "none", "none": "none",
}  # fmt: skip
_LEVEL = r"(high|top|highest|max|urgent|critical|medium|med|normal|moderate|mid|middle|low|lowest|minor|no|none)"
PRIORITY_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(rf"(?:\b(?:with|at|as|to|a|an|of)\s+)*\b{_LEVEL}[- ]prio(?:rity)?\b"
                r"(?:\s+(?:item|task|thing|one|to-?do))?", _I), None),
    (
        re.compile(
            r"(?:\b(?:with|at|as|to|a|an|of)\s+)*\bprio(?:rity)?\s*(?:level\s*)?(?:[:=]|\bis\b|\bof\b|\bto\b)?\s*(high|medium|med|normal|low|none|urgent|[123])\b",
            _I,
        ),
        None,
    ),
    (re.compile(r"\b(p[123])\b", _I), None),
    (
        re.compile(
            r"(?:\b(?:it's|its|it\s+is|that's|thats|is)\s+)?\bnot\s+(?:very\s+|that\s+|so\s+|super\s+)?"
            r"(?:important|urgent|a\s+priority)\b|\bno\s+rush\b|\bwhenever\s+(?:i\s+can|possible)\b"
            r"|\bno\s+hurry\b|\bsomeday\b|\blow[- ]key\b",
            _I,
        ),
        "low",
    ),
    (
        re.compile(
            r"(?:\b(?:it's|its|it\s+is|this\s+is|that's|thats|is)\s+)?(?:\b(?:very|really|super)\s+)?\b(?:urgent(?:ly)?|asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+possible|important|critical|crucial|top\s+prio(?:rity)?)\b|!!+",
            _I,
        ),
        "high",
    ),
)
_HASHTAG = re.compile(r"(?<![\w&])#([A-Za-z][\w-]*)")
_TAG_WORD = r"#?([A-Za-z][\w-]*)"
_TAG_LIST = _TAG_WORD + r"((?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)#?[A-Za-z][\w-]*(?=\s*(?:$|,|and\b|&|[.;!])))*)"
TAG_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?:,\s*)?\b(?:and\s+)?(?:tag(?:ged)?|label(?:l?ed)?)\s+(?:it\s+|this\s+|that\s+)?"
        rf"(?:(?:as|with|under)\s+(?:the\s+)?|(?!(?:the|a|an|my|them|those|these|both)\b))(?:tags?\s+)?{_TAG_LIST}",
        _I,
    ),
    re.compile(rf"(?:,\s*)?\b(?:with|using)\s+(?:the\s+)?(?:tags?|labels?)\s+{_TAG_LIST}", _I),
    re.compile(rf"\b(?:under|in)\s+(?:the\s+)?{_TAG_WORD}\s+(?:tag|category|label|project)\b", _I),
    re.compile(
        rf"\b(?:to|on|in)\s+(?:my|the)\s+(?!to-?do\b|todo\b|task\b|tasks\b|to\s+do\b|main\b|own\b){_TAG_WORD}\s+list\b",
        _I,
    ),
    re.compile(rf"\bunder\s+(?!the\b|a\b|my\b){_TAG_WORD}\s*$", _I),
)
_DESCRIPTION = re.compile(
    r"(?:[,;]\s*|\s+-\s+|\s+)(?:(?:with|and)\s+(?:the\s+|a\s+)?(?:description|details|notes?)\b\s*(?::|=|saying\b)?"
    r"|(?:description|details|notes?)\s*(?::|=)|note\s+that\b)\s*(.+)$",
    _I,
)
_STOP_TAGS = frozenset(["it", "this", "that", "the", "a", "an", "as", "with", "and", "or"])


@dataclass
class Fields:
    """Task fields found in a message; None (or empty) means "not said"."""

    due_date: dt.date | None = None
    """Due date."""
    due_time: dt.time | None = None
    """Due time (wall clock)."""
    priority: str | None = None
    """"none", "low", "medium" or "high"."""
    tags: list[str] = field(default_factory=list)
    """Lower-case tags without '#'."""
    recurrence: str | None = None
    """RRULE such as "FREQ=WEEKLY;BYDAY=TH"."""
    description: str | None = None
    """Free-text description."""
    date_implied: bool = False
    """Whether due_date was only inferred from a time of day."""

    def any(self) -> bool:
        """Whether anything at all was found."""
        return bool(self.due_date or self.due_time or self.priority or self.tags or self.recurrence or self.description)


def _cut(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " + text[m.end() :]


def _at_edge(text: str, m: re.Match[str]) -> bool:
    """Whether a match sits at the start or end of the phrase (or next to punctuation)."""
    before = text[: m.start()].strip()
    after = text[m.end() :].strip()
    return (
        not before
        or not after
        or before[-1] in ":,;-("
        or after[0] in ":,;-)!."
        or re.match(r"(?:task|todo|item|reminder)s?\b", after, _I) is not None
        or re.search(r"\b(?:add|an?|new|it|this|is|make|mark)$", before, _I) is not None
    )


def extract_priority(text: str) -> tuple[str | None, str]:
    """Find a priority phrase; a lone adjective inside a title stays in the title."""
    for pattern, fixed in PRIORITY_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        level = fixed or LEVELS.get(m.group(1).lower().lstrip("p"), "medium")
        if fixed and not _at_edge(text, m) and "priority" not in m.group(0).lower():
            return level, text
        return level, _cut(text, m)
    return None, text


def extract_tags(text: str) -> tuple[list[str], str]:
    """Find '#tags' and "tagged x" / "with tag x" / "under the x category" phrases."""
    tags = [m.group(1).lower() for m in _HASHTAG.finditer(text)]
    text = _HASHTAG.sub(" ", text)
    for pattern in TAG_PATTERNS:
        m = pattern.search(text)
        if m is None:
            continue
        found = [t.lower() for t in re.findall(r"[A-Za-z][\w-]*", m.group(0)[m.start(1) - m.start() :])]
        found = [t for t in found if t not in _STOP_TAGS and t not in ("list", "tag", "category", "label", "project")]
        if found:
            tags.extend(found)
            text = _cut(text, m)
    unique: list[str] = []
    for tag in tags:
        if tag not in unique:
            unique.append(tag)
    return unique, text


def extract_fields(text: str, now: Now, *, description: bool = True) -> tuple[Fields, str]:
    """Pull every task field out of text; return them and the rest (the title, usually)."""
    found = Fields()
    if description:
        m = _DESCRIPTION.search(text)
        if m and m.start() > 0:
            found.description = m.group(1).strip().strip("\"'").rstrip(".") or None
            text = text[: m.start()]
    found.tags, text = extract_tags(text)
    rec, text = extract_recurrence(text)
    when, text = extract_when(text, now)
    found.due_date, found.due_time, found.date_implied = when.date, when.time, when.date_implied
    found.priority, text = extract_priority(text)
    if rec is not None:
        found.recurrence = rec.rule
        if found.due_time is None:
            found.due_time = rec.time
        if found.due_date is None or when.date_implied:
            passed = found.due_time is not None and found.due_time <= now.time
            start = now.today + dt.timedelta(days=1) if passed else now.today
            found.due_date = first_occurrence(rec.rule, start)
            found.date_implied = False
    return found, text
