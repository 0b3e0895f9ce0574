"""MCP tools over tasks.service. The user is never an argument: it arrives in the call's `_meta`.

The agent's adapter (inprocess.py) puts the authenticated user's id in `_meta` under
`USER_META_KEY`; `flask todo mcp serve --user EMAIL` instead pins one user for the whole
stdio session and ignores `_meta`. Either way no prompt can name another user.

In a chat turn, `_meta` also names the turn (`turncall.TURN_META_KEY`): the tool's transaction
then records the call on the turn's reply and is held to the turn's deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, ValidationError
from sqlalchemy import bindparam, select
from sqlalchemy.exc import OperationalError

from app.asyncbridge import run_blocking
from app.errors import APIError
from app.extensions import DeadlinePassed, db
from app.mcp.turncall import TURN_META_KEY, TurnCall, record_call
from app.metrics import ToolErrorCounter
from app.models import User
from app.reminders import service as reminders
from app.reminders.schedule import reminder_to_dict
from app.reminders.schemas import ReminderCreate, ReminderQuery
from app.tasks import service
from app.tasks.schemas import TaskCreate, TaskPatch, TaskQuery

USER_META_KEY = "todo-assistant/user_id"
_CLOCK_SLACK = 0.05
"""Seconds a database may time out before the turn's deadline as this process reads its clock."""
Priority = Literal["none", "low", "medium", "high"]
INSTRUCTIONS = "Task tools of Todo Assistant. Every tool acts on the signed-in user's own tasks only."

TaskId = Annotated[int, Field(description="The task's numeric id, as shown by list_tasks.")]
OptDate = Annotated[str | None, Field(description="A date as YYYY-MM-DD in the user's timezone.")]
OptMoment = Annotated[
    str | None, Field(description="When a task was completed: YYYY-MM-DD (the user's timezone) or an ISO date-time.")
]
OptTime = Annotated[str | None, Field(description="A time as HH:MM (24-hour) in the user's timezone.")]
Rrule = Annotated[str | None, Field(description="An RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=TH or FREQ=DAILY.")]
TagList = Annotated[list[str] | None, Field(description="Tags, lower-case words without '#'.")]


def _rule(item: Any) -> str:
    """One pydantic error as `field: rule`, without pydantic's "Value error, " prefix."""
    where = ".".join(str(p) for p in item["loc"]) or "arguments"
    return f"{where}: {item['msg'].removeprefix('Value error, ')}"


def tool_error(err: ValidationError | APIError) -> ToolError:
    """The one translation of an expected failure into the sentence the model (or an MCP client) reads.

    Validation names each field and its rule; the service's errors (not found, conflict,
    invalid) keep their message, with their per-field problems appended.
    """
    if isinstance(err, ValidationError):
        return ToolError("invalid arguments: " + "; ".join(_rule(item) for item in err.errors()))
    text = err.message[:1].lower() + err.message[1:].rstrip(".")
    if err.fields:
        text += ": " + "; ".join(f"{field}: {rule}" for field, rule in err.fields.items())
    return ToolError(text)


class TodoMCPServer(MCPServer):
    """The MCP server whose every expected tool failure reads as `tool_error` says, in one place.

    The SDK turns an exception from a tool (say a pydantic ValidationError from `TaskCreate`, or
    the service's NotFound) into a bare "Error executing tool add_task", and its own check of the
    arguments' schema into pydantic's multi-line report. Both keep the original as `__cause__`.
    """

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as err:
            cause = err.__cause__
            if isinstance(cause, ValidationError | APIError):
                raise ToolError(f"Error executing tool {name}: {tool_error(cause)}") from cause
            raise


_USER = select(User).where(User.id == bindparam("user_id"))
"""The caller's row, by a statement built once (each tool call reads it; `Session.get` builds its query anew)."""

OUT_OF_TIME = "the turn ran out of time while the database was busy; nothing was changed"
"""The tool error of a call whose transaction was still waiting for a lock at the turn's deadline."""


