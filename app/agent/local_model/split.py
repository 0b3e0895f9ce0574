"""Several requests in one message: "add X and Y", "X, Y and Z", a list after a colon, "done with A,
and add B", "mark A as done and delete B", shared modifiers ("..., both for tomorrow").

A message is cut at its separators (commas, "and", "then", semicolons) and each piece is kept as a
request of its own only on evidence: it starts with a command, it starts with a verb of a thing to
do after "add ...", both sides carry their own date, or it is an item of a comma list. Otherwise
the piece stays part of the request before it ("compare the pros and cons", "Ben and Lucy's
anniversary"). Several task names in one reference ("the kettle and the mailbox tasks") are split
later, against the task titles (see batch.py).
"""

from __future__ import annotations

import re

from .clock import Now
from .english import TASK_VERBS
from .fields import Fields, extract_fields
from .intents import (
    ADD,
    COMPLETE,
    DELETE,
    LIST,
    REOPEN,
    UNKNOWN,
    UPDATE,
    Intent,
    parse_english,
    starts_with_add,
    strip_filler,
)
from .text import STOPWORDS, content_stems, normalize
from .typos import fix_typing

_I = re.IGNORECASE
_SEP = re.compile(
    r"(\s*;\s*|\s*,\s*(?:and\s+|but\s+)?(?:then\s+|now\s+|also\s+|and\s+)?|\s+and\s+(?:then\s+|also\s+|now\s+)?|\s+then\s+"
    r"|(?<=[a-z])\.\s+)",
    _I,
)
_ITEM_SEP = re.compile(r"\s*(?:,|;|\band\b|&)\s*(?:and\s+)?", _I)
_COLON = re.compile(r"^(?P<head>[^:]{1,80}?)\s*(?::|\s[-\u2013\u2014]\s)\s*(?P<items>.+)$")
_LIST_HEAD = re.compile(
    r"\b(?:add|put|create|list|things|these|following|todos?|to-?dos?|tasks|items|remind|reminders|new"
    r"|need\s+to|have\s+to|got\s+to|must)\b",
    _I,
)
_LINES = re.compile(r"\s*\n[\s\n]*(?:[-*\u2022]\s*|\d{1,2}[.)]\s+)?")
"""A new line, with its bullet or number: the end of one item of a list typed line by line."""
_NUMBERED = re.compile(r"(?:^|(?<=\s)|(?<=:))\(?\d{1,2}[.)]\s+")
"""An inline item number ("add 1) buy toner 2) shred the files")."""
_TO_LEAD = re.compile(r"^\s*(?:to|also)\s+", _I)
"""The "to" of a second request after "remind me to A and ..." ("... and to B")."""
_SHARED = re.compile(
    r"(?:,\s*|\s+)(?:both|all\s+of\s+them|all\s+(?:three|four|five)|all|each(?:\s+one)?)\s+"
    r"(?P<mod>(?:for|on|by|due|at|tagged|tag|with|#|high|low|medium|urgent|every|as)\b.*)$",
    _I,
)
_EXPLICIT = frozenset([COMPLETE, DELETE, UPDATE, REOPEN])


def _explicit(piece: str, intent: Intent) -> bool:
    """Whether a piece is a request on its own, with its own command."""
    if intent.kind in _EXPLICIT:
        return True
    if intent.kind == ADD:
        return starts_with_add(piece)
    return False


def _pronoun(target: str) -> bool:
    return target.lower().strip() in ("it", "that", "this", "them", "that one", "this one", "those", "these")


def _first_word(text: str) -> str:
    found = re.match(r"\s*([A-Za-z][\w'-]*)", text)
    return found.group(1) if found else ""


def _as_add(piece: str, now: Now) -> Intent:
    piece = _TO_LEAD.sub("", piece.strip())
    parsed = parse_english("add " + piece, now)
    return parsed if parsed.kind == ADD and parsed.title else Intent(kind=UNKNOWN)


_REMIND_ME = re.compile(
    r"^\s*(?:and\s+|then\s+)?(?:please\s+)?(?:remind|ping|nudge|alert|notify|buzz|text)\s+me\s+(?!to\b|about\b|that\b)(?P<when>.+)$",
    re.IGNORECASE)


def _remind_when(piece: str, now: Now) -> Fields | None:
    """The when of "remind me on the 28th at 9am" said after a task: fields with no task of their own."""
    m = _REMIND_ME.match(piece)
    if m is None:
        return None
    found, rest = extract_fields(m.group("when"), now, description=False)
    return found if (found.due_date or found.due_time) and not content_stems(rest) else None


