"""ChatKit ids over the integer primary keys: thread `thr_<conversation id>`, item `msg_<message id>`.

They round-trip exactly; anything else (or a number no INTEGER key can hold) names nothing: a 404
for a thread or item, a 400 `invalid_cursor` for a page's `after` (ChatKit's cursors are ids).
"""

from __future__ import annotations

import re

from chatkit.store import NotFoundError

from app import paging
from app.errors import NotFound
from app.validation import MAX_ID

THREAD_PREFIX = "thr_"
ITEM_PREFIX = "msg_"

_ID = re.compile(r"([a-z]+_)([1-9][0-9]{0,9})")


class ThreadNotFound(NotFound, NotFoundError):
    """No such thread for this user (a 404 in the contract's shape, and ChatKit's NotFoundError)."""

    code = "thread_not_found"


class ItemNotFound(NotFound, NotFoundError):
    """No such item in the thread."""

    code = "item_not_found"


def thread_id_of(conversation_id: int) -> str:
    """The ChatKit id of a conversation."""
    return f"{THREAD_PREFIX}{conversation_id}"


def item_id_of(message_id: int) -> str:
    """The ChatKit id of a message."""
    return f"{ITEM_PREFIX}{message_id}"


def number_of(value: str, prefix: str) -> int | None:
    """The key inside an id with that prefix, or None when `value` is not one."""
    match = _ID.fullmatch(value) if isinstance(value, str) else None
    if match is None or match[1] != prefix or int(match[2]) > MAX_ID:
        return None
    return int(match[2])


def parse_thread_id(value: str) -> int:
    """The conversation id of a thread id; ThreadNotFound for anything that is not one."""
    number = number_of(value, THREAD_PREFIX)
    if number is None:
        raise ThreadNotFound(f"No thread {value!r}.")
    return number


def parse_item_id(value: str) -> int:
    """The message id of an item id; ItemNotFound for anything that is not one."""
    number = number_of(value, ITEM_PREFIX)
    if number is None:
        raise ItemNotFound(f"No item {value!r}.")
    return number


def cursor_of(value: str | None, prefix: str) -> int | None:
    """The key a page's `after` names (None: from the start); `invalid_cursor` when it names none."""
    if value is None:
        return None
    number = number_of(value, prefix)
    if number is None:
        raise paging.invalid_cursor("The `after` cursor is not an id of this list.")
    return number
