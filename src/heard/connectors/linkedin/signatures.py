"""LinkedIn webhooks: the challenge LinkedIn sends to validate the URL (and again every two hours), and the
`X-LI-Signature` on deliveries, an HMAC-SHA256 of "hmacsha256=" + the raw body with the app's client secret."""

from __future__ import annotations

import hashlib
import hmac


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def challenge_response(client_secret: str, challenge_code: str) -> dict[str, str]:
    return {"challengeCode": challenge_code, "challengeResponse": _hex(client_secret, challenge_code.encode())}


def signature_ok(client_secret: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    return hmac.compare_digest(_hex(client_secret, b"hmacsha256=" + body), header.strip().lower())
