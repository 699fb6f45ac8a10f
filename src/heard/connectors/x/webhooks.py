"""X webhooks (Account Activity API and webhook-delivered filtered stream): the CRC challenge X sends to
prove Heard holds the consumer secret, and the signature on every delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _sign(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode("ascii")


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The JSON body answering `GET <webhook>?crc_token=...`."""
    return {"response_token": _sign(consumer_secret, crc_token.encode("utf-8"))}


def signature_ok(consumer_secret: str, body: bytes, header: str | None) -> bool:
    """True when `x-twitter-webhooks-signature` matches the raw body (compared in constant time)."""
    if not header:
        return False
    return hmac.compare_digest(_sign(consumer_secret, body), header.strip())
