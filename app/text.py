"""Rules for text users send, and the one way replies show task data as data.

Every text field refuses control characters (NUL breaks PostgreSQL, the others have no place
in a todo); only multi-line fields (descriptions, chat messages) keep tab and newline. Titles
also refuse bidi overrides (text that displays in another order than it reads) and
zero-width-only text (a title that looks empty).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MULTI_LINE_OK = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates; the plain marks (U+200E, U+200F) stay allowed."""


def _refuse_controls(value: str, allowed: frozenset[str]) -> None:
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise ValueError("must be valid Unicode text (no lone surrogates)")
        if category == "Cc" and ch not in allowed:
            raise ValueError("must not contain control characters" +
                             (" other than tab and newline" if allowed else ""))


def single_line(value: Any) -> Any:
    """A validator: no control characters at all."""
    if isinstance(value, str):
        _refuse_controls(value, frozenset())
    return value


def multi_line(value: Any) -> Any:
    """A validator: no control characters except tab and newline."""
    if isinstance(value, str):
        _refuse_controls(value, MULTI_LINE_OK)
    return value


def visible(ch: str) -> bool:
    """False for whitespace and invisible format characters (zero-width space, joiners, BOM)."""
    return not (ch.isspace() or unicodedata.category(ch) == "Cf")


def title_text(value: Any) -> Any:
    """A validator for titles: single line, no bidi controls, something visible."""
    if not isinstance(value, str):
        return value
    single_line(value)
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValueError("must not contain bidirectional override characters")
    if value and not any(visible(ch) for ch in value):
        raise ValueError("must contain visible characters")
    return value


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|#])")
"""Characters that start inline Markdown; the rest only matter at a line start, and a quoted title never is."""


def escape_markdown(text: str) -> str:
    """Task data on one line with inline Markdown escaped: a title can add no paragraph, link or emphasis."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def quoted(title: str) -> str:
    """A title shown as data in a reply: on one line, Markdown-escaped, in quotes.

    Whatever a title contains (`**`, links, a newline followed by a fake answer), the reply
    shows it as the literal text inside quotes, never as markup.
    """
    return "'" + escape_markdown(title) + "'"
