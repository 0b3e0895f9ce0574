"""A PostgreSQL database for each pytest-xdist worker, so parallel workers never share rows."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def worker_database(url: str, worker: str) -> str:
    """The URL of database `<name>_<worker>` on the server of `url`, created (empty) when missing.

    Its schema is built by the `migrated` fixture like the shared one's; the role of `url` creates it
    (`scripts/pg-test.sh` makes the test role CREATEDB)."""
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{worker}"
    conn = psycopg2.connect(urlunsplit(parts._replace(scheme="postgresql")), connect_timeout=30)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
    return urlunsplit(parts._replace(path=f"/{name}"))