def _new_add(current: Intent, piece: str, sep: str, shouting: bool, now: Now) -> bool:
    """Whether a piece after an add request is another task to add."""
    if current.kind != ADD or not current.title:
        return False
    piece = _TO_LEAD.sub("", piece)
    first = _first_word(piece)
    words = piece.split()
    own, rest = extract_fields(piece, now, description=False)
    if own.any() and not content_stems(rest):
        return False  # ", high priority, and ...": only fields, said of the task before
    if first.lower() in TASK_VERBS and len(current.title.split()) >= 2 and len(words) >= 2:
        return True
    if own.due_date is not None and current.fields.due_date is not None:
        return True
    comma = "," in sep or ";" in sep
    return (
        comma
        and len(words) >= 2
        and first.lower() not in STOPWORDS
        and (shouting or not first[:1].isupper())
        and not first.lower().endswith("ly")
    )


def _apply_shared(intents: list[Intent], shared: Fields) -> None:
    for intent in intents:
        if intent.kind not in (ADD, UPDATE):
            continue
        f = intent.fields
        f.due_date = f.due_date or shared.due_date
        f.due_time = f.due_time or shared.due_time
        f.priority = f.priority or shared.priority
        f.recurrence = f.recurrence or shared.recurrence
        f.tags = f.tags or list(shared.tags)


def _colon_list(text: str, now: Now) -> list[Intent] | None:
    m = _COLON.match(text)
    if not m or not _LIST_HEAD.search(m.group("head")):
        return None
    items = [i for i in _ITEM_SEP.split(m.group("items")) if i and i.strip()]
    if len(items) < 2:
        return None
    head_fields, _rest = extract_fields(m.group("head"), now, description=False)
    intents = [_as_add(item, now) for item in items]
    if any(i.kind != ADD for i in intents):
        return None
    _apply_shared(intents, head_fields)
    return intents


def split_requests(message: str, now: Now) -> list[Intent] | None:
    """The requests of a message, in order, when it holds several; None for one request."""
    message = _LINES.sub("; ", message.strip())
    if len(_NUMBERED.findall(message)) >= 2:
        message = _NUMBERED.sub("; ", message).strip(" ;")
        message = re.sub(r"\s*:?\s*;\s*", ": ", message, count=1) if _LIST_HEAD.match(message) else message
    text = strip_filler(normalize(fix_typing(message))).strip()  # "hang on, undo that": one request
    shared = Fields()
    m = _SHARED.search(text)
    if m:
        shared, _rest = extract_fields(m.group("mod"), now, description=False)
        if shared.any():
            text = text[: m.start()]
    listed = _colon_list(text, now)
    if listed is not None:
        _apply_shared(listed, shared)
        return listed
    pieces = _SEP.split(text)
    shouting = text.isupper()
    clauses = [pieces[0]]
    modified = False
    parsed = [parse_english(pieces[0], now)]
    for index in range(1, len(pieces) - 1, 2):
        sep, piece = pieces[index], pieces[index + 1]
        if not piece.strip():
            continue
        current = parsed[-1]
        intent = parse_english(piece, now)
        really_add = current.kind == ADD and (
            starts_with_add(clauses[-1]) or _first_word(clauses[-1]).lower() in TASK_VERBS
        )
        modifier = really_add and intent.kind == UPDATE and _pronoun(intent.target)
        if current.kind == ADD and (when := _remind_when(piece, now)) is not None:
            _apply_shared([current], when)  # "..., ping me on the 28th at 9am": when the task is, not a task
            modified = True
            continue
        if (
            intent.kind in _EXPLICIT
            and _pronoun(intent.target)
            and not really_add
            and not _explicit(clauses[-1], current)
        ):
            _before, rest = extract_fields(clauses[-1], now, description=False)
            if current.kind in (ADD, UNKNOWN) and len(content_stems(rest)) >= 2:
                intent.target = rest.strip(" ,.")
            clauses[-1] = piece
            parsed[-1] = intent
        elif modifier:
            _apply_shared([current], intent.fields)
            modified = True
        elif current.kind not in (UNKNOWN, LIST) and _explicit(piece, intent) and not modifier:
            clauses.append(piece)
            parsed.append(intent)
        elif not modifier and _new_add(current, piece, sep, shouting, now):
            clauses.append(piece)
            parsed.append(_as_add(piece, now))
        else:
            clauses[-1] += sep + piece
            parsed[-1] = parse_english(clauses[-1], now)
    if len(parsed) < 2:
        if modified:
            return parsed
        if parsed and parsed[0].kind in _EXPLICIT and parsed[0].target != parse_english(text, now).target:
            return parsed
        return None
    if any(i.kind == UNKNOWN for i in parsed):
        return None
    _apply_shared(parsed, shared)
    _carry_the_day(parsed)
    return parsed


def _carry_the_day(intents: list[Intent]) -> None:
    """A later request with only a time takes the day said before it: "tomorrow I have to drop off the parcel
    and pick up Leo at 4pm" is Leo at 4pm tomorrow, not today."""
    day = None
    for intent in intents:
        f = intent.fields
        if intent.kind != ADD:
            continue
        if f.due_date is not None and not f.date_implied:
            day = f.due_date
        elif day is not None and f.due_time is not None and f.date_implied:
            f.due_date, f.date_implied = day, False
