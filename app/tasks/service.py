"""Every task rule lives here: the REST API, the MCP tools, the CLI and the tests all call it.

Every function takes the owner explicitly and filters by it, so another user's task is
indistinguishable from a missing one (NotFound).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, delete, func, insert, or_, select
from sqlalchemy.orm import Session, scoped_session

from app import paging
from app.errors import NotFound
from app.events.store import publish
from app.models import PRIORITY_RANK, DeletedTask, Reminder, Task, User, insert_loaded, utcnow
from app.reminders import schedule
from app.tasks.recurrence import first_occurrence, next_occurrence, pin_count
from app.tasks.schemas import TaskCreate, TaskPatch, TaskQuery
from app.validation import MAX_ID

DbSession = Session | scoped_session[Session]
"""A session, or the request-scoped proxy of one."""

UNDO_WINDOW = timedelta(hours=24)
"""How long a deleted task can be restored (Undo in the web app, `POST /tasks/restore`)."""


def user_today(user: User) -> date:
    """Today's date in the user's timezone."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return schedule.now().astimezone(zone).date()


def completion_bound(user: User, value: date | datetime, *, end: bool) -> datetime:
    """A completed_after/completed_before bound in UTC; a date covers its whole day in the user's timezone."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    try:
        if isinstance(value, datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=zone)
            return moment.astimezone(UTC)
        day = value + timedelta(days=1) if end else value
        start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        return start - timedelta(microseconds=1) if end else start
    except OverflowError:  # a bound at the edge of the calendar (year 1 or 9999) that a timezone pushes past it
        return (datetime.max if value.year >= 9999 else datetime.min).replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes that are UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def task_to_dict(task: Task) -> dict[str, Any]:
    """The contract's Task object."""
    return {
        "id": task.id,
        "title": task.title,
        "description": task.description or "",
        "completed": task.completed,
        "completed_at": iso(task.completed_at),
        "priority": task.priority,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
        "tags": list(task.tags or []),
        "recurrence": task.recurrence,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
        "reminders": schedule.visible(task),
    }


def _announce(session: DbSession, user: User, kind: str, task: Task) -> None:
    """Tell the user's open screens (live events) about a created or updated task."""
    publish(session, user.id, {"type": kind, "task": task_to_dict(task)})


_DUE_FIELDS = ("due_date", "due_time")


def _apply(task: Task, values: dict[str, Any]) -> None:
    if values.get("recurrence"):
        start = values.get("due_date", task.due_date) or date.today()
        values = {**values, "recurrence": pin_count(values["recurrence"], start)}
    for name, value in values.items():
        setattr(task, name, value)
    if "priority" in values:
        task.priority_rank = PRIORITY_RANK[task.priority]


_TASK_FIELDS = tuple(column.key for column in Task.__table__.columns if column.key != "id")
"""Every column `create_task` writes: it sets each one on the object first (a KeyError names one it missed)."""
_INSERT_TASK = insert(Task).returning(Task.id)
"""A task row, built once."""


def create_task(session: DbSession, user: User, data: TaskCreate) -> Task:
    """Add a task. A recurring task without a due date gets its first occurrence as due date.

    The row is one INSERT on the session's connection (`insert_loaded`), and the object joins the session
    as if loaded, with no reminders (so answering with them reads nothing back); those `follow_due` gives
    it are flushed.
    """
    values = data.model_dump()
    if values["recurrence"] and values["due_date"] is None:
        values["due_date"] = first_occurrence(values["recurrence"], user_today(user))
    now = utcnow()
    task = Task(user_id=user.id, completed=False, completed_at=None, created_at=now, updated_at=now, reminders=[])
    _apply(task, values)
    insert_loaded(session, task, _INSERT_TASK, {name: vars(task)[name] for name in _TASK_FIELDS})
    schedule.follow_due(task, user, schedule.now())
    session.flush()
    _announce(session, user, "task.created", task)
    return task


def get_task(session: DbSession, user: User, task_id: int) -> Task:
    """The user's task, or NotFound (also for another user's task, or an id no task can have)."""
    if not 0 <= task_id <= MAX_ID:
        raise NotFound(f"No task {task_id}.", code="task_not_found")
    task = session.scalar(select(Task).where(Task.id == task_id, Task.user_id == user.id))
    if task is None:
        raise NotFound(f"No task {task_id}.", code="task_not_found")
    return task


