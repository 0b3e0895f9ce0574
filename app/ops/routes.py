"""`/healthz` (the process is up) and `/readyz` (the database answers)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import text

from app.agent.runtime import get_runtime
from app.extensions import api, db
from app.security import exempt
from app.validation import with_extra_paths

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@exempt
def healthz() -> Any:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
@exempt
def readyz() -> Any:
    """The database answers and the asyncio loop thread runs; 503 otherwise."""
    if get_runtime().stalled:
        return {"status": "unavailable", "loop": "stalled"}, 503
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "up"}


@bp.get("/api/openapi.json")
@exempt
def openapi() -> Any:
    """The OpenAPI 3 document of every JSON route, generated from the pydantic models."""
    return with_extra_paths(api.spec)
