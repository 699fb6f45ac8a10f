"""Secrets at rest, one way for all of them: channel credentials, outgoing-webhook signing secrets, alert-rule
webhook secrets. Each is sealed with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from
`settings.secret_key`, and stored as "enc:v1:<token>", so the database and its backups never hold one in the
clear. Changing HEARD_SECRET_KEY makes sealed values unreadable (`Unsealable` says so).

The library is `cryptography`'s Fernet, which the channel credentials used before this module existed; the
key derivation is theirs unchanged, so credentials stored before still open. A value without the prefix was
stored before sealing existed and is returned as it is (it is sealed again the next time it is written).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "enc:v1:"


class Unsealable(ValueError):
    """A sealed value that this secret key cannot open (the key changed since it was sealed, or it was altered)."""


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"heard-credentials:" + secret_key.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(value: str, secret_key: str) -> str:
    """`value` sealed (a value already sealed is kept as it is)."""
    if is_sealed(value):
        return value
    return PREFIX + _fernet(secret_key).encrypt(value.encode("utf-8")).decode("ascii")


def unseal(value: str, secret_key: str) -> str:
    """The value sealed in `value`; a value stored before sealing existed comes back unchanged."""
    if not is_sealed(value):
        return value
    try:
        return _fernet(secret_key).decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise Unsealable("HEARD_SECRET_KEY changed since this secret was stored, or it was altered") from exc
