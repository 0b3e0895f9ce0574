"""Sign-up, sign-in, refresh (rotating), sign-out (revoking) and the current session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import (
    current_user,
    get_jwt,
    get_jwt_request_location,
    set_refresh_cookies,
    unset_refresh_cookies,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import verify_password
from app.auth.schemas import AuthOut, RefreshOut, SessionOut, SigninBody, SignupBody
from app.auth.tokens import current_session_id, issue_tokens, revoke_session, token_required
from app.auth.users import create_user, user_to_dict
from app.config import get_config
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


BODY_TOKEN_HEADER = "X-Refresh-Token"
"""Non-browser clients send `X-Refresh-Token: body` to get the refresh token in the JSON body."""


def _token_response(body: dict[str, Any], status: int, in_body: bool) -> Response:
    """A token answer, never cached.

    The refresh token goes either in the body (`in_body`: a client that asked for it, or that
    refreshed with a bearer token) or in an HttpOnly, SameSite=Strict cookie scoped to
    /api/auth that lives as long as the token; page JavaScript never sees it.
    """
    refresh_token = body.pop("refresh_token")
    if in_body:
        body["refresh_token"] = refresh_token
    resp = jsonify(body)
    resp.status_code = status
    if not in_body:
        lifetime = get_config().refresh_token_lifetime
        set_refresh_cookies(resp, refresh_token, max_age=int(lifetime.total_seconds()))
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    return resp


def _wants_body_token() -> bool:
    return request.headers.get(BODY_TOKEN_HEADER, "").strip().lower() == "body"


@bp.post("/signup")
@limiter.shared_limit(auth_limit, scope="auth", key_func=ip_key)
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
    return _token_response({"user": user_to_dict(user), **tokens}, 201, _wants_body_token())


@bp.post("/signin")
@limiter.shared_limit(auth_limit, scope="auth", key_func=ip_key)
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
    return _token_response({"user": user_to_dict(user), **tokens}, 200, _wants_body_token())


@bp.post("/refresh")
@token_required(refresh=True, locations=["headers", "cookies"])
@api.validate(resp=responses("HTTP_200", RefreshOut, 401, 429, 503), tags=["auth"])
def refresh() -> Response:
    """A new access token; the refresh token rotates (the old one stops working).

    Send the refresh token as a Bearer token (the rotated one comes back in the body) or let the
    browser send its cookie with the `X-CSRF-TOKEN` header (the rotated one comes back as a cookie).
    """
    session = db.session.get(AuthSession, current_session_id(get_jwt()))
    tokens = issue_tokens(current_user, session)
    db.session.commit()
    return _token_response(tokens, 200, get_jwt_request_location() == "headers")


@bp.post("/signout")
@token_required()
@api.validate(resp=responses("HTTP_204", None, 401, 429, 503), tags=["auth"])
def signout() -> Response:
    """End this session: its access and refresh tokens stop working."""
    revoke_session(current_session_id(get_jwt()))
    db.session.commit()
    resp = Response(status=204)
    unset_refresh_cookies(resp)
    return resp


@bp.get("/session")
@token_required()
@api.validate(resp=responses("HTTP_200", SessionOut, 401, 429, 503), tags=["auth"])
def session() -> Any:
    """Who is signed in and until when."""
    expires = datetime.fromtimestamp(get_jwt()["exp"], UTC).isoformat().replace("+00:00", "Z")
    return {"user": user_to_dict(current_user), "expires_at": expires}
