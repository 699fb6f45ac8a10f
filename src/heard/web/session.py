"""Login sessions and CSRF, enforced for every request in one place (a pure ASGI middleware), so no route can
forget them.

The session is a cookie signed with settings.secret_key (itsdangerous), HttpOnly, SameSite=Lax, Secure in
production. It carries the agent id, a fingerprint of the agent's password hash (changing a password ends
every session; checked by `heard.web.auth`), the CSRF token, and is re-signed as it is used so an active agent
stays logged in while an idle one is logged out after `MAX_AGE_S`.

CSRF: every request that is not GET/HEAD/OPTIONS must carry the session's token in the X-CSRF-Token header
(htmx sends it, from the csrf-token meta tag, see static/heard.js) or a `csrf_token` form field, and an Origin
header, when the browser sends one, must be this host.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_AGE_S = 12 * 3600
RESIGN_AFTER_S = 15 * 60
MAX_FORM_BYTES = 1_000_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Reachable without logging in. The public knowledge base will add its prefix here. Webhooks are called by
#: the networks, which prove who they are with signatures the connector checks, not with a session.
PUBLIC_PREFIXES = ("/login", "/static/", "/healthz", "/webhooks/", "/kb/")
#: Unsafe requests that need no CSRF token: no browser session is involved (see above).
CSRF_EXEMPT_PREFIXES = ("/webhooks/",)
#: The HTTP API authenticates every request with a bearer token (heard.web.api_auth) and never reads or writes
#: the cookie, so a logged-in browser cannot be tricked into calling it: there is no CSRF to check there.
API_PREFIX = "/api/"


@dataclass(frozen=True, slots=True)
class SessionData:
    csrf: str
    agent_id: int | None = None
    fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"c": self.csrf, "a": self.agent_id, "f": self.fingerprint}


def new_session() -> SessionData:
    return SessionData(csrf=secrets.token_urlsafe(32))


class SessionCodec:
    def __init__(self, secret_key: str, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="heard.session")
        self.secure = secure
        self.cookie_name = "__Host-heard_session" if secure else "heard_session"

    def load(self, cookie: str | None) -> tuple[SessionData | None, float]:
        """The session and its age in seconds; None when absent, forged, malformed or expired."""
        if not cookie or len(cookie) > 4096:
            return None, 0.0
        try:
            data, signed_at = self._serializer.loads(cookie, max_age=MAX_AGE_S, return_timestamp=True)
            agent = data.get("a")
            session = SessionData(str(data["c"]), int(agent) if agent is not None else None, str(data.get("f", "")))
        except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
            return None, 0.0
        return session, time.time() - signed_at.timestamp()

    def cookie(self, session: SessionData | None) -> str:
        attributes = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
        if session is None:
            return f"{self.cookie_name}=; Max-Age=0; {attributes}"
        value = self._serializer.dumps(session.to_dict())
        return f"{self.cookie_name}={value}; Max-Age={MAX_AGE_S}; {attributes}"


def is_public(path: str) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p) for p in PUBLIC_PREFIXES)


def login_redirect(scope: Scope) -> Response:
    headers = Headers(scope=scope)
    path = scope.get("path", "/")
    query = scope.get("query_string", b"").decode("latin-1")
    target = "/login?next=" + quote(path + (f"?{query}" if query else ""), safe="")
    if headers.get("hx-request"):
        return PlainTextResponse("Log in first.", status_code=401, headers={"HX-Redirect": target})
    if scope.get("method") in SAFE_METHODS and path != "/events":
        return RedirectResponse(target, status_code=303)
    return PlainTextResponse("Log in first.", status_code=401)


LOGGED_OUT = "You are logged out: log in again, then repeat this (what you typed is still on the page)."


def logged_out(_scope: Scope) -> Response:
    """An action from a page whose session has ended; htmx shows the text where the agent acted (no redirect:
    the draft on the page stays)."""
    return PlainTextResponse(LOGGED_OUT, status_code=401)


def origin_ok(headers: Headers) -> bool:
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == headers.get("host", "")


class SessionMiddleware:
    """Loads the session into scope["state"]["session"], refuses what must be refused, writes the cookie."""

    def __init__(self, app: ASGIApp, codec: SessionCodec) -> None:
        self.app = app
        self.codec = codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = _cookies(headers.get("cookie", ""))
        loaded, age = self.codec.load(cookies.get(self.codec.cookie_name))
        session = loaded or new_session()
        state = scope.setdefault("state", {})
        state["session"] = session
        if session.agent_id is None and not is_public(scope["path"]) and scope["method"] not in SAFE_METHODS:
            # Checked before CSRF: a page kept from before logout (the back button) posts an old token, and the
            # agent must read why nothing happened, not a token error.
            await logged_out(scope)(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and not scope["path"].startswith(CSRF_EXEMPT_PREFIXES):
            refusal, receive = await _check_csrf(scope, receive, headers, session)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        if session.agent_id is None and not is_public(scope["path"]):
            await login_redirect(scope)(scope, receive, send)
            return
        resign = loaded is None or age > RESIGN_AFTER_S

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = state.get("session")
                if resign or current is not session:
                    cookie = self.codec.cookie(current).encode("latin-1")
                    message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in out:
            out[name] = value
    return out


async def _check_csrf(
    scope: Scope, receive: Receive, headers: Headers, session: SessionData
) -> tuple[Response | None, Receive]:
    if not origin_ok(headers):
        return PlainTextResponse("Cross-origin request refused.", status_code=403), receive
    token = headers.get("x-csrf-token")
    if token is None and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body, receive = await _buffer_body(receive)
        if body is None:
            return PlainTextResponse("Form too large.", status_code=413), receive
        token = _form_token(body)
    if token is None or not hmac.compare_digest(token.encode(), session.csrf.encode()):
        return PlainTextResponse("Missing or wrong CSRF token: reload the page.", status_code=403), receive
    return None, receive


def _form_token(body: bytes) -> str | None:
    try:
        values = parse_qs(body.decode("latin-1"), max_num_fields=200).get("csrf_token", [])
    except ValueError:  # too many fields: not a form of ours
        return None
    return values[0] if values else None


async def _buffer_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """Reads the whole (small) form body, and returns a receive that hands it to the app again."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def start_session(state: Any, agent_id: int, fingerprint: str) -> None:
    """Log in: a new session (new CSRF token, so a token seen before login is worthless after)."""
    state.session = replace(new_session(), agent_id=agent_id, fingerprint=fingerprint)


def end_session(state: Any) -> None:
    state.session = None
