"""Security headers on every response. The Content-Security-Policy allows scripts, styles and connections
from Heard's own origin only: even if some post text slipped through escaping, an injected inline script or
style would not run, and no page can be framed by another site.

Pages and API answers hold customers' posts and agents' work: `Cache-Control: no-store` keeps them out of
shared caches and the browser's disk (static files keep their own caching). Over HTTPS (or in production,
behind a proxy that ends TLS) `Strict-Transport-Security` tells the browser never to come back over plain HTTP.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heard.settings import DEV_SECRET, Settings

HSTS = b"max-age=63072000; includeSubDomains"
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """Pure ASGI middleware (not BaseHTTPMiddleware, which would buffer the SSE stream)."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = list(SECURITY_HEADERS)
        if not scope["path"].startswith("/static/"):
            wanted.append((b"cache-control", b"no-store"))
        if self.hsts or scope.get("scheme") == "https":
            wanted.append((b"strict-transport-security", HSTS))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def exposure_warning(settings: Settings) -> str | None:
    """What to tell the operator who serves on a non-local address with the development secret: anyone who
    can reach the port could forge a session cookie signed with a key printed in the source."""
    if settings.host in _LOCAL_HOSTS or settings.secret_key != DEV_SECRET:
        return None
    return (
        f"warning: serving on {settings.host} with the development HEARD_SECRET_KEY: anyone who can reach this "
        "port can forge a login. Set HEARD_SECRET_KEY to a random value of 32+ characters, or serve on 127.0.0.1."
    )
