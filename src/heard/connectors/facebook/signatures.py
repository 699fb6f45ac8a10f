"""Meta webhooks: the `X-Hub-Signature-256` on every delivery and the subscription handshake.

Meta signs the raw body bytes exactly as sent (non-ASCII escaped as \\uXXXX); a body parsed and serialised again
no longer matches, so verification runs on the bytes received, before any parsing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(app_secret, body), header.strip().lower())


def handshake(params: Mapping[str, str], verify_token: str) -> str | None:
    """The `hub.challenge` to echo when Meta verifies the callback URL, or None to answer 403."""
    if params.get("hub.mode") != "subscribe":
        return None
    offered = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(offered.encode("utf-8"), verify_token.encode("utf-8")):
        return None
    challenge = params.get("hub.challenge")
    return challenge if challenge else None
