"""What can go wrong talking to a network, sorted by what the caller should do about it.

`Transient` failures (rate limits, outages) are retried later; the others need a person (credentials,
configuration). Messages never carry credentials: they are built from status codes and response bodies only.
"""

from __future__ import annotations

from heard.errors import HeardError


class ConnectorFailure(HeardError):
    """A network call failed; `health` is the channel health the listen loop shows for it."""

    health = "error"


class Transient(ConnectorFailure):
    """Try again after `retry_after_s` seconds."""

    health = "down"

    def __init__(self, reason: str, retry_after_s: float) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class RateLimited(Transient):
    """The network said 429 (or its quota is spent); `retry_after_s` comes from its reset headers."""

    health = "rate_limited"


class Unavailable(Transient):
    """A 5xx, a timeout or a refused connection."""

    health = "down"


class AuthFailed(ConnectorFailure):
    """401/403: the token is wrong, expired or lacks a permission. A person must fix the channel."""

    health = "auth_failed"


class ApiRejected(ConnectorFailure):
    """Any other 4xx: the request itself is wrong (a deleted post, a bad parameter)."""

    health = "error"


class Misconfigured(ConnectorFailure):
    """The channel lacks an option it needs (an instance URL, a page id, a token)."""

    health = "misconfigured"


class ReconnectNeeded(AuthFailed):
    """The network refused to renew the channel's credentials (the refresh token was revoked or expired, the
    app password changed): only a person connecting the account again can fix it, so the channel stops
    retrying and says so in health and the channels page."""

    health = "reconnect_needed"
