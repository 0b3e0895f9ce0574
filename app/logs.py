"""Logging: JSON lines with the request id (production) or readable text (developer mode).

What is logged never includes passwords, tokens or what users typed: handlers log event
names, ids and error classes, not bodies.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, g, has_request_context
from pythonjsonlogger.json import JsonFormatter

from app.config import get_config


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and the path) to every record logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            from flask import request

            record.request_id = g.get("request_id", "")
            record.path = request.path
        else:
            record.request_id = ""
        return True


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, configured once per process."""
    root = logging.getLogger()
    if getattr(root, "_todo_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    cfg = get_config(app)
    if cfg.log_format == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                           rename_fields={"levelname": "level", "asctime": "time"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    root.handlers[:] = [handler]
    root.setLevel(cfg.log_level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if cfg.production:
        _quiet_sdk_data()
    root._todo_configured = True  # type: ignore[attr-defined]  # our own marker on the root logger


def _quiet_sdk_data() -> None:
    """The Agents SDK logs model and tool data at debug level; production never writes what users typed."""
    from agents import _debug

    _debug.DONT_LOG_MODEL_DATA = True
    _debug.DONT_LOG_TOOL_DATA = True
    for name in ("openai.agents", "openai", "mcp"):
        logging.getLogger(name).setLevel(logging.WARNING)
