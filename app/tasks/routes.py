"""REST routes of the tasks API; all the rules are in tasks.service."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from app import paging
from app.auth.ownership import owner_required
from app.errors import Invalid
from app.extensions import api, db
from app.models import User
from app.tasks import service
from app.tasks.schemas import (
    ClearedTasks,
    CompleteBody,
    RestoreBody,
    TagList,
    TaskCreate,
    TaskList,
    TaskOut,
    TaskPage,
    TaskPatch,
    TaskQuery,
)
from app.validation import USER_ERRORS, responses

bp = Blueprint("tasks", __name__, url_prefix="/api/<user_id>/tasks")


def _task(task: Any) -> dict[str, Any]:
    return service.task_to_dict(task)


@bp.get("")
@owner_required
@api.validate(query=TaskQuery, resp=responses("HTTP_200", TaskPage, *USER_ERRORS), tags=["tasks"])
def list_tasks(user: User, query: TaskQuery) -> Any:
    """List the user's tasks, filtered, sorted and paged."""
    return paging.body("tasks", service.list_tasks(db.session, user, query), service.task_to_dict)


@bp.post("")
@owner_required
@api.validate(json=TaskCreate, resp=responses("HTTP_201", TaskOut, *USER_ERRORS), tags=["tasks"])
def create_task(user: User, json: TaskCreate) -> Any:
    """Create a task."""
    task = service.create_task(db.session, user, json)
    db.session.commit()
    return _task(task), 201


@bp.get("/<int:task_id>")
@owner_required
@api.validate(resp=responses("HTTP_200", TaskOut, *USER_ERRORS), tags=["tasks"])
def get_task(user: User, task_id: int) -> Any:
    """One task."""
    return _task(service.get_task(db.session, user, task_id))


@bp.put("/<int:task_id>")
@owner_required
@api.validate(json=TaskCreate, resp=responses("HTTP_200", TaskOut, *USER_ERRORS), tags=["tasks"])
def replace_task(user: User, task_id: int, json: TaskCreate) -> Any:
    """Replace every field of a task."""
    task = service.replace_task(db.session, user, task_id, json)
    db.session.commit()
    return _task(task)


@bp.patch("/<int:task_id>")
@owner_required
@api.validate(json=TaskPatch, resp=responses("HTTP_200", TaskOut, *USER_ERRORS), tags=["tasks"])
def update_task(user: User, task_id: int, json: TaskPatch) -> Any:
    """Change only the fields given."""
    if not json.model_fields_set:
        raise Invalid("Give at least one field to change.", code="empty_update")
    task = service.update_task(db.session, user, task_id, json)
    db.session.commit()
    return _task(task)


@bp.delete("/<int:task_id>")
@owner_required
@api.validate(resp=responses("HTTP_204", None, *USER_ERRORS), tags=["tasks"])
def delete_task(user: User, task_id: int) -> Any:
    """Delete a task."""
    service.delete_task(db.session, user, task_id)
    db.session.commit()
    return Response(status=204)


@bp.patch("/<int:task_id>/complete")
@owner_required
@api.validate(json=CompleteBody, resp=responses("HTTP_200", TaskOut, *USER_ERRORS), tags=["tasks"])
def complete_task(user: User, task_id: int, json: CompleteBody) -> Any:
    """Complete (true), reopen (false) or, with no body, toggle a task."""
    completed = json.completed if request.get_data() else None
    task = service.set_completed(db.session, user, task_id, completed)
    db.session.commit()
    return _task(task)


@bp.get("/tags")
@owner_required
@api.validate(resp=responses("HTTP_200", TagList, *USER_ERRORS), tags=["tasks"])
def list_tags(user: User) -> Any:
    """Every tag on the user's tasks, open or done."""
    return {"tags": service.list_tags(db.session, user)}


@bp.post("/clear-completed")
@owner_required
@api.validate(resp=responses("HTTP_200", ClearedTasks, *USER_ERRORS), tags=["tasks"])
def clear_completed(user: User) -> Any:
    """Delete every completed task; they stay restorable for 24 hours."""
    ids = service.clear_completed_ids(db.session, user)
    db.session.commit()
    return {"ids": ids, "count": len(ids)}


@bp.post("/restore")
@owner_required
@api.validate(json=RestoreBody, resp=responses("HTTP_200", TaskList, *USER_ERRORS), tags=["tasks"])
def restore_tasks(user: User, json: RestoreBody) -> Any:
    """Undo a delete or clear-completed: the tasks come back with the same id and fields."""
    tasks = service.restore_tasks(db.session, user, json.ids)
    db.session.commit()
    return {"tasks": [_task(t) for t in tasks]}