async def _with_user(ctx: Context, fixed_user_id: str | None, work: Callable[[Any, User], dict[str, Any]]
                     ) -> dict[str, Any]:
    """Run `work(session, user)` in one transaction for the caller's user.

    Within a chat turn the same transaction records the call with its result on the turn's reply,
    and no statement of it waits past the turn's deadline.
    """
    meta = ctx.request_context.meta or {}
    user_id = fixed_user_id or meta.get(USER_META_KEY)
    if not isinstance(user_id, str) or not user_id:
        raise ToolError("not signed in: no user for this call")
    call = None if fixed_user_id else TurnCall.from_meta(meta.get(TURN_META_KEY))
    until = call.until if call is not None else None

    def transaction() -> dict[str, Any]:
        with db.begin(until=until) as session:
            user = session.scalars(_USER, {"user_id": user_id}).first()
            if user is None or user.disabled:
                raise ToolError("not signed in: unknown or disabled user")
            output = work(session, user)
            if call is not None:
                record_call(session, user, call, output)
            return output

    try:
        return await run_blocking(transaction)
    except (DeadlinePassed, OperationalError) as err:
        # PostgreSQL's statement_timeout or SQLite's busy timeout, set to the turn's time left.
        if until is not None and time.monotonic() >= until - _CLOCK_SLACK:
            raise ToolError(OUT_OF_TIME) from err
        raise


def build_server(fixed_user_id: str | None = None) -> MCPServer:
    """The MCP server with the task tools (pin `fixed_user_id` for a single-user stdio session)."""
    server = TodoMCPServer("todo-assistant", instructions=INSTRUCTIONS, middleware=[ToolErrorCounter()])

    @server.tool()
    async def add_task(
        title: Annotated[str, Field(description="What to do, short, without dates or tags.")],
        ctx: Context,
        description: str = "",
        priority: Priority = "none",
        due_date: OptDate = None,
        due_time: OptTime = None,
        tags: TagList = None,
        recurrence: Rrule = None,
    ) -> dict[str, Any]:
        """Add a task. A recurring task without due_date gets its first occurrence as due date."""
        data = TaskCreate.model_validate({
            "title": title, "description": description, "priority": priority, "due_date": due_date,
            "due_time": due_time, "tags": tags or [], "recurrence": recurrence,
        }, strict=False)
        return await _with_user(ctx, fixed_user_id, lambda s, u: {
            "task": service.task_to_dict(service.create_task(s, u, data))})

    @server.tool()
    async def list_tasks(
        ctx: Context,
        status: Literal["all", "pending", "completed"] = "pending",
        priority: Priority | None = None,
        tag: str | None = None,
        due_before: OptDate = None,
        due_after: OptDate = None,
        completed_after: OptMoment = None,
        completed_before: OptMoment = None,
        q: Annotated[str | None, Field(description="Words to search in titles and descriptions.")] = None,
        sort: Literal["created", "due", "priority", "title"] = "created",
        limit: Annotated[int, Field(ge=1, le=100)] = 50,
    ) -> dict[str, Any]:
        """List the user's tasks (pending by default), with optional filters. Dates are inclusive."""
        query = TaskQuery.model_validate({
            "status": status, "priority": priority, "tag": tag, "due_before": due_before,
            "due_after": due_after, "completed_after": completed_after, "completed_before": completed_before,
            "q": q, "sort": sort, "limit": limit,
            "order": "desc" if sort == "priority" else "asc",
        })

        def work(s: Any, u: User) -> dict[str, Any]:
            page = service.list_tasks(s, u, query)
            tasks = [service.task_to_dict(t) for t in page.rows]
            return {"tasks": tasks, "count": len(tasks), "more": page.next_cursor is not None}

        return await _with_user(ctx, fixed_user_id, work)

    @server.tool()
    async def complete_task(task_id: TaskId, ctx: Context, completed: bool = True) -> dict[str, Any]:
        """Mark a task done (completed=true) or reopen it (completed=false).

        A recurring task moves to its next occurrence instead of closing. A task already in the
        asked state stays as it is, and the result says so (`unchanged` with a `note`).
        """

        def work(s: Any, u: User) -> dict[str, Any]:
            already = service.get_task(s, u, task_id).completed == completed
            out: dict[str, Any] = {"task": service.task_to_dict(service.set_completed(s, u, task_id, completed))}
            if already:
                out |= {"unchanged": True,
                        "note": "the task was already completed" if completed else "the task was already open"}
            return out

        return await _with_user(ctx, fixed_user_id, work)

    @server.tool()
    async def delete_task(task_id: TaskId, ctx: Context) -> dict[str, Any]:
        """Delete one task for good."""
        return await _with_user(ctx, fixed_user_id, lambda s, u: {
            "deleted": True, "task": service.delete_task(s, u, task_id)})

    @server.tool()
    async def update_task(
        task_id: TaskId,
        ctx: Context,
        title: str | None = None,
        description: str | None = None,
        priority: Priority | None = None,
        due_date: OptDate = None,
        due_time: OptTime = None,
        tags: TagList = None,
        recurrence: Rrule = None,
        clear: Annotated[list[Literal["due_date", "due_time", "recurrence", "description", "tags"]] | None,
                         Field(description="Fields to empty, e.g. ['due_date'].")] = None,
    ) -> dict[str, Any]:
        """Change some fields of a task; fields left out stay as they are."""
        given = {"title": title, "description": description, "priority": priority, "due_date": due_date,
                 "due_time": due_time, "tags": tags, "recurrence": recurrence}
        changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        for name in clear or []:
            changes[name] = [] if name == "tags" else None
        if not changes:
            raise ToolError("nothing to change: give at least one field")
        patch = TaskPatch.model_validate(changes, strict=False)
        return await _with_user(ctx, fixed_user_id, lambda s, u: {
            "task": service.task_to_dict(service.update_task(s, u, task_id, patch))})

    @server.tool()
    async def clear_completed(
        ctx: Context,
        confirm: Annotated[bool, Field(description="Only true after the user explicitly confirmed.")] = False,
    ) -> dict[str, Any]:
        """Delete every completed task. Call first without confirm to learn how many, ask the user, then confirm."""

        def work(s: Any, u: User) -> dict[str, Any]:
            if not confirm:
                return {"confirmation_required": True, "count": service.count_tasks(s, u, completed=True)}
            return {"deleted_count": service.clear_completed(s, u)}

        return await _with_user(ctx, fixed_user_id, work)

    _reminder_tools(server, fixed_user_id)
    return server


