"""Typed settings, read from HEARD_* environment variables (and a .env file), passed in, never global."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from heard.errors import UnsafeSettings

_DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - refused outside development, see below
DEV_SECRET = _DEV_SECRET


class Settings(BaseSettings):
    """Every setting Heard reads. `docs/settings.md` documents each one (a test keeps them in step)."""

    model_config = SettingsConfigDict(env_prefix="HEARD_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = Field(
        "development", description="development allows the unsafe laptop defaults; production refuses them."
    )
    database_url: str = Field(
        "sqlite:///var/heard.db", description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://..."
    )
    secret_key: str = Field(_DEV_SECRET, description="Signs session cookies and CSRF tokens.")
    event_log: Literal["sql", "memory", "nats"] = Field(
        "sql", description="Where the event log lives: tables in the database (sql), NATS JetStream, or memory."
    )
    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server for HEARD_EVENT_LOG=nats.")
    nats_prefix: str = Field("heard", description="Stream and subject prefix on NATS (one per deployment).")
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(8000, description="Port the web app listens on.")
    brand_handles: list[str] = Field(
        default_factory=list,
        description="The brand's own handles (without @); their posts are never treated as customer posts.",
    )
    log_retention_days: float = Field(
        7.0,
        ge=0,
        description="Days the SQL event log keeps records every consumer has acknowledged (0: keep them forever).",
    )
    radar_snapshot_s: float = Field(
        300.0,
        ge=0,
        description="Seconds between saves of the radar's learnt state by the pipeline worker, which loads it again "
        "on start so a restart does not blind the pile-on radar for its warm-up (0: never save or load).",
    )
    radar_mode: Literal["inline", "separate"] = Field(
        "inline",
        description="inline: each pipeline worker runs the pile-on radar over the posts it stores (one worker). "
        "separate: workers put the posts they store on the posts.judged topic and one `heard radar` process "
        "watches them all (many workers: each would otherwise see only its share of every series).",
    )
    api_requests_per_min: int = Field(
        600, ge=0, description="Requests a minute each HTTP API token may make, per web process (0: no limit)."
    )
    batch_size: int = Field(500, ge=1, le=20_000, description="Posts the pipeline worker takes per batch.")
    ack_wait_s: float = Field(30.0, gt=0, description="Seconds before an unacknowledged log record is redelivered.")
    log_level: str = Field("INFO", description="Log level for structured logs.")
    public_url: str = Field(
        "",
        description="The knowledge base's public address (e.g. https://help.example.com/kb/), for canonical URLs, "
        "the feed and follow-up links; empty: taken from each request, or http://HOST:PORT/kb/ outside one.",
    )
    outbox_dir: Path = Field(Path("var/outbox"), description="Where the replay connector delivers replies.")
    smtp_url: str = Field("", description="SMTP server for alert e-mail: smtp://user:pass@host:port; empty: none.")
    alert_from: str = Field("heard@localhost", description="Sender address of alert e-mail.")
    app_url: str = Field("", description="Base URL of the web app (https://care.example.com), for links in alerts.")

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        if self.secret_key == _DEV_SECRET or len(self.secret_key) < 32:
            problems.append("HEARD_SECRET_KEY must be set to a random value of at least 32 characters")
        if self.event_log == "memory":
            problems.append("HEARD_EVENT_LOG=memory loses posts on restart")
        if problems:
            raise UnsafeSettings("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
