"""The reminder scheduler, on APScheduler 3 (see the README for why this library).

APScheduler runs two interval jobs: `tick` fires due reminders (and pushes them), `purge` forgets
old live events. The schedule itself is data (the reminders table), so the scheduler keeps no job
per reminder and any number of schedulers, in every web worker and on every machine, can run at
once: `service.fire_due` claims each reminder atomically. The first tick runs at start-up, which is
how reminders that came due while nothing ran fire then, marked late.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from flask import Flask

from app.config import get_config
from app.events.store import purge, retention_cutoff
from app.extensions import db
from app.reminders import schedule, service
from app.reminders.push import send_reminders

log = logging.getLogger(__name__)


def tick(app: Flask) -> int:
    """Fire what is due now and push it; returns how many fired."""
    fired = service.fire_due(schedule.now())
    if fired:
        send_reminders(get_config(app), fired)
    return len(fired)


def purge_events(app: Flask) -> int:
    """Forget live events older than the retention."""
    with db.begin() as session:
        return purge(session, retention_cutoff(schedule.now(), get_config(app).events_keep_hours))


def _safely(job: Any, app: Flask) -> None:
    try:
        job(app)
    except Exception:
        log.exception("scheduled job %s failed; it runs again at its next time", job.__name__)


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("threading"))


def build(app: Flask, blocking: bool = False) -> BaseScheduler:
    """A scheduler with the two jobs (not started): gevent-friendly in a web worker, or blocking."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick would drown the logs
    scheduler: BaseScheduler
    if blocking:
        scheduler = BlockingScheduler(timezone=UTC)
    elif _gevent_patched():
        from apscheduler.schedulers.gevent import GeventScheduler

        scheduler = GeventScheduler(timezone=UTC)
    else:
        scheduler = BackgroundScheduler(timezone=UTC)
    now = datetime.now(UTC)
    scheduler.add_job(_safely, "interval", args=[tick, app], id="fire-reminders", name="fire due reminders",
                      seconds=get_config(app).reminder_tick_seconds, next_run_time=now,
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler.add_job(_safely, "interval", args=[purge_events, app], id="purge-events",
                      name="purge old live events", hours=1, next_run_time=now, max_instances=1, coalesce=True,
                      misfire_grace_time=None)
    return scheduler


def start_embedded(app: Flask) -> BaseScheduler | None:
    """Start the scheduler in this web worker unless `SCHEDULER=off`."""
    if get_config(app).scheduler != "embedded":
        return None
    scheduler = build(app)
    scheduler.start()
    log.info("reminder scheduler running in this worker")
    return scheduler