ReminderId = Annotated[int, Field(description="The reminder's numeric id, as shown by list_reminders.")]


def _reminder_tools(server: MCPServer, fixed_user_id: str | None) -> None:
    """The reminder tools, over reminders.service."""

    @server.tool()
    async def add_reminder(
        task_id: TaskId,
        ctx: Context,
        remind_at: Annotated[str | None, Field(
            description="When: YYYY-MM-DDTHH:MM in the user's timezone, or ISO 8601 with an offset.")] = None,
        before_minutes: Annotated[int | None, Field(
            ge=0, le=10080, description="Instead: minutes before the task's due date and time.")] = None,
    ) -> dict[str, Any]:
        """Remind the user of a task at a moment, or some minutes before it is due."""
        data = ReminderCreate.model_validate({"remind_at": remind_at, "before_minutes": before_minutes})
        return await _with_user(ctx, fixed_user_id, lambda s, u: {
            "reminder": reminder_to_dict(reminders.add_reminder(s, u, task_id, data))})

    @server.tool()
    async def list_reminders(
        ctx: Context,
        status: Literal["active", "scheduled", "fired", "dismissed", "all"] = "scheduled",
        limit: Annotated[int, Field(ge=1, le=100)] = 50,
    ) -> dict[str, Any]:
        """The user's reminders, soonest first (upcoming ones by default), with their task titles."""
        query = ReminderQuery.model_validate({"status": status, "limit": limit})

        def work(s: Any, u: User) -> dict[str, Any]:
            page = reminders.list_reminders(s, u, query)
            items = [{**reminder_to_dict(r), "task_title": r.task.title} for r in page.rows]
            return {"reminders": items, "count": len(items), "more": page.next_cursor is not None}

        return await _with_user(ctx, fixed_user_id, work)

    @server.tool()
    async def snooze_reminder(
        reminder_id: ReminderId,
        ctx: Context,
        minutes: Annotated[int, Field(ge=1, le=1440, description="Remind again in this many minutes.")] = 10,
    ) -> dict[str, Any]:
        """Snooze a reminder: it fires again that many minutes from now."""
        return await _with_user(ctx, fixed_user_id, lambda s, u: {
            "reminder": reminder_to_dict(reminders.snooze(s, u, reminder_id, minutes))})

    @server.tool()
    async def delete_reminder(reminder_id: ReminderId, ctx: Context) -> dict[str, Any]:
        """Remove a reminder."""
        def work(s: Any, u: User) -> dict[str, Any]:
            reminders.delete_reminder(s, u, reminder_id)
            return {"deleted": True}

        return await _with_user(ctx, fixed_user_id, work)
