"""Issuing and checking tokens: every token belongs to an AuthSession and carries the user's token version."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, g
from flask_jwt_extended import create_access_token, create_refresh_token, jwt_required
from sqlalchemy import bindparam, select

from app.errors import error_response
from app.extensions import db, jwt
from app.models import AuthSession, User, utcnow

REQUIRED_CLAIMS = ("sub", "exp", "iat", "sid")
_TOKEN_ROWS = (
    select(User, AuthSession).join(AuthSession, AuthSession.user_id == User.id)
    .where(User.id == bindparam("sub"), AuthSession.id == bindparam("sid"))
)
"""The user and session a token names, built once: every authenticated request runs it, and building
the statement (and its cache key, memoized on the object) cost more than running it."""

P = ParamSpec("P")
R = TypeVar("R")


def token_required(
    *, refresh: bool = False, locations: Sequence[str] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """flask_jwt_extended's `jwt_required` (a valid access, or refresh, token), typed: the library returns Any."""
    decorator: Callable[[Callable[P, R]], Callable[P, R]] = jwt_required(refresh=refresh, locations=locations)
    return decorator


def issue_tokens(user: User, session: AuthSession | None = None) -> dict[str, str]:
    """A fresh access and refresh token pair for a new (or rotated) session."""
    if session is None:
        session = AuthSession(id=secrets.token_urlsafe(16), user_id=user.id, refresh_jti="")
        db.session.add(session)
    session.refresh_jti = secrets.token_urlsafe(16)
    claims = {"sid": session.id, "ver": user.token_version}
    access = create_access_token(identity=user.id, additional_claims=claims)
    refresh = create_refresh_token(
        identity=user.id, additional_claims={**claims, "rjti": session.refresh_jti}
    )
    return {"access_token": access, "refresh_token": refresh}


LATEST_TIMESTAMP = 253_402_300_799
"""The last second of the year 9999: a later `exp` or `iat` cannot be a real token's."""


def _well_formed(payload: dict[str, Any]) -> bool:
    """Claims of the types this app signs: a forged token with `sid` a dict or `exp` 10**30 is no token."""
    strings = all(isinstance(payload.get(claim), str) for claim in ("sub", "sid"))
    times = (payload.get("exp"), payload.get("iat"))
    return strings and all(type(t) is int and 0 < t <= LATEST_TIMESTAMP for t in times)


def _is_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    """A token stops working when its session is signed out, the user disabled or their tokens revoked.

    Tokens must also carry `sub`, `exp` and `iat`; one without them is treated as revoked.
    """
    if not all(payload.get(claim) for claim in REQUIRED_CLAIMS) or not _well_formed(payload):
        return True
    row = db.session.execute(_TOKEN_ROWS, {"sub": payload["sub"], "sid": payload["sid"]}).first()
    if row is None:
        return True
    user, session = row
    g.token_user = user  # `_load_user` hands this one on: the identity map holds rows only weakly
    if user.disabled or payload.get("ver") != user.token_version or session.revoked_at is not None:
        return True
    if payload.get("type") == "refresh" and payload.get("rjti") != session.refresh_jti:
        # An old refresh token came back: someone replayed it. Revoke the whole session.
        session.revoked_at = utcnow()
        db.session.commit()
        return True
    return False


def _load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
    """The token's user: the row the revocation check just read (no second query), else by key."""
    user = g.pop("token_user", None)
    if isinstance(user, User) and user.id == payload.get("sub"):
        return user
    return db.session.get(User, payload.get("sub"))


def current_session_id(payload: dict[str, Any]) -> str:
    """The AuthSession id of a verified token."""
    return str(payload.get("sid", ""))


def revoke_session(session_id: str) -> None:
    """Sign a session out: its access and refresh tokens stop working."""
    session = db.session.scalar(select(AuthSession).where(AuthSession.id == session_id))
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()


def _json_error(status: int, code: str) -> Any:
    def handler(*args: Any) -> tuple[Response, int]:
        message = next((a for a in args if isinstance(a, str)), None) or code.replace("_", " ")
        return error_response(status, code, message)

    return handler


def init_jwt(app: Flask) -> None:
    """Hook flask-jwt-extended's callbacks into the app: revocation, user loading, JSON errors."""
    jwt.init_app(app)
    jwt.token_in_blocklist_loader(_is_revoked)
    jwt.user_lookup_loader(_load_user)
    jwt.unauthorized_loader(_json_error(401, "unauthorized"))
    jwt.invalid_token_loader(_json_error(401, "invalid_token"))
    jwt.expired_token_loader(lambda _h, _p: error_response(401, "token_expired", "The token has expired."))
    jwt.revoked_token_loader(lambda _h, _p: error_response(401, "token_revoked", "The token was revoked."))
    jwt.needs_fresh_token_loader(lambda _h, _p: error_response(401, "fresh_token_required", "Sign in again."))
    jwt.user_lookup_error_loader(lambda _h, _p: error_response(401, "unauthorized", "Unknown user."))
    jwt.token_verification_failed_loader(
        lambda _h, _p: error_response(401, "invalid_token", "The token failed verification.")
    )
