"""Keyset paging, one way for every list: tasks, reminders, conversations, messages and ChatKit pages.

A cursor is opaque to clients: the URL-safe base64 (unpadded) of a small JSON object naming the
last row of the page (its sort value and id). Anything that does not decode to what the list
expects is a 400 `invalid_cursor` and changes nothing. ChatKit's own protocol names its cursors
by item or thread id (`after`), so its pages share `cut` but not `encode`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.errors import APIError
from app.validation import MAX_ID

T = TypeVar("T")


def invalid_cursor(message: str = "The cursor is invalid for this query.") -> APIError:
    """The one error of a cursor that does not belong to the list it was sent to."""
    return APIError(message, code="invalid_cursor", status=400)


def encode(doc: dict[str, Any]) -> str:
    """A cursor from the fields that place a row in its list."""
    return base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str) -> dict[str, Any]:
    """The fields of a cursor made by `encode`; `invalid_cursor` for anything else."""
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as err:
        raise invalid_cursor() from err
    if not isinstance(doc, dict):
        raise invalid_cursor()
    return doc


def row_id(value: Any) -> int:
    """A cursor's row id: an integer a key column can hold, or `invalid_cursor`."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise invalid_cursor()
    return value


@dataclass
class Page(Generic[T]):
    """One page of rows and the cursor of the next."""

    rows: list[T]
    """The page's rows, in the list's order."""
    more: bool
    """True when rows follow this page."""
    next_cursor: str | None
    """Opaque cursor for the following page, None on the last."""


def cut(rows: list[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """The page from `limit + 1` fetched rows: the first `limit`, and the cursor of the last when more follow."""
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, more, cursor_of(rows[-1]) if more and rows else None)


def body(key: str, page: Page[T], to_dict: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """A page as the JSON API answers it: `{key: [...], "next_cursor": ...}`."""
    return {key: [to_dict(row) for row in page.rows], "next_cursor": page.next_cursor}