def replace_task(session: DbSession, user: User, task_id: int, data: TaskCreate) -> Task:
    """Full update: every field takes the given value or its default."""
    task = get_task(session, user, task_id)
    before = (task.due_date, task.due_time)
    _apply(task, data.model_dump())
    _changed(session, user, task, before)
    return task


def _changed(session: DbSession, user: User, task: Task, due_before: tuple[Any, Any]) -> None:
    """After an edit: reminders follow a moved due date or time; open screens learn of the change."""
    if (task.due_date, task.due_time) != due_before:
        schedule.follow_due(task, user, schedule.now())
    session.flush()
    _announce(session, user, "task.updated", task)


def update_task(session: DbSession, user: User, task_id: int, patch: TaskPatch) -> Task:
    """Partial update: only the fields the caller set change."""
    task = get_task(session, user, task_id)
    before = (task.due_date, task.due_time)
    _apply(task, patch.changes())
    _changed(session, user, task, before)
    return task


def _snapshot(task: Task) -> dict[str, Any]:
    """Every column of a task, JSON-friendly, so `restore_tasks` can rebuild it exactly."""
    return {
        "title": task.title, "description": task.description or "", "completed": task.completed,
        "completed_at": iso(task.completed_at), "priority": task.priority, "priority_rank": task.priority_rank,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_time": task.due_time.strftime("%H:%M:%S") if task.due_time else None,
        "tags": list(task.tags or []), "recurrence": task.recurrence,
        "created_at": iso(task.created_at), "updated_at": iso(task.updated_at),
        "reminders": [{
            "remind_at": iso(r.remind_at), "before_minutes": r.before_minutes, "auto": r.auto, "status": r.status,
            "fired_at": iso(r.fired_at), "late": r.late, "created_at": iso(r.created_at),
        } for r in task.reminders],
    }


def _restore_reminders(task: Task, user: User, saved: list[dict[str, Any]] | None) -> None:
    """The deleted task's reminders back as they were (as new rows, so with new ids). Copies made before
    reminders were kept (no `reminders` key) get what a new task gets: the default one at the due time.
    A reminder whose moment passed while the task was deleted fires on the next tick, marked late.
    """
    if saved is None:
        schedule.follow_due(task, user, schedule.now())
        return
    for doc in saved:
        task.reminders.append(Reminder(
            user_id=user.id, remind_at=_parse_when(doc["remind_at"]), before_minutes=doc["before_minutes"],
            auto=bool(doc["auto"]), status=doc["status"], fired_at=_parse_when(doc["fired_at"]),
            late=bool(doc["late"]), created_at=_parse_when(doc["created_at"]) or utcnow()))


def _parse_when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _trash(session: DbSession, user: User, tasks: list[Task]) -> None:
    """Delete tasks, keeping a copy for the undo window (and purging the user's older copies)."""
    now = utcnow()
    session.execute(delete(DeletedTask).where(DeletedTask.user_id == user.id,
                                              DeletedTask.deleted_at < now - UNDO_WINDOW))
    for task in tasks:
        session.merge(DeletedTask(id=task.id, user_id=user.id, data=_snapshot(task), deleted_at=now))
        session.delete(task)
    session.flush()


def delete_task(session: DbSession, user: User, task_id: int) -> dict[str, Any]:
    """Delete a task (restorable for UNDO_WINDOW); returns what it was."""
    task = get_task(session, user, task_id)
    gone = task_to_dict(task)
    _trash(session, user, [task])
    publish(session, user.id, {"type": "task.deleted", "task": {"id": task_id}})
    return gone


