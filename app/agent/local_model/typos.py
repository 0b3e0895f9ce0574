"""Typing as people really type: text-speak ("2moro", "pls", "u") and misspelt command words.

Abbreviations come from the English vocabulary file. A misspelt command word ("creat", "delet",
"cmplete", "anythin") is matched by edit distance (rapidfuzz) against the words the grammar knows,
only at the start of a message, where commands are, and only until the first word that is
neither a known word nor close to one: the title after it keeps what the user wrote.

Further on, a word is corrected only where its neighbours say what it must be, so that a title's
own words ("fridge", "Frida", "Augusta") stay as typed: a day or month after a date word or beside a
number ("by firday", "on wendesday", "febuary 3"), "every" before a day or period ("evry morning"),
a priority level before "priority" ("hihg priority") and "priority" beside a level ("priorty high"),
"next" or "this" before a day or period ("nxet monday") and a period after them ("this wek"), a state word
ending the message after "as" or "is" ("mark it as doen"); and anywhere, "tomorrow", "tonight" and
"yesterday" (no title word is that close to them: "tmorrow").
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from .dates import WEEKDAYS
from .english import ENGLISH

_TOKEN = re.compile(r"\S+")
_NOUNS = ("task", "tasks", "todo", "item", "reminder", "new", "note", "urgent", "important", "priority")
_ADDING = frozenset(["add", "create"])
_GLUED_TIME = re.compile(r"\b(at|by)(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\b", re.IGNORECASE)


_DAYS = tuple(day for day in WEEKDAYS if len(day) > 5)  # the full names, not "thurs"
_CALENDAR = (*_DAYS, "january", "february", "april", "august", "september", "october", "november", "december",
             "tomorrow", "tonight")
_DATE_BEFORE = frozenset(["on", "by", "next", "this", "until", "till", "before", "after", "every", "each", "from",
                          "due", "coming", "upcoming", "starting", "of"])
_LEVELS = ("high", "medium", "low", "urgent")
_STATES = ("done", "complete", "completed", "finished")
_EVERY = ("every", "each")
_PERIODS = frozenset(["day", "morning", "afternoon", "evening", "night", "week", "month", "year", "weekday", "weekend",
                      "other", *_DAYS])
_STATE_BEFORE = frozenset(["as", "is", "are", "now", "all", "be"])
_LEVEL_WORDS = frozenset([*_LEVELS, "top", "highest", "lowest", "normal", "no"])
_DAY_WORDS = ("tomorrow", "tonight", "yesterday")
_DAYPARTS = ("morning", "afternoon", "evening", "night")
_DAY_AFTER = frozenset(["tomorrow", "today", "this", "every", "each", "sunday", *_DAYS])
_LEVEL_BEFORE = frozenset(["its", "it's", "is", "very", "super", "really", "quite", "make", "mark", "as"])
_WHICH = ("next", "this")
_WHICH_BEFORE = frozenset(["this", "next", "last", "per", "every", "each"])
_SPANS = ("week", "month", "weekend", "year")
_DIGIT = re.compile(r"\d")


def _closest(word: str, targets: tuple[str, ...], first: bool) -> str | None:
    """The known word a misspelt one most likely is, or None."""
    size = len(word)
    if size < 4 and not (first and size >= 2):
        return None
    candidate = _near(word, targets, 1 if size <= 6 else 2)
    if candidate is None or (size < 4 and OSA.distance(word, candidate) > 1):
        return None
    return candidate


def _near(word: str, targets: tuple[str, ...], limit: int) -> str | None:
    """The target within `limit` edits (a swap of two letters is one) that starts as `word` does, or None."""
    found = extractOne(word, targets, scorer=OSA.distance, score_cutoff=limit)
    if found is None or str(found[0])[0] != word[0]:
        return None
    return str(found[0])


def _in_context(words: list[str], index: int) -> str | None:
    """What a misspelt word must be, given its neighbours (see the module's docstring), or None."""
    word = words[index]
    before = words[index - 1] if index > 0 else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    after_next = words[index + 2] if index + 2 < len(words) else ""
    daypart_after = after in _DAYPARTS or (len(after) >= 5 and _near(after, _DAYPARTS, 1) is not None)
    dated = (before in _DATE_BEFORE or _DIGIT.search(before) or _DIGIT.search(after) or daypart_after
             or (after == "at" and _DIGIT.search(after_next) is not None))
    plural = word.endswith("s") and word[:-1] in _CALENDAR  # "mondays" says something else
    if len(word) >= 5 and dated and not plural:
        fixed = _near(word, _CALENDAR, 1 if len(word) < 7 else 2)
        if fixed is not None:
            return fixed
    if len(word) >= 3 and after in _PERIODS:  # "evry morning"
        fixed = _near(word, _EVERY, 1)
        if fixed is not None:
            return fixed
    if len(word) >= 3 and after == "priority":
        return _near(word, _LEVELS, 1)
    if len(word) >= 6 and (before in _LEVEL_WORDS or after in _LEVEL_WORDS):  # "priorty high", "low prioirty"
        return _near(word, ("priority",), 2)
    if len(word) >= 6 and (fixed := _near(word, _DAY_WORDS, 1 if len(word) < 7 else 2)) is not None:
        return fixed  # "tmorrow": no title word is this close to it
    if len(word) >= 3 and after in _PERIODS and (fixed := _near(word, _WHICH, 1)) is not None:
        return fixed  # "nxet monday"
    if len(word) >= 3 and before in _WHICH_BEFORE:  # "this wek"
        return _near(word, _SPANS, 1)
    if len(word) >= 4 and index == len(words) - 1 and before in _STATE_BEFORE:
        return _near(word, _STATES, 1)
    if len(word) >= 5 and before in _DAY_AFTER:  # "tomorrow mornin", "friday evenin"
        return _near(word, _DAYPARTS, 1)
    if len(word) >= 5 and index == len(words) - 1 and before in _LEVEL_BEFORE:  # "it's urgnet"
        return _near(word, ("urgent", "important"), 2)
    return None


def _fix_in_context(tokens: list[str]) -> list[str]:
    """`tokens` with the misspelt day, month, level and state words their neighbours name corrected."""
    words = [token.strip(",.;:!?").lower() for token in tokens]
    vocabulary = ENGLISH.vocabulary
    out = list(tokens)
    for index, word in enumerate(words):
        if word == "hi" and index > 0 and index + 1 < len(words) and words[index + 1].startswith("prio"):
            out[index] = "high"  # "..., hi priority" (a greeting only opens a message)
            continue
        if not word.isalpha() or word in vocabulary:
            continue
        fixed = _in_context(words, index)
        if fixed is not None:
            token = tokens[index]
            out[index] = fixed + token[len(token.rstrip(",.;:!?")) :]
            words[index] = fixed  # the next word's context is the corrected one ("tmorrow mornin")
    return out


_TAKE_OF = re.compile(r"^\s*(take|get|knock|cross|tick|check)\s+of(?=\s+\S)", re.IGNORECASE)
"""'take of' for 'take off' at the start of a request ("take of the cinema tickets from my list")."""


def fix_typing(text: str) -> str:
    """The message with text-speak spelt out and misspelt leading command words corrected."""
    abbreviations, to_before = ENGLISH.abbreviations, ENGLISH.to_before
    vocabulary, targets, verbs = ENGLISH.vocabulary, ENGLISH.targets, ENGLISH.task_verbs
    text = _GLUED_TIME.sub(r"\1 \2", text)
    text = _TAKE_OF.sub(r"\1 off", text)
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    leading = True
    choices = targets
    for index, token in enumerate(tokens):
        core = token.strip(",.;:!?")
        low = core.lower()
        tail = token[len(token.rstrip(",.;:!?")) :]
        if low in abbreviations:
            out.append(abbreviations[low] + tail)
            continue
        if low == "2" and index > 0:
            after = tokens[index + 1].lower().strip(",.;:!?") if index + 1 < len(tokens) else ""
            if tokens[index - 1].lower() in to_before or after in verbs:
                out.append("to")
                continue
        known = low in vocabulary or (low.endswith("s") and low[:-1] in vocabulary)  # "ones", "tags"
        base, clitic = (low[:-2], core[-2:]) if low.endswith("'s") and len(low) > 3 else (low, "")  # "waht's"
        if leading and base.isalpha() and not known and base not in vocabulary:
            fixed = _closest(base, choices, index == 0)
            if fixed is not None:
                out.append(fixed + clitic + tail)
                choices = _NOUNS if fixed in _ADDING else choices
                continue
            leading = False
        out.append(token)
        if low in _ADDING:
            choices = _NOUNS
        if tail == ":" or (low in verbs and low not in ENGLISH.commands):
            leading = False
    return " ".join(_fix_in_context(out))
