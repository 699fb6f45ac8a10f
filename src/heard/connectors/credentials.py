"""Credentials at rest: each secret option of a channel is sealed (`heard.sealing`: Fernet under a key derived
from `settings.secret_key`), so the database and its backups never hold a token
in the clear. Changing the secret key makes stored credentials unreadable; `decrypt_options` says so. A value
written `env:NAME` is kept as that reference and read from the environment when the connector is built.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from heard.connectors.failures import Misconfigured
from heard.sealing import PREFIX, Unsealable, seal, unseal

ENV_PREFIX = "env:"
#: Option names that are always treated as secrets, whatever the connector declares.
SECRET_NAMES = frozenset(
    {
        "token",
        "access_token",
        "bearer_token",
        "user_token",
        "refresh_token",
        "app_password",
        "password",
        "client_secret",
        "consumer_secret",
        "app_secret",
        "api_key",
        "verify_token",
        "page_token",
        "session",
    }
)


def encrypt_options(options: Mapping[str, Any], secret_key: str, secret_names: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of `options` with every secret value encrypted (values already encrypted are kept)."""
    names = SECRET_NAMES | set(secret_names)
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key in names and isinstance(value, str) and value and not value.startswith((PREFIX, ENV_PREFIX)):
            out[key] = seal(value, secret_key)
        else:
            out[key] = value
    return out


def decrypt_options(
    options: Mapping[str, Any], secret_key: str, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A copy of `options` with every encrypted value readable again, and every `env:NAME` value read from the
    environment (so a deployment can keep credentials in its secret store instead of the database)."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for key, value in options.items():
        if isinstance(value, str) and value.startswith(ENV_PREFIX):
            name = value[len(ENV_PREFIX) :]
            if not env.get(name):
                raise Misconfigured(f"option {key!r} is to come from the environment variable {name}, which is not set")
            out[key] = env[name]
        elif isinstance(value, str) and value.startswith(PREFIX):
            try:
                out[key] = unseal(value, secret_key)
            except Unsealable as exc:
                raise Misconfigured(
                    f"option {key!r} cannot be decrypted: HEARD_SECRET_KEY changed since it was stored; "
                    "add the channel's credentials again"
                ) from exc
        else:
            out[key] = value
    return out


def redacted(options: Mapping[str, Any], secret_names: Iterable[str] = ()) -> dict[str, Any]:
    """Options safe to print or log: secrets become '***'."""
    names = SECRET_NAMES | set(secret_names)
    return {k: ("***" if k in names and v else v) for k, v in options.items()}
