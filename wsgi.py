"""The WSGI entry point for gunicorn: gevent monkey-patching first, then the app, each request dispatched in a
greenlet of its own (app/dispatch_greenlet.py)."""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()

from app import create_app, dispatch_greenlet  # noqa: E402
from app.config import ConfigError  # noqa: E402

try:
    app = create_app()
except ConfigError as err:
    print(f"Todo Assistant cannot start: {err}", file=sys.stderr)
    sys.exit(3)
dispatch_greenlet.install(app)
