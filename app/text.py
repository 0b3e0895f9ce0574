"""Rules for text users send, and the one way replies show task data as data.

Every text field refuses control characters (NUL breaks PostgreSQL, the others have no place
in a todo); only multi-line fields (descriptions, chat messages) keep tab and newline. Titles
also refuse bidi overrides (text that displays in another order than it reads) and
zero-width-only text (a title that looks empty).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BeforeValidator

_CONTROLS = "\\u0000-\\u001f\\u007f-\\u009f"
"""C0 and C1 control characters, as a regex class body (lone surrogates are refused for every string in
app/validation.py; a surrogate range would not be a valid pattern for Rust-based schema tools)."""
_CONTROLS_BUT_TAB_NEWLINE = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
_INVISIBLE = "\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2060-\\u2064\\u206a-\\u206f\\ufeff"
"""Format characters that show nothing (soft hyphen, zero-width space and joiners, marks, BOM)."""
_BIDI = "\\u202a-\\u202e\\u2066-\\u2069"
"""Bidi embeddings, overrides and isolates; the plain marks (U+200E, U+200F) stay allowed."""

SINGLE_LINE = f"^[^{_CONTROLS}]*$"
"""Text without control characters (a regex; also published in the OpenAPI document)."""
MULTI_LINE = f"^[^{_CONTROLS_BUT_TAB_NEWLINE}]*$"
"""Text whose only control characters are tab, newline and carriage return."""
TITLE = f"^[^{_CONTROLS}{_BIDI}]*[^\\s{_CONTROLS}{_BIDI}{_INVISIBLE}][^{_CONTROLS}{_BIDI}]*$"
"""A title: single line, no bidi controls, at least one visible character."""
MESSAGE = f"^[^{_CONTROLS_BUT_TAB_NEWLINE}]*[^\\s{_CONTROLS}][^{_CONTROLS_BUT_TAB_NEWLINE}]*$"
"""A chat message: multi-line text with at least one non-blank character."""
SECRET = "^[^\\u0000]*$"
"""A password: anything but NUL."""

_MESSAGES = {
    SINGLE_LINE: "must not contain control characters",
    MULTI_LINE: "must not contain control characters other than tab and newline",
    TITLE: "must be visible text without control or bidirectional override characters",
    MESSAGE: "must be non-blank text without control characters other than tab and newline",
    SECRET: "must not contain NUL characters",
}


def matching(pattern: str, max_length: int | None = None) -> Callable[[Any], Any]:
    """A before-validator: the raw string matches `pattern` (Python `re.search`, as JSON Schema
    validators apply it) and is at most `max_length` characters before any trimming."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str):
            if max_length is not None and len(value) > max_length:
                raise ValueError(f"must be at most {max_length} characters")
            if not compiled.search(value):
                raise ValueError(_MESSAGES.get(pattern, "has an invalid format"))
        return value

    return check


def text_field(pattern: str, max_length: int | None = None) -> Any:
    """`Annotated` metadata for a text field: the check above, and the pattern in the JSON schema."""
    return (BeforeValidator(matching(pattern, max_length)),
            WithPattern(pattern))


@dataclass(frozen=True)
class WithPattern:
    """Publishes a regex as the field's JSON Schema `pattern` without pydantic enforcing it (Rust regex
    semantics differ from Python's; `matching` enforces it with Python's, like the schema's validators)."""

    pattern: str
    """The regex."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        target = schema
        if "anyOf" in schema:
            target = next((s for s in schema["anyOf"] if s.get("type") == "string"), schema)
        target["pattern"] = self.pattern
        return schema


def single_line(value: Any) -> Any:
    """A validator: no control characters at all."""
    return matching(SINGLE_LINE)(value)


def multi_line(value: Any) -> Any:
    """A validator: no control characters except tab and newline."""
    return matching(MULTI_LINE)(value)


def title_text(value: Any) -> Any:
    """A validator for titles: single line, no bidi controls, something visible."""
    return matching(TITLE)(value)


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
