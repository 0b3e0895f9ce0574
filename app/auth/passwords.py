"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a real password, used to keep sign-in timing even")


def _off_the_hub(fn: Callable[[*Ts], T], *args: *Ts) -> T:
    """Run CPU-heavy argon2 in gevent's thread pool when the process is patched.

    argon2 spends tens of milliseconds of CPU (releasing the GIL); run inline under gevent it
    would freeze every stream of the worker for that long on each sign-in.
    """
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _off_the_hub(_hasher.hash, password)


def _matches(stored: str, password: str) -> bool:
    """argon2's verify as a boolean, so a mismatch is not an exception in the thread pool.

    gevent's pool prints every exception raised in it as a traceback to stderr, which would
    put multi-line non-JSON text in the logs on each failed sign-in.
    """
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches; spends the same time when there is no such user."""
    return _off_the_hub(_matches, stored or _DUMMY, password) and stored is not None
