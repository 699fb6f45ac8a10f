"""Run the rules: on each batch of stored posts (the pipeline worker's one call, after incidents are linked),
and as a preview against the recent week before a rule is saved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session

from heard.conversations.models import Conversation, PostRecord
from heard.db.unit import emit
from heard.events import ConversationUpdated, RuleMatched
from heard.rules.actions import Actions
from heard.rules.conditions import Conditions, Facts
from heard.rules.models import Rule
from heard.rules.tags import add_tags

PREVIEW_DAYS = 7
#: The preview reads at most this many of the week's posts (newest first) and says so when it stops.
PREVIEW_LIMIT = 200_000
SAMPLES = 5

_FACT_COLUMNS = (
    PostRecord.id,
    PostRecord.conversation_id,
    PostRecord.network,
    PostRecord.text,
    PostRecord.mentions,
    PostRecord.channel,
    PostRecord.complaint,
    PostRecord.intents,
    PostRecord.sentiment,
    PostRecord.topic,
    PostRecord.incident_id,
    PostRecord.author_followers,
    PostRecord.language,
    PostRecord.urgency,
)


@dataclass(frozen=True, slots=True)
class LoadedRule:
    id: int
    name: str
    conditions: Conditions
    actions: Actions


def facts(m: RowMapping) -> Facts:
    return Facts(
        network=str(m["network"]),
        text=str(m["text"]),
        mentions=tuple(m["mentions"] or ()),
        channel=m["channel"],
        complaint=m["complaint"],
        intents=tuple(m["intents"] or ()),
        sentiment=m["sentiment"],
        topic=m["topic"],
        incident_id=m["incident_id"],
        followers=m["author_followers"],
        language=m["language"],
        urgency=m["urgency"],
    )


def enabled_rules(session: Session) -> list[LoadedRule]:
    rows = session.scalars(select(Rule).where(Rule.enabled).order_by(Rule.position, Rule.id))
    return [LoadedRule(r.id, r.name, Conditions.from_json(r.conditions), Actions.from_json(r.actions)) for r in rows]


def run_rules(session: Session, post_ids: Iterable[int], now: datetime) -> int:
    """Apply every enabled rule to the customer posts among `post_ids`; returns how many (rule, post) matched.
    One query when there are no rules, so the pipeline pays nothing for a feature it does not use."""
    rules = enabled_rules(session)
    ids = list(post_ids)
    if not rules or not ids:
        return 0
    rows = session.execute(
        select(*_FACT_COLUMNS).where(
            PostRecord.id.in_(ids), PostRecord.conversation_id.is_not(None), PostRecord.is_brand.is_(False)
        )
    ).all()
    matched = 0
    for rule in rules:
        hits = [(row.id, row.conversation_id) for row in rows if rule.conditions.matches(facts(row._mapping))]
        if hits:
            apply_actions(session, rule, hits, now)
            matched += len(hits)
    return matched


def apply_actions(session: Session, rule: LoadedRule, hits: Sequence[tuple[int, int]], now: datetime) -> None:
    conversation_ids = sorted({cid for _, cid in hits})
    actions = rule.actions
    if actions.tags:
        add_tags(session, conversation_ids, actions.tags, now, rule_id=rule.id)
    if actions.team_id is not None or actions.priority is not None or actions.snooze_hours is not None:
        for conversation in session.scalars(select(Conversation).where(Conversation.id.in_(conversation_ids))):
            if actions.team_id is not None:
                conversation.team_id = actions.team_id
            if actions.priority is not None:
                conversation.priority = max(conversation.priority or 0, actions.priority)
            if actions.snooze_hours is not None and conversation.status == "open":
                conversation.status = "snoozed"
                conversation.snoozed_until = now + timedelta(hours=actions.snooze_hours)
    stored = session.get(Rule, rule.id)
    if stored is not None:
        stored.matched = (stored.matched or 0) + len(hits)
        stored.last_matched_at = now
    session.flush()
    emit(session, *(ConversationUpdated(cid) for cid in conversation_ids))
    if actions.notify:
        emit(session, *(RuleMatched(rule.id, rule.name, cid, pid) for pid, cid in hits))


@dataclass
class Preview:
    """How a rule would have done over the recent week: `matched` of `seen` customer posts between `since` and
    `until` (the week up to the newest stored post, so an imported export previews against its own week)."""

    matched: int = 0
    seen: int = 0
    conversations: int = 0
    since: datetime | None = None
    until: datetime | None = None
    capped: bool = False
    samples: list[str] = field(default_factory=list)


def preview(session: Session, conditions: Conditions, days: int = PREVIEW_DAYS) -> Preview:
    newest = session.scalar(select(func.max(PostRecord.created_at)).where(PostRecord.is_brand.is_(False)))
    if newest is None:
        return Preview()
    since = newest - timedelta(days=days)
    rows = session.execute(
        select(*_FACT_COLUMNS)
        .where(PostRecord.is_brand.is_(False), PostRecord.created_at > since)
        .order_by(PostRecord.created_at.desc())
        .limit(PREVIEW_LIMIT)
    ).all()
    result = Preview(seen=len(rows), since=since, until=newest, capped=len(rows) == PREVIEW_LIMIT)
    conversations: set[int] = set()
    for row in rows:
        if conditions.matches(facts(row._mapping)):
            result.matched += 1
            if row.conversation_id is not None:
                conversations.add(row.conversation_id)
            if len(result.samples) < SAMPLES:
                result.samples.append(str(row.text)[:280])
    result.conversations = len(conversations)
    return result
