"""`heard bench inbox`: the inbox and a conversation page under concurrent requests, on a large SQLite database.

The database is filled straight into the tables (bulk inserts, not the pipeline: this measures reading), the
app is served by uvicorn in a subprocess (so the load generator does not share its interpreter), and a thread
pool of httpx clients asks for the first inbox page, then conversation pages, on loopback. Server-side time
comes from a Server-Timing header the served app adds; end to end is measured by the client.
"""

from __future__ import annotations

import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from heard.db.engine import make_engine
from heard.db.migrate import upgrade
from heard.schema import MODEL_MODULES
from heard.web.server import answers

assert MODEL_MODULES  # every mapper known before the migration runs

#: Issue 20's targets, end to end at the bench's concurrency on one web process.
TARGET_P95_MS = 50.0
TARGET_CONVERSATION_P95_MS = 30.0
TARGET_RPS = 300.0
_TIME = "%Y-%m-%d %H:%M:%S.%f"
_NETWORKS = ("x", "x", "x", "mastodon", "bluesky", "reddit", "facebook")
_STATUSES = ("open",) * 6 + ("pending", "snoozed", "resolved", "resolved")
_WORDS = (
    "my parcel never arrived and nobody answers",
    "flight 1234 was cancelled again, what now",
    "love the new app, thanks team",
    "why is my account locked after the update",
    "refund still not here after three weeks",
    "the train was 40 minutes late this morning",
    "can I change my booking online",
    "your support chat keeps disconnecting",
)


def run(
    posts: int, conversations: int, requests: int, concurrency: int, seconds: float, database: Path | None = None
) -> dict[str, Any]:
    """Fill a SQLite database (or reuse `database`), then measure p50/p95/p99 of the inbox and conversation pages
    served by uvicorn in a subprocess, `requests` of each kind from `concurrency` clients within `seconds`."""
    with tempfile.TemporaryDirectory() as tmp:
        path = database or Path(tmp) / "bench-inbox.db"
        fill_s = None
        if not path.exists():
            started = time.perf_counter()
            fill(path, posts, conversations)
            fill_s = round(time.perf_counter() - started, 1)
        else:
            migrate(path)  # a file kept from an earlier run gets any index added since
        figures: dict[str, Any] = {
            "posts": posts,
            "conversations": conversations,
            "fill_s": fill_s,
            "db_mb": round(path.stat().st_size / 2**20, 1),
            "concurrency": concurrency,
        }
        ensure_agent(path)
        with served(path) as (url, pid):
            cookies = login(url)
            figures["inbox_first_page"] = measure(lambda _: "/", url, cookies, requests, concurrency, seconds, pid)
            rng = random.Random(11)
            pick: Callable[[int], str] = lambda _: f"/conversations/{rng.randint(1, conversations)}"  # noqa: E731
            figures["conversation_page"] = measure(pick, url, cookies, requests, concurrency, seconds, pid)
            figures["server_rss_mb"] = rss_mb(pid)
            figures["server_rss_anon_mb"] = rss_mb(pid, "RssAnon")
        figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
        inbox, conversation = figures["inbox_first_page"], figures["conversation_page"]
        figures["target_p95_ms"] = TARGET_P95_MS
        figures["inbox_p95_ok"] = inbox["e2e_ms"]["p95"] <= TARGET_P95_MS
        figures["target_rps"] = TARGET_RPS
        figures["inbox_rps_ok"] = inbox["rps"] >= TARGET_RPS
        figures["target_conversation_p95_ms"] = TARGET_CONVERSATION_P95_MS
        figures["conversation_p95_ok"] = conversation["e2e_ms"]["p95"] <= TARGET_CONVERSATION_P95_MS
    return figures


# --- filling -------------------------------------------------------------------------------------------------


