"""Where a conversation's replies go: the channel that answers it and the connector class that publishes.

The inbox asks here what a reply may be (private allowed? how long?) without knowing any connector; the publisher
asks for the connector's config, credentials decrypted, and for what the connector needs to send one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from heard.channels.actions import channel_config
from heard.channels.models import Channel, Inbox
from heard.connectors.base import ChannelConfig, Connector, OutgoingReply
from heard.connectors.registry import connector_class
from heard.conversations.models import Conversation, Message, PostRecord
from heard.db.plain_reads import plain

#: The channel every conversation without a configured channel answers through (imports, the demo).
REPLAY_CHANNEL = "replay-outbox"


@dataclass(frozen=True, slots=True)
class Route:
    """Where a conversation's replies go: its channel (None: the replay outbox) and the connector class."""

    connector: type[Connector]
    channel: Channel | None

    @property
    def allows_private(self) -> bool:
        return "private" in self.connector.capabilities

    @property
    def max_chars(self) -> int:
        return self.connector.max_chars

    @property
    def kind(self) -> str:
        return self.connector.kind

    @property
    def name(self) -> str:
        return self.channel.name if self.channel else REPLAY_CHANNEL

    @property
    def handle(self) -> str | None:
        return self.channel.handle if self.channel else None

    def config(self, secret_key: str, outbox_dir: Path) -> ChannelConfig:
        """The connector's config, credentials decrypted (only the publisher needs them); the replay connector
        writes what it "sends" to `outbox_dir`/replies.jsonl."""
        outbox = str(outbox_dir / "replies.jsonl")
        if self.channel is None:
            return ChannelConfig(name=REPLAY_CHANNEL, kind="replay", options={"path": "", "outbox": outbox})
        config = channel_config(self.channel, secret_key)
        if self.channel.kind == "replay":
            options = {"path": "", "outbox": outbox, **config.options}
            config = ChannelConfig(config.name, config.kind, config.handle, config.brand_handles, config.rules, options)
        return config


def route_for(session: Session, conversation: Conversation) -> Route:
    """The inbox's channel; else the channel named on the customer's posts; else (an import, the demo) the
    replay connector's JSONL outbox."""
    channel = _inbox_channel(session, conversation) or _post_channel(session, conversation.id)
    if channel is None:
        return Route(connector_class("replay"), None)
    return Route(connector_class(channel.kind), channel)


def _inbox_channel(session: Session, conversation: Conversation) -> Channel | None:
    if conversation.inbox_id is None:
        return None
    inbox = session.get(Inbox, conversation.inbox_id)
    return session.get(Channel, inbox.channel_id) if inbox and inbox.channel_id else None


#: The name of the channel of the conversation's latest customer post that names a configured channel. Built once
#: and read as a plain value: most conversations of an import name none, and then no Channel is loaded at all.
_POST_CHANNEL = (
    select(Channel.name)
    .join(PostRecord, PostRecord.channel == Channel.name)
    .where(PostRecord.conversation_id == bindparam("conversation_id"), PostRecord.is_brand.is_(False))
    .order_by(PostRecord.created_at.desc())
    .limit(1)
)


def _post_channel(session: Session, conversation_id: int) -> Channel | None:
    name = plain(session, _POST_CHANNEL, {"conversation_id": conversation_id}).scalar()
    return session.scalars(select(Channel).where(Channel.name == name)).first() if name is not None else None


def outgoing_reply(session: Session, message: Message) -> OutgoingReply:
    """What the connector needs: the text, and the customer post it answers (the latest one before it)."""
    answered = session.execute(
        select(Message.external_id, Message.author_handle, PostRecord.author_id, Message.created_at)
        .outerjoin(PostRecord, PostRecord.id == Message.post_id)
        .where(
            Message.conversation_id == message.conversation_id,
            Message.direction == "incoming",
            Message.created_at <= message.created_at,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    ).first()
    return OutgoingReply(
        idempotency_key=str(message.id),
        text=message.text,
        in_reply_to=answered[0] if answered else None,
        recipient_id=answered[2] if answered else None,
        recipient_handle=answered[1] if answered else None,
        private=message.is_private,
        kind="note" if message.direction == "note" else "reply",
        in_reply_to_created_at=answered[3] if answered else None,
    )
