"""The line that marks a failed or interrupted reply in ChatKit, derived from the stored reply's status.

ChatKit has no "failed" state for an assistant message, so right after such a reply comes a
`TaskItem` with a `CustomTask` whose id is the reply's item id plus `_status` (the built-in panel
shows it with Retry; ChatKit's own view shows it as a task line). It is never stored: `items.list`
builds it from `Message.status` each time, and the stream sends the same item when a turn fails,
so both always agree with the reply's row. A reply left `pending` by a killed worker reads as
interrupted at once (`shown_status`), as the next turn will store it.
"""

from __future__ import annotations

from datetime import datetime

from chatkit.types import CustomTask, Page, TaskItem, ThreadItem

from app.conversations.turn import abandoned
from app.models import Message

STATUS_SUFFIX = "_status"
"""Appended to the reply's item id to name its status line."""
TITLES = {
    "failed": "This answer failed. Use Retry to ask again.",
    "interrupted": "This answer was interrupted before it finished. Use Retry to ask again.",
}
"""What the status line says, by reply status (complete and pending replies have none)."""


def shown_status(msg: Message) -> str:
    """The message's status as a reader should see it: a reply whose process died is already `interrupted`
    (the next turn of the conversation stores exactly that; nothing is written here)."""
    return "interrupted" if abandoned(msg) else msg.status


def status_item(reply_item_id: str, thread_id: str, status: str, created_at: datetime) -> TaskItem | None:
    """The status line of a reply in `status`, or None when that status needs none."""
    title = TITLES.get(status)
    if title is None:
        return None
    return TaskItem(id=reply_item_id + STATUS_SUFFIX, thread_id=thread_id, created_at=created_at,
                    task=CustomTask(title=title, icon="reload"))


def with_status_lines(page: Page[ThreadItem], statuses: dict[str, str], order: str) -> Page[ThreadItem]:
    """`page` with each failed or interrupted reply followed (in reading order) by its status line.

    `statuses` maps item ids to the stored status of their message; in a `desc` page the line comes
    just before its reply, so it is still right after it once the client reverses the page.
    """
    data: list[ThreadItem] = []
    for item in page.data:
        line = None
        if item.type == "assistant_message":
            line = status_item(item.id, item.thread_id, statuses.get(item.id, ""), item.created_at)
        if line is not None and order == "desc":
            data.append(line)
        data.append(item)
        if line is not None and order != "desc":
            data.append(line)
    return page.model_copy(update={"data": data})
