"""When a channel's access token is due for renewal, and what a renewal hands back to be stored.

Networks give short-lived access tokens (X 2 h, Google 1 h, Reddit 1 h or 24 h, Bluesky's access JWT 2 h) and
a refresh token to get the next one. Each connector renews `RENEW_AHEAD_S` before the stored expiry and once on
the network's expired-token answer; what the renewal returned (a new access token, often a new refresh token:
X and Reddit rotate them) goes into `Connector.renewed`, which the listen loop and the publisher store back
into the channel, encrypted like every credential. A renewal the network refuses raises `ReconnectNeeded`.
"""

from __future__ import annotations

from typing import Any

from heard.clock import Clock

#: renew this long before the stored expiry, so a read or a publish never starts with a token about to lapse
RENEW_AHEAD_S = 300.0


def expires_at(clock: Clock, expires_in: Any) -> float | None:
    """The epoch second a token given `expires_in` seconds from now lapses (None when the network did not say)."""
    try:
        return clock.now().timestamp() + float(expires_in)
    except (TypeError, ValueError):
        return None


def renewal_due(clock: Clock, stored_expiry: Any) -> bool:
    """True when the stored expiry (epoch seconds) is within `RENEW_AHEAD_S`; unknown expiry: not due (the
    network's expired-token answer will say so)."""
    try:
        expiry = float(stored_expiry)
    except (TypeError, ValueError):
        return False
    return clock.now().timestamp() >= expiry - RENEW_AHEAD_S