def restore_tasks(session: DbSession, user: User, task_ids: list[int]) -> list[Task]:
    """Put deleted tasks back exactly as they were: same id, fields, dates and recurrence position.

    Ids that were not deleted by this user within the undo window are NotFound (nothing is restored then).
    """
    wanted = list(dict.fromkeys(task_ids))
    rows = {row.id: row for row in session.scalars(select(DeletedTask).where(
        DeletedTask.user_id == user.id, DeletedTask.id.in_(wanted),
        DeletedTask.deleted_at >= utcnow() - UNDO_WINDOW))}
    missing = [i for i in wanted if i not in rows]
    if missing:
        raise NotFound(f"No deleted task {missing[0]} to restore.", code="task_not_found")
    restored: list[Task] = []
    for task_id in wanted:
        data = dict(rows[task_id].data)
        task = Task(id=task_id, user_id=user.id)
        for name in ("title", "description", "completed", "priority", "priority_rank", "tags", "recurrence"):
            setattr(task, name, data[name])
        task.due_date = date.fromisoformat(data["due_date"]) if data["due_date"] else None
        task.due_time = time.fromisoformat(data["due_time"]) if data["due_time"] else None
        task.completed_at = _parse_when(data["completed_at"])
        task.created_at = _parse_when(data["created_at"]) or utcnow()
        task.updated_at = _parse_when(data["updated_at"]) or utcnow()
        session.delete(rows[task_id])
        session.add(task)
        _restore_reminders(task, user, data.get("reminders"))
        restored.append(task)
    session.flush()
    for task in restored:
        _announce(session, user, "task.created", task)
    return restored


def set_completed(session: DbSession, user: User, task_id: int, completed: bool | None = None) -> Task:
    """Complete, reopen or (completed=None) toggle a task.

    Completing a recurring task moves its due date to the next occurrence and keeps it
    open; when the rule has no occurrence left the task is completed for good. Completing a
    done task (or reopening an open one) changes nothing: `completed_at` keeps the first completion.
    """
    task = get_task(session, user, task_id)
    if completed is not None and completed == task.completed:
        return task
    before = (task.due_date, task.due_time)
    target = (not task.completed) if completed is None else completed
    if target and task.recurrence and not task.completed:
        upcoming = next_occurrence(task.recurrence, task.due_date, user_today(user))
        if upcoming is not None:
            task.due_date = upcoming
            schedule.finish_occurrence(task, user)
            task.updated_at = utcnow()
            _changed(session, user, task, before)
            return task
    reopening = task.completed and not target
    if target and not task.completed:
        schedule.stop(task)
    task.completed = target
    task.completed_at = utcnow() if target else None
    task.updated_at = utcnow()
    if reopening:
        schedule.reopen(task, user, schedule.now())
    _changed(session, user, task, before)
    return task


def clear_completed(session: DbSession, user: User) -> int:
    """Delete every completed task of the user (restorable for UNDO_WINDOW); returns how many."""
    return len(clear_completed_ids(session, user))


def clear_completed_ids(session: DbSession, user: User) -> list[int]:
    """Delete every completed task of the user (restorable for UNDO_WINDOW); returns their ids."""
    tasks = list(session.scalars(select(Task).where(Task.user_id == user.id, Task.completed.is_(True))))
    _trash(session, user, tasks)
    ids = [task.id for task in tasks]
    for task_id in ids:
        publish(session, user.id, {"type": "task.deleted", "task": {"id": task_id}})
    return ids


def list_tags(session: DbSession, user: User) -> list[str]:
    """Every tag on the user's tasks (open or done), sorted: the web app's tag filter follows it."""
    found: set[str] = set()
    for tags in session.scalars(select(Task.tags).where(Task.user_id == user.id)):
        found.update(tags or [])
    return sorted(found)


def count_tasks(session: DbSession, user: User, *, completed: bool | None = None) -> int:
    """How many tasks the user has (optionally only completed or only pending ones)."""
    stmt = select(func.count()).select_from(Task).where(Task.user_id == user.id)
    if completed is not None:
        stmt = stmt.where(Task.completed.is_(completed))
    return int(session.scalar(stmt) or 0)


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the wildcards in it escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_FAR_FUTURE = date(9999, 12, 31)
_FAR_PAST = date(1, 1, 1)


def _sort_key(query: TaskQuery) -> Any:
    """The column the list is ordered by before the id tie-break (None: id alone)."""
    if query.sort == "due":
        # Tasks without a due date come last in both directions.
        return func.coalesce(Task.due_date, _FAR_FUTURE if query.order == "asc" else _FAR_PAST)
    if query.sort == "priority":
        return Task.priority_rank
    if query.sort == "title":
        return func.lower(Task.title)
    return None