def migrate(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()


def fill(path: Path, posts: int, conversations: int) -> None:
    """Migrate a fresh file, then insert conversations, posts and their messages in big transactions."""
    migrate(path)

    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    rng = random.Random(7)
    now = datetime.now(UTC).replace(tzinfo=None)
    per = max(1, posts // max(1, conversations))
    extra = posts - per * conversations
    post_id = 0
    for start in range(0, conversations, 10_000):
        chunk = range(start + 1, min(conversations, start + 10_000) + 1)
        conv_rows, post_rows, message_rows = [], [], []
        for cid in chunk:
            count = per + (1 if cid <= extra else 0)
            conv, thread = _conversation(rng, cid, count, now)
            conv_rows.append(conv)
            for is_brand, at, text in thread:
                post_id += 1
                post_rows.append(_post(post_id, cid, is_brand, at, text, rng))
                message_rows.append(_message(post_id, cid, is_brand, at, text))
        _insert(db, "conversations", conv_rows)
        _insert(db, "posts", post_rows)
        _insert(db, "messages", message_rows)
        db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def _insert(db: Any, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    marks = ", ".join("?" for _ in columns)
    db.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [tuple(r[c] for c in columns) for r in rows],
    )


def _conversation(
    rng: random.Random, cid: int, count: int, now: datetime
) -> tuple[dict[str, Any], list[tuple[bool, datetime, str]]]:
    started = now - timedelta(seconds=rng.randint(60, 30 * 86_400))
    thread, at = [], started
    for i in range(count):
        thread.append((i % 2 == 1, at, f"{rng.choice(_WORDS)} #{cid}-{i}"))
        at += timedelta(seconds=rng.randint(30, 3600))
    last_in = max(t for brand, t, _ in thread if not brand)
    outs = [t for brand, t, _ in thread if brand]
    waiting = None if outs and outs[-1] > last_in else last_in
    conv = {
        "id": cid,
        "network": rng.choice(_NETWORKS),
        "root_external_id": f"root-{cid}",
        "status": rng.choice(_STATUSES),
        "priority": 1 if rng.random() < 0.01 else 0,
        "urgency": rng.choice((None, None, 0, 1, 2, 3)),
        "first_customer_text": thread[0][2],
        "customer_handle": f"customer{cid}",
        "incoming_count": sum(1 for b, _, _ in thread if not b),
        "outgoing_count": len(outs),
        "created_at": _t(started),
        "last_activity_at": _t(thread[-1][1]),
        "last_incoming_at": _t(last_in),
        "last_outgoing_at": _t(outs[-1]) if outs else None,
        "waiting_since": _t(waiting) if waiting else None,
    }
    return conv, thread


def _post(pid: int, cid: int, is_brand: bool, at: datetime, text: str, rng: random.Random) -> dict[str, Any]:
    return {
        "id": pid,
        "network": "x",
        "external_id": f"p{pid}",
        "channel": "bench",
        "author_id": "brand" if is_brand else f"c{cid}",
        "author_handle": "brand" if is_brand else f"customer{cid}",
        "is_brand": is_brand,
        "is_public": True,
        "text": text,
        "truncated": False,
        "hashtags": "[]",
        "mentions": "[]",
        "urls": "[]",
        "intents": "[]",
        "urgency_reasons": "[]",
        "created_at": _t(at),
        "ingested_at": _t(at),
        "conversation_id": cid,
        "complaint": None if is_brand else round(rng.random(), 3),
        "sentiment": None if is_brand else rng.choice(("negative", "neutral", "positive")),
    }


def _message(pid: int, cid: int, is_brand: bool, at: datetime, text: str) -> dict[str, Any]:
    return {
        "id": pid,
        "conversation_id": cid,
        "post_id": pid,
        "direction": "outgoing" if is_brand else "incoming",
        "author_handle": "brand" if is_brand else f"customer{cid}",
        "text": text,
        "external_id": f"p{pid}",
        "created_at": _t(at),
        "delivery_state": "sent" if is_brand else "received",
        "delivery_attempts": 0,
        "is_private": False,
    }


def _t(value: datetime) -> str:
    return value.strftime(_TIME)


# --- serving and measuring -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time the process has used (Linux's /proc; None elsewhere). Less sensitive to other
    load on the machine than the request times, so a bench on a busy machine still says what a request costs."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """A memory figure of the process now, in MB (Linux's /proc; None elsewhere). VmRSS counts the pages of the
    SQLite file the server maps (mmap_size), which come and go with the machine's file cache; RssAnon is the
    process's own heap: what the page cache keeps of a random walk through conversations shows there."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    kib = next((int(line.split()[1]) for line in lines if line.startswith(f"{field}:")), None)
    return None if kib is None else round(kib / 1024, 1)


@contextmanager
def served(path: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {**os.environ, "HEARD_DATABASE_URL": f"sqlite:///{path}", "HEARD_EVENT_LOG": "sql"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "heard.lab.inbox_bench", str(port)], env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not answers(url, 60):
            raise RuntimeError("the bench server did not start")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


BENCH_AGENT = "bench@example.invalid"
BENCH_PASSWORD = "bench inbox password"  # noqa: S105 - a throwaway agent in a throwaway database


def ensure_agent(path: Path) -> None:
    from heard.accounts.agents import add_agent, find_agent
    from heard.db.engine import session_factory

    engine = make_engine(f"sqlite:///{path}")
    with session_factory(engine).begin() as session:
        if find_agent(session, BENCH_AGENT) is None:
            add_agent(session, BENCH_AGENT, "agent", datetime.now(UTC), BENCH_PASSWORD, name="Bench")
    engine.dispose()


def login(url: str) -> dict[str, str]:
    """The session cookies of the bench's agent, logged in through the login form as a person would."""
    with httpx.Client(base_url=url, follow_redirects=False) as client:
        page = client.get("/login").text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        answer = client.post("/login", data={"email": BENCH_AGENT, "password": BENCH_PASSWORD, "csrf_token": token})
        if answer.status_code != 303:
            raise RuntimeError(f"the bench agent could not log in: {answer.status_code}")
        return dict(client.cookies)


def measure(
    path_for: Callable[[int], str],
    url: str,
    cookies: dict[str, str],
    total: int,
    concurrency: int,
    seconds: float,
    pid: int | None = None,
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    server_ms: list[float] = []
    e2e_ms: list[float] = []
    errors = 0

    def worker(offset: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=url, cookies=cookies, timeout=30) as client:
            for i in range(offset, total, concurrency):
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                response = client.get(path_for(i))
                e2e_ms.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    errors += 1
                timing = response.headers.get("server-timing", "")
                if "dur=" in timing:
                    server_ms.append(float(timing.split("dur=")[1].split(",")[0]))

    with httpx.Client(base_url=url, cookies=cookies) as warm:
        for i in range(min(20, total)):
            warm.get(path_for(i))
    cpu_before = cpu_seconds(pid) if pid is not None else None
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu_after = cpu_seconds(pid) if pid is not None else None
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None and e2e_ms:
        cpu_ms = round((cpu_after - cpu_before) * 1000 / len(e2e_ms), 2)
    return {
        "requests": len(e2e_ms),
        "errors": errors,
        "rps": round(len(e2e_ms) / elapsed, 1),
        "server_cpu_ms_per_request": cpu_ms,
        "server_ms": percentiles(server_ms),
        "e2e_ms": percentiles(e2e_ms),
    }


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        only = round(values[0], 2) if values else 0.0
        return {"p50": only, "p95": only, "p99": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2)}


# --- the served side (run as `python -m heard.lab.inbox_bench PORT`) --------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class ServerTiming:
    """ASGI middleware: `Server-Timing: app;dur=<ms>`, the time from the request to the response's start (the
    pages are rendered whole before they start, so this is the server's share of the request)."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.2f}".encode()
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", took)]}
            await send(message)

        await self.app(scope, receive, timed)


def _serve(port: int) -> None:
    import uvicorn

    from heard.app import build_runtime
    from heard.settings import Settings
    from heard.web.app import create_app

    runtime = build_runtime(Settings(), migrate=False)
    uvicorn.run(ServerTiming(create_app(runtime)), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
