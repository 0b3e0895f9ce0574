"""Each request dispatched in a greenlet of its own, so that a long stream holds only a shallow one.

CPython 3.11 gives every greenlet its own stack of Python frames: a 16 KB chunk, taken from the OS a page at a
time as calls go deeper, and kept for as long as the greenlet lives. gunicorn's gevent worker dispatches a
request (Flask, the JWT check, SQLAlchemy, pydantic: deep) and then writes its response from the same
greenlet, the connection's. A streamed chat reply keeps that greenlet waiting for minutes, and with it every
page the dispatch touched. `DispatchInOwnGreenlet` runs the app's dispatch in a greenlet that ends when the
response object is returned, and frees its frames then; the connection's greenlet only iterates the response's
body, a few calls deep. With 600 slow chat streams on one worker this saves about 5 KB per stream; it costs
one short greenlet per request.

gunicorn's entry point (`wsgi.py`) installs it: under gevent only, where requests run in greenlets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import gevent
from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


@dataclass(frozen=True)
class _Failed:
    """What the dispatch raised, handed to the caller to raise (gevent's hub would also print it as a crash)."""

    error: Exception
    """The exception."""


class DispatchInOwnGreenlet:
    """WSGI middleware: `app(environ, start_response)` in a new greenlet, waited for by the caller."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        """The WSGI application dispatched (Flask's `wsgi_app`)."""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        dispatch = gevent.spawn(self._dispatch, environ, start_response)
        try:
            outcome = dispatch.get()
        finally:
            if not dispatch.dead:  # the caller was interrupted (the worker is stopping): stop the dispatch too
                dispatch.kill(block=False)
        if isinstance(outcome, _Failed):
            raise outcome.error
        return outcome

    def _dispatch(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes] | _Failed:
        try:
            return self.app(environ, start_response)
        except Exception as error:
            return _Failed(error)


def install(flask_app: Flask) -> None:
    """Dispatch every request of `flask_app` in a greenlet of its own (call once, under gevent)."""
    flask_app.wsgi_app = DispatchInOwnGreenlet(flask_app.wsgi_app)  # type: ignore[method-assign]