def _cursor_value(task: Task, query: TaskQuery) -> Any:
    if query.sort == "due":
        due = task.due_date or (_FAR_FUTURE if query.order == "asc" else _FAR_PAST)
        return due.isoformat()
    if query.sort == "priority":
        return task.priority_rank
    if query.sort == "title":
        return task.title.lower()
    return None


def _encode_cursor(task: Task, query: TaskQuery) -> str:
    return paging.encode({"s": query.sort, "o": query.order, "v": _cursor_value(task, query), "id": task.id})


def _decode_cursor(cursor: str, query: TaskQuery) -> tuple[Any, int]:
    doc = paging.decode(cursor)
    if doc.get("s") != query.sort or doc.get("o") != query.order:
        raise paging.invalid_cursor()
    last_id = paging.row_id(doc.get("id"))
    value: Any = doc.get("v")
    bad = paging.invalid_cursor()
    try:
        if query.sort == "due":
            value = date.fromisoformat(str(value))
        elif query.sort in ("priority", "title"):
            wanted = int if query.sort == "priority" else str
            if not isinstance(value, wanted) or isinstance(value, bool):  # True is an int too
                raise bad
    except (TypeError, ValueError) as err:
        raise bad from err
    if query.sort == "priority" and not 0 <= value <= MAX_ID:
        raise bad  # SQLite cannot bind integers past 2^63
    if query.sort == "title" and ("\x00" in value or not _valid_unicode(value)):
        raise bad  # PostgreSQL cannot bind NUL or lone surrogates
    return value, last_id


def _valid_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def list_tasks(session: DbSession, user: User, query: TaskQuery) -> paging.Page[Task]:
    """The user's tasks, filtered, sorted and paged with a keyset cursor."""
    stmt = select(Task).where(Task.user_id == user.id)
    if query.status == "pending":
        stmt = stmt.where(Task.completed.is_(False))
    elif query.status == "completed":
        stmt = stmt.where(Task.completed.is_(True))
    if query.priority:
        stmt = stmt.where(Task.priority == query.priority)
    if query.due_before:
        stmt = stmt.where(Task.due_date.is_not(None), Task.due_date <= query.due_before)
    if query.due_after:
        stmt = stmt.where(Task.due_date.is_not(None), Task.due_date >= query.due_after)
    if query.completed_after:
        after = completion_bound(user, query.completed_after, end=False)
        stmt = stmt.where(Task.completed_at.is_not(None), Task.completed_at >= after)
    if query.completed_before:
        before = completion_bound(user, query.completed_before, end=True)
        stmt = stmt.where(Task.completed_at.is_not(None), Task.completed_at <= before)
    if query.tag:
        # Tags are a JSON list of words without quotes, stored as json.dumps writes it, so the
        # quoted tag is an exact match on both SQLite and PostgreSQL.
        tag = json.dumps(query.tag.strip().lstrip("#").lower())
        stmt = stmt.where(cast(Task.tags, String).like(_like_pattern(tag), escape="\\"))
    if query.q:
        for word in query.q.lower().split()[:10]:
            pattern = _like_pattern(word)
            stmt = stmt.where(
                or_(
                    func.lower(Task.title).like(pattern, escape="\\"),
                    func.lower(Task.description).like(pattern, escape="\\"),
                )
            )
    key = _sort_key(query)
    descending = query.order == "desc"
    if query.cursor:
        value, last_id = _decode_cursor(query.cursor, query)
        id_after = Task.id < last_id if descending else Task.id > last_id
        if key is None:
            stmt = stmt.where(id_after)
        else:
            beyond = key < value if descending else key > value
            stmt = stmt.where(or_(beyond, and_(key == value, id_after)))
    order_cols: list[Any] = [] if key is None else [key.desc() if descending else key.asc()]
    order_cols.append(Task.id.desc() if descending else Task.id.asc())
    stmt = stmt.order_by(*order_cols)
    return paging.cut(list(session.scalars(stmt.limit(query.limit + 1))), query.limit,
                      lambda task: _encode_cursor(task, query))
