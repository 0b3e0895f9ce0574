"""Typing as people really type: text-speak ("2moro", "pls", "u") and misspelt command words.

Abbreviations come from the English vocabulary file. A misspelt command word ("creat", "delet",
"cmplete", "anythin") is matched by edit distance (rapidfuzz) against the words the grammar knows,
only at the start of a message, where commands are, and only until the first word that is
neither a known word nor close to one: the title after it keeps what the user wrote.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from .english import ENGLISH

_TOKEN = re.compile(r"\S+")
_NOUNS = ("task", "tasks", "todo", "item", "reminder", "new", "note")
_ADDING = frozenset(["add", "create"])
_GLUED_TIME = re.compile(r"\b(at|by)(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\b", re.IGNORECASE)


def _closest(word: str, targets: tuple[str, ...], first: bool) -> str | None:
    """The known word a misspelt one most likely is, or None."""
    size = len(word)
    if size < 4 and not (first and size >= 2):
        return None
    limit = 1 if size <= 5 else 2
    found = extractOne(word, targets, scorer=OSA.distance, score_cutoff=limit)
    if found is None:
        return None
    candidate = str(found[0])
    if candidate[0] != word[0] or (size < 4 and OSA.distance(word, candidate) > 1):
        return None
    return candidate


def fix_typing(text: str) -> str:
    """The message with text-speak spelt out and misspelt leading command words corrected."""
    abbreviations, to_before = ENGLISH.abbreviations, ENGLISH.to_before
    vocabulary, targets, verbs = ENGLISH.vocabulary, ENGLISH.targets, ENGLISH.task_verbs
    text = _GLUED_TIME.sub(r"\1 \2", text)
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
        if leading and low.isalpha() and low not in vocabulary:
            fixed = _closest(low, choices, index == 0)
            if fixed is not None:
                out.append(fixed + tail)
                choices = _NOUNS if fixed in _ADDING else choices
                continue
            leading = False
        out.append(token)
        if low in _ADDING:
            choices = _NOUNS
        if tail == ":" or (low in verbs and low not in ENGLISH.commands):
            leading = False
    return " ".join(out)
