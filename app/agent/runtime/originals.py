"""The stdlib functions as they were before gevent patched them, for the loop thread and its helpers.

The loop thread is a real OS thread whose gevent hub is dormant: a patched call made there
would park in that hub (and may never wake) or spawn a greenlet that never runs. gevent's
``get_original`` gives the saved original once a module has been patched and the current
object otherwise, so these are the real stdlib functions whether this package is imported
before or after gunicorn's worker patches the process.
"""

from __future__ import annotations

from gevent import monkey

# One name per call: types-gevent declares `get_original(str, str)` only (gevent also takes a list).
start_new_thread = monkey.get_original("_thread", "start_new_thread")
"""Starts a real OS thread (the patched one spawns a greenlet)."""
allocate_lock = monkey.get_original("_thread", "allocate_lock")
"""A native lock: blocks the OS thread, never parks in a gevent hub."""
get_ident = monkey.get_original("_thread", "get_ident")
"""The OS thread's id (the patched one names the greenlet)."""
getaddrinfo = monkey.get_original("socket", "getaddrinfo")
"""Blocking DNS, run in a pool thread (the patched one resolves through the calling thread's hub)."""
waitpid = monkey.get_original("os", "waitpid")
"""Reaps a child (the patched one cooperates with gevent's child watchers, which work only in the main hub)."""
close = monkey.get_original("os", "close")
"""Closes a descriptor right away (the patched one defers it to the hub's next turn)."""
