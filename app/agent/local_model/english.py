"""English vocabulary the grammar shares, read from languages/en.json (English is the default
language, so it is read at import)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from .text import IRREGULAR


@dataclass(frozen=True)
class English:
    """English words the model knows."""

    abbreviations: dict[str, str]
    """Text-speak and its spelling ("2moro": "tomorrow")."""
    to_before: frozenset[str]
    """Words after which "2" means "to" ("remind me 2 ...")."""
    task_verbs: frozenset[str]
    """Verbs that start a thing to do ("buy", "call", "descale")."""
    commands: frozenset[str]
    """The words of the grammar's commands."""
    vocabulary: frozenset[str]
    """Every word of the grammar's commands, plus the task verbs."""
    targets: tuple[str, ...]
    """Command words a misspelt word may be corrected to."""


def _load() -> English:
    path = os.path.join(os.path.dirname(__file__), "languages", "en.json")
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    verbs = frozenset(raw["task_verbs"])
    return English(
        abbreviations=raw["abbreviations"],
        to_before=frozenset(raw["to_before"]),
        task_verbs=verbs,
        commands=frozenset(raw["vocabulary"]),
        vocabulary=frozenset(raw["vocabulary"]) | verbs | frozenset(raw["common_words"]) | frozenset(IRREGULAR),
        targets=tuple(sorted(w for w in raw["vocabulary"] if len(w) >= 3)),
    )


ENGLISH = _load()
TASK_VERBS = ENGLISH.task_verbs
