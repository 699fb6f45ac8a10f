"""The conversation kernel's records: every stored post, the contacts who wrote them, and the conversations and
messages the inbox works. Every feature reads and writes these through `heard.conversations`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class PostRecord(Base):
    """A stored post: an ingested item from any network (never called a mention), with its judgements.

    Not to be confused with `heard.posts.Post`, the value the pipeline stages pass along. (network, external_id)
    is unique."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("network", "external_id"),
        Index("ix_posts_reply_to", "network", "in_reply_to"),
        Index("ix_posts_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str | None] = mapped_column(String(128))
    author_id: Mapped[str] = mapped_column(String(128))
    author_handle: Mapped[str] = mapped_column(String(256))
    author_name: Mapped[str | None] = mapped_column(String(256))
    author_followers: Mapped[int | None] = mapped_column(Integer)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    is_brand: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str] = mapped_column(Text)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    in_reply_to: Mapped[str | None] = mapped_column(String(128))
    quote_of: Mapped[str | None] = mapped_column(String(128))
    permalink: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    #: The main brand the post addresses (`heard.brands.attribution`); None when it addresses none.
    brand: Mapped[str | None] = mapped_column(String(64), index=True)
    # Judgements from the understanding stage (None: not judged).
    complaint: Mapped[float | None] = mapped_column(Float)
    intents: Mapped[list[str]] = mapped_column(JSON, default=list)
    sentiment: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    topic: Mapped[str | None] = mapped_column(String(64))
    urgency: Mapped[int | None] = mapped_column(Integer)
    urgency_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)


class PostBrand(Base):
    """Every brand a post addresses: a post naming two brands is in both brands' queues. `posts.brand` is the main
    one, the brand its conversation, incident and alerts are filed under."""

    __tablename__ = "post_brands"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    brand: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


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
        # Replies Heard sent and has not yet seen come back from the network (heard.conversations.stored.sent_replies).
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


class ContactMerge(Base):
    """Contact `from_id` merged into `into_id` by an agent: which identities, conversations and posts moved, so
    the merge can be undone exactly (`undone_at` set then)."""

    __tablename__ = "contact_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    from_name: Mapped[str] = mapped_column(String(256))
    identity_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    conversation_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    post_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Why it was suggested ("same name", "same e-mail"), as the agent saw it.
    reason: Mapped[str] = mapped_column(String(64), default="")
    merged_by: Mapped[int | None] = mapped_column(Integer)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
