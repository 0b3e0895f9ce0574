"""Sign-up, sign-in, refresh (rotating), sign-out (revoking) and the current session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from flask_jwt_extended import (
    current_user,
    get_jwt,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import hash_password, verify_password
from app.auth.schemas import AuthOut, RefreshOut, SessionOut, SigninBody, SignupBody
from app.auth.tokens import current_session_id, issue_tokens, revoke_session
from app.errors import Conflict, Unauthorized
from app.extensions import api, db
from app.models import AuthSession, User
from app.security import (
    auth_limit,
    check_signin_backoff,
    clear_signin_failures,
    ip_key,
    limiter,
    record_signin_failure,
)
from app.validation import responses

bp = Blueprint("auth", __name__, url_prefix="/api/auth")


def user_to_dict(user: User) -> dict[str, Any]:
    """The public part of a user."""
    return {"id": user.id, "email": user.email, "name": user.name, "timezone": user.timezone}


def _with_cookies(body: dict[str, Any], status: int) -> Response:
    """JSON answer; in production mode the tokens also go out as HttpOnly cookies (CSRF-protected)."""
    resp = jsonify(body)
    resp.status_code = status
    if current_app.config["SET_AUTH_COOKIES"]:
        set_access_cookies(resp, body["access_token"])
        if "refresh_token" in body:
            set_refresh_cookies(resp, body["refresh_token"])
    return resp


def create_user(email: str, password: str, name: str = "", timezone: str = "UTC") -> User:
    """Register a user in the current session (shared by the API and `flask todo users create`)."""
    if db.session.scalar(select(User.id).where(User.email == email.lower())) is not None:
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = User(email=email.lower(), password_hash=hash_password(password), name=name, timezone=timezone)
    db.session.add(user)
    db.session.flush()
    return user


@bp.post("/signup")
@limiter.limit(auth_limit, key_func=ip_key)
@api.validate(json=SignupBody, resp=responses("HTTP_201", AuthOut, 400, 409, 413, 415, 422, 429), tags=["auth"],
              security={})
def signup(json: SignupBody) -> Response:
    """Create an account and sign in."""
    try:
        user = create_user(json.email, json.password, json.name, json.timezone)
        tokens = issue_tokens(user)
        db.session.commit()
    except IntegrityError as err:
        db.session.rollback()
        raise Conflict("An account with this email already exists.", code="email_taken") from err
    return _with_cookies({"user": user_to_dict(user), **tokens}, 201)


@bp.post("/signin")
@limiter.limit(auth_limit, key_func=ip_key)
@api.validate(json=SigninBody, resp=responses("HTTP_200", AuthOut, 400, 401, 413, 415, 422, 429), tags=["auth"],
              security={})
def signin(json: SigninBody) -> Response:
    """Exchange credentials for tokens; repeated failures for an email impose growing waits (429)."""
    check_signin_backoff(json.email)
    user = db.session.scalar(select(User).where(User.email == json.email))
    if not verify_password(user.password_hash if user else None, json.password) or user is None:
        record_signin_failure(json.email)
        raise Unauthorized("Wrong email or password.", code="invalid_credentials")
    clear_signin_failures(json.email)
    if user.disabled:
        raise Unauthorized("This account is disabled.", code="account_disabled")
    tokens = issue_tokens(user)
    db.session.commit()
    return _with_cookies({"user": user_to_dict(user), **tokens}, 200)


@bp.post("/refresh")
@jwt_required(refresh=True)
@api.validate(resp=responses("HTTP_200", RefreshOut, 401, 429, 503), tags=["auth"])
def refresh() -> Response:
    """A new access token; the refresh token rotates (the old one stops working)."""
    session = db.session.get(AuthSession, current_session_id(get_jwt()))
    tokens = issue_tokens(current_user, session)
    db.session.commit()
    return _with_cookies(tokens, 200)


@bp.post("/signout")
@jwt_required()
@api.validate(resp=responses("HTTP_204", None, 401, 429, 503), tags=["auth"])
def signout() -> Response:
    """End this session: its access and refresh tokens stop working."""
    revoke_session(current_session_id(get_jwt()))
    db.session.commit()
    resp = Response(status=204)
    unset_jwt_cookies(resp)
    return resp


@bp.get("/session")
@jwt_required()
@api.validate(resp=responses("HTTP_200", SessionOut, 401, 429, 503), tags=["auth"])
def session() -> Any:
    """Who is signed in and until when."""
    expires = datetime.fromtimestamp(get_jwt()["exp"], UTC).isoformat().replace("+00:00", "Z")
    return {"user": user_to_dict(current_user), "expires_at": expires}
