"""The shared inbox: channels, inboxes, contacts, conversations, messages, agents and teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class Channel(Base):
    """A configured network account (or an import source) that Heard reads from and replies through."""

    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128), unique=True)
    handle: Mapped[str | None] = mapped_column(String(128))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cursor: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str] = mapped_column(String(32), default="unknown")
    health_detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    password_hash: Mapped[str | None] = mapped_column(String(256))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Inbox(Base):
    __tablename__ = "inboxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    sla_first_response_s: Mapped[int] = mapped_column(Integer, default=900)
    sla_next_response_s: Mapped[int] = mapped_column(Integer, default=3600)
    #: Replies the coach scores below this need a lead's approval before they go out; None = advisory only.
    coach_approval_below: Mapped[int | None] = mapped_column(Integer)


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContactIdentity(Base):
    """A contact's account on one network; followers is the reach the network reported last."""

    __tablename__ = "contact_identities"
    __table_args__ = (UniqueConstraint("network", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    network: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    handle: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str | None] = mapped_column(String(256))
    followers: Mapped[int | None] = mapped_column(Integer)


class Conversation(Base):
    """A customer's post and everything said in its thread, incoming and outgoing."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_queue", "status", "priority", "waiting_since"),
        Index("ix_conversations_last_activity", "last_activity_at"),
        Index("ix_conversations_network", "network"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inboxes.id"))
    network: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    root_external_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    urgency: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    first_customer_text: Mapped[str] = mapped_column(Text, default="")
    customer_handle: Mapped[str] = mapped_column(String(256), default="")
    incoming_count: Mapped[int] = mapped_column(Integer, default=0)
    outgoing_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_incoming_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outgoing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the oldest unanswered customer message arrived; None when the brand has answered everything.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Message(Base):
    """One entry in a conversation: a customer's post (incoming), the brand's reply (outgoing) or a note."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_time", "conversation_id", "created_at"),
        Index("ix_messages_delivery", "delivery_state", "next_attempt_at"),
        # Replies Heard sent and has not yet seen come back from the network (heard.ingest.queries.sent_replies).
        Index(
            "ix_messages_sent_unlinked",
            "external_id",
            sqlite_where=text("post_id IS NULL AND external_id IS NOT NULL"),
            postgresql_where=text("post_id IS NULL AND external_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), unique=True)
    direction: Mapped[str] = mapped_column(String(16))
    author_handle: Mapped[str] = mapped_column(String(256))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    text: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivery_state: Mapped[str] = mapped_column(String(16), default="received")
    delivery_error: Mapped[str | None] = mapped_column(Text)
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: An outgoing reply sent privately (a direct message) rather than in public.
    is_private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: When the publisher may next try a pending reply (after a failure it backs off); for "sending", when
    #: the claim goes stale.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SlaBreach(Base):
    """A response target a conversation missed: kind is "first_response" or "next_response"."""

    __tablename__ = "sla_breaches"
    __table_args__ = (UniqueConstraint("conversation_id", "kind", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Presence(Base):
    """Who has a conversation open right now, and who is typing in it: for collision warnings. Rows are
    refreshed by heartbeats from the open page and read with a freshness window; stale rows mean nothing."""

    __tablename__ = "presence"
    conversation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    typing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token for the HTTP API, acting as its agent (with the agent's role). Only a SHA-256 digest of the
    token is stored: tokens are 256-bit random, so a fast digest is enough, and a leaked table reveals none."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token, shown in lists so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "write" acts with the agent's role; "read" with at most a viewer's, whatever the agent's role.
    scope: Mapped[str] = mapped_column(String(16), default="write", server_default="write")
