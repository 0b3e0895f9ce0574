"""What the user sees while a tool runs: one ChatKit `progress_update` per tool call ("Adding 'buy milk'…")."""

from __future__ import annotations

from typing import Any

from chatkit.types import ProgressUpdateEvent


def _task(args: dict[str, Any]) -> str:
    task_id = args.get("task_id")
    return f"task #{task_id}" if isinstance(task_id, int) else "the task"


def progress_for(tool_name: str, arguments: Any) -> ProgressUpdateEvent:
    """The progress line for a tool the agent just called, from its name and (parsed) arguments."""
    args = arguments if isinstance(arguments, dict) else {}
    title = args.get("title") if isinstance(args.get("title"), str) else None
    if tool_name == "add_task":
        return ProgressUpdateEvent(icon="plus", text=f"Adding '{title}'…" if title else "Adding a task…")
    if tool_name == "list_tasks":
        return ProgressUpdateEvent(icon="search", text="Looking through your tasks…")
    if tool_name == "complete_task":
        verb = "Reopening" if args.get("completed") is False else "Completing"
        return ProgressUpdateEvent(icon="check", text=f"{verb} {_task(args)}…")
    if tool_name == "update_task":
        return ProgressUpdateEvent(icon="write", text=f"Updating {_task(args)}…")
    if tool_name == "delete_task":
        return ProgressUpdateEvent(icon="bolt", text=f"Deleting {_task(args)}…")
    if tool_name == "clear_completed":
        text = "Clearing completed tasks…" if args.get("confirm") else "Counting completed tasks…"
        return ProgressUpdateEvent(icon="check-circle", text=text)
    return ProgressUpdateEvent(icon="bolt", text=f"Running {tool_name}…")
