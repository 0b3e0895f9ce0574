"""flask-jwt-extended's JWTManager, remembering the tokens whose signature it verified.

Every authenticated request decodes its bearer token, and flask-jwt-extended does it three times over
(the claims unverified to find the key, the header, then the verified decode); PyJWT checks each base64
segment character by character in Python. That was about a third of a millisecond per request, the same
token every time for its 15 minutes. A verified token's claims cannot change, so this manager keeps them,
keyed by the token and everything the verification depended on (the key, algorithms, audience, issuer,
leeway, CSRF value). What can change is time: a kept token past its `exp` (beyond the leeway) is verified
anew, so it fails exactly as before. Revocation is not the decode's business: the blocklist check still
runs on every request.
"""

from __future__ import annotations

import time
from typing import Any

from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config

KEPT_TOKENS = 4096
"""Verified tokens a process keeps (the oldest goes first); a few hundred bytes each."""


class TokenManager(JWTManager):
    """A JWTManager whose decode of a token it already verified is a dictionary lookup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verified: dict[tuple[Any, ...], dict[str, Any]] = {}
        """Claims of verified tokens, by token and verification settings."""

    def _decode_jwt_from_config(self, encoded_token: str, csrf_value: Any = None,
                                allow_expired: bool = False) -> dict[str, Any]:
        key = (encoded_token, csrf_value, allow_expired, config.decode_key, tuple(config.decode_algorithms),
               str(config.decode_audience), config.decode_issuer, config.leeway, config.identity_claim_key,
               config.verify_sub)
        claims = self._verified.get(key)
        if claims is not None and (allow_expired or not _expired(claims, config.leeway)):
            return dict(claims)
        self._verified.pop(key, None)
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if len(self._verified) >= KEPT_TOKENS:
            self._verified.pop(next(iter(self._verified)))
        self._verified[key] = dict(claims)
        return claims


def _expired(claims: dict[str, Any], leeway: Any) -> bool:
    """PyJWT's own test: `exp` at or before now minus the leeway."""
    exp = claims.get("exp")
    if exp is None:
        return False
    seconds = leeway.total_seconds() if hasattr(leeway, "total_seconds") else leeway
    return bool(exp <= time.time() - seconds)
