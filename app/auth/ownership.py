"""The one owner check: every route under /api/<user_id>/ goes through `owner_required`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_jwt_extended import current_user, get_jwt, verify_jwt_in_request

from app.errors import Forbidden
from app.models import User

F = TypeVar("F", bound=Callable[..., Any])


def owner_required(view: F) -> F:
    """Require a valid access token whose subject is the path's `user_id` (403 otherwise).

    The view receives the authenticated `User` as `user` instead of the raw `user_id`;
    every query it makes is then filtered by that user.
    """

    @wraps(view)
    def wrapper(*args: Any, user_id: str, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        if get_jwt().get("sub") != user_id:
            raise Forbidden("This token does not belong to that user.")
        return view(*args, user=cast(User, current_user), **kwargs)

    return cast(F, wrapper)
