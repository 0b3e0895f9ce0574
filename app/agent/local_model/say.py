"""Replies in the user's language, from the reply templates of the language's vocabulary file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .clock import Now
from .conversation import Task
from .languages import ENGLISH, lexicon


class Voice:
    """Speaks one language (and script); English callers keep using replies.py."""

    def __init__(self, lang: str, nastaliq: bool = False) -> None:
        self.lang = lang
        lex = lexicon(lang)
        self.templates: dict[str, Any] = lex.replies_script if nastaliq and lex.replies_script else lex.replies

    def __call__(self, key: str, **values: Any) -> str:
        """A template filled in."""
        return str(self.templates[key]).format(**values)

    def when(self, task: Task, now: Now) -> str:
        """The task's due day and time in this language, or ""."""
        iso, clock = task.get("due_date"), task.get("due_time")
        parts = []
        if iso:
            try:
                day = dt.date.fromisoformat(str(iso))
            except ValueError:
                day = None
            if day is not None:
                delta = (day - now.today).days
                if delta == 0:
                    parts.append(self.templates["today"])
                elif delta == 1:
                    parts.append(self.templates["tomorrow"])
                else:
                    parts.append(f"{self.templates['weekdays'][day.weekday()]} {day.day}/{day.month}")
        if clock:
            at = self.templates.get("at", "")
            parts.append(f"{at} {clock}".strip())
        return " ".join(parts)

    def due(self, task: Task, now: Now) -> str:
        """The " for <when>" part of a confirmation, or ""."""
        when = self.when(task, now)
        return self("due", when=when) if when else ""

    def task_list(self, tasks: list[Task]) -> str:
        """A numbered list of task titles."""
        if not tasks:
            return self("list_empty")
        head = self("list_header_one") if len(tasks) == 1 else self("list_header", count=len(tasks))
        lines = [head]
        for number, task in enumerate(tasks, start=1):
            lines.append(f"{number}. {str(task.get('title') or '').strip()}")
        return "\n".join(lines)


def voice(lang: str, nastaliq: bool = False) -> Voice | None:
    """A Voice for a language other than English, else None."""
    return None if lang == ENGLISH else Voice(lang, nastaliq)
