"""The coach's labelled development set: pairs of drafts for one situation, the better one known.

Built from TwACS (`python -m heard.lab.coach.pairs ../shared/data/twacs-airlines/conversations.csv`, which rewrites
pairs.jsonl beside this module) and from the cases issue 16 reported:

- `real`: an agent's real reply that the customer answered warmly (the good draft) against a failure a care lead
  would catch, written for the same post: corporate boilerplate with a bare DM ask, a thank-you for kind words to
  someone who complains, polite blame, a non-apology, a bare "DM us", the customer's booking code in public, and a
  reply pasted from another conversation of the same incident (its text is then among the replies already sent);
- `outcome`: two real replies to two near-identical complaints, the one answered warmly against the one answered
  angrily. Real replies differ in ways the coach cannot see, so this kind is reported apart, not in the >= 95 % target;
- `issue`: the issue's own cases, written out.

Each line: {"kind", "conversation", "context": {...ReviewContext fields}, "good", "bad"}; for `real` lines "bad"
maps each failure to its draft, so the situation is stored once. The good draft is a real
reply, so `heard eval coach` scores the pairs with the scripted phrases learned without that conversation's fold.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from heard.coach.phrases import PhraseTable
from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.coach.text import content_words
from heard.lab.coach.evaluation import PostJudgement, context_for, judge_posts
from heard.lab.coach.outcome import outcome
from heard.lab.coach.twacs import Exchange, read_exchanges

PAIRS_FILE = Path(__file__).with_name("pairs.jsonl")
#: The failure that is a reply pasted from another conversation: scored with it among the replies already sent.
PASTED = "pasted_from_incident"
#: Situations drawn from TwACS for the `real` pairs, and the seed that draws them.
SITUATIONS = 100
SEED = 16

_FAILURES: tuple[tuple[str, str], ...] = (
    ("boilerplate", "We apologize for any inconvenience. Please DM us."),
    ("cheer_to_complaint", "Thanks for the kind words! This is lovely to read, and we'll share it with the team."),
    ("polite_blame", "As stated in our policy, you should have checked your booking before travelling. ^AB"),
    ("non_apology", "We're sorry you feel that way. We value your feedback."),
    ("bare_dm", "Please DM us."),
    ("booking_in_public", "{good} Your booking code is HXQ4TZ."),
)

_ISSUE_CASES: tuple[dict[str, Any], ...] = (
    {
        "context": {"post": "me too. this is getting ridiculous", "pile_on": True, "is_complaint": True},
        "good": "Sorry, you're not the only one: our courier's system is down and parcels are stuck. We're moving "
        "them to another carrier today and I'll update this thread by 5pm. ^Ann",
        "bad": "Hi 117136 - thanks for the kind words: this is lovely to read, and we'll share it with the team",
    },
    {
        "context": {"post": "nope just laziness", "mood": -0.9},
        "good": "I hear you, and I'm sorry: we should have sorted this days ago. I've escalated it to the depot "
        "manager and you'll hear from me here by noon. - Ann",
        "bad": "Hi there, thanks for the kind words: this is lovely to read, and we'll share it with the team.",
    },
    {
        "context": {"post": "They sent the feckin' order to Germany! I'm so done with Amazon!", "agent_name": "Demo"},
        "good": "I'm so sorry your order went to Germany, that was our mistake. The courier mislabelled it; I've "
        "sent a replacement by express today and it arrives Thursday. Thanks for bearing with us. - Ann",
        "bad": "We apologize for any inconvenience. Please DM us.",
    },
    {
        "context": {"post": "my package never arrived and the tracking hasn't moved in a week", "agent_name": "Demo"},
        "good": "Sorry your package is stuck, that's on us: it was misrouted at the depot. I've sent a new one "
        "today and you'll have it Friday. Thanks for telling us. - Ann",
        "bad": "Please DM us.",
    },
    {
        "context": {"post": "I just said it's been sorted, thanks", "mood": 0.6, "is_complaint": False},
        "good": "Great to hear it's sorted, thanks for letting us know! ^Ann",
        "bad": "We're sorry about \"I just said it's been sorted\", that's on us.",
    },
)


def _context(data: Mapping[str, Any]) -> ReviewContext:
    known = {f.name for f in fields(ReviewContext)}
    values: dict[str, Any] = {
        k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
        for k, v in data.items()
        if k in known
    }
    return ReviewContext(**values)


def _context_json(ctx: ReviewContext) -> dict[str, Any]:
    defaults = asdict(ReviewContext())
    # The last turns of the thread are what the rules read (the brand's last words); older ones only make the
    # file big.
    data = {k: v for k, v in asdict(ctx).items() if v != defaults[k]}
    if "thread" in data:
        data["thread"] = data["thread"][-4:]
    return data


def build(exchanges: Sequence[Exchange], judged: Mapping[str, PostJudgement], seed: int = SEED) -> list[dict[str, Any]]:
    """The pairs, in a fixed order for a given seed."""
    rng = random.Random(seed)
    warm = _warm_complaints(exchanges, judged, rng)
    angry = [ex for ex in exchanges if outcome(ex.next_turn) == "angry" and judged[ex.post].complaint]
    pairs = _real_pairs(warm[:SITUATIONS], warm, judged, rng)
    pairs.extend(_outcome_pairs(warm, angry, judged))
    for case in _ISSUE_CASES:
        pairs.append({"kind": "issue", "conversation": "", **case})
    return pairs


def held_out(
    exchanges: Sequence[Exchange],
    judged: Mapping[str, PostJudgement],
    tuned_on: Collection[str] = (),
    seed: int = SEED,
) -> list[dict[str, Any]]:
    """Pairs of the same kinds for the next `SITUATIONS` warm-answered complaints of the same shuffle, leaving out
    the conversations of `tuned_on` (those of `pairs.jsonl`, which was read to pick two guard weights, decision
    0301; the judgements have moved since it was written, so today's shuffle does not start with its situations):
    situations nobody looked at while tuning, so their figure says whether the coach generalises."""
    rng = random.Random(seed)
    warm = _warm_complaints(exchanges, judged, rng)
    skip = set(tuned_on) | {ex.conversation for ex in warm[:SITUATIONS]}
    fresh = [ex for ex in warm[SITUATIONS:] if ex.conversation not in skip][:SITUATIONS]
    return _real_pairs(fresh, warm, judged, rng)


def _warm_complaints(
    exchanges: Sequence[Exchange], judged: Mapping[str, PostJudgement], rng: random.Random
) -> list[Exchange]:
    warm = [ex for ex in exchanges if outcome(ex.next_turn) == "warm" and judged[ex.post].complaint]
    rng.shuffle(warm)
    return warm


def _real_pairs(
    chosen: Sequence[Exchange], warm: Sequence[Exchange], judged: Mapping[str, PostJudgement], rng: random.Random
) -> list[dict[str, Any]]:
    """Each real reply against the failures written for its post (one of them another conversation's reply)."""
    pairs: list[dict[str, Any]] = []
    for ex in chosen:
        ctx = context_for(ex, judged)
        bad = {kind: template.format(good=ex.reply) for kind, template in _FAILURES}
        other = rng.choice([e for e in warm if e.conversation != ex.conversation])
        bad[PASTED] = other.reply
        pairs.append(
            {
                "kind": "real",
                "conversation": ex.conversation,
                "context": _context_json(ctx),
                "good": ex.reply,
                "bad": bad,
            }
        )
    return pairs


def _pair(kind: str, conversation: str, ctx: ReviewContext, good: str, bad: str) -> dict[str, Any]:
    return {"kind": kind, "conversation": conversation, "context": _context_json(ctx), "good": good, "bad": bad}


def _outcome_pairs(
    warm: Sequence[Exchange], angry: Sequence[Exchange], judged: Mapping[str, PostJudgement]
) -> Iterator[dict[str, Any]]:
    """A warm-answered reply against an angry-answered one to a complaint sharing most of its content words."""
    index = [(content_words(ex.post), ex) for ex in angry]
    for ex in warm:
        mine = content_words(ex.post)
        if len(mine) < 4:
            continue
        best, overlap = None, 0.0
        for theirs, other in index:
            shared = len(mine & theirs) / len(mine | theirs) if theirs else 0.0
            if shared > overlap and other.conversation != ex.conversation:
                best, overlap = other, shared
        if best is not None and overlap >= 0.4:
            yield _pair("outcome", ex.conversation, context_for(ex, judged), ex.reply, best.reply)


def write(path: Path, out: Path = PAIRS_FILE) -> int:
    exchanges = read_exchanges(path)
    pairs = build(exchanges, judge_posts(exchanges))
    out.write_text("".join(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in pairs), encoding="utf-8")
    return len(pairs)


def read(path: Path = PAIRS_FILE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(pairs: Sequence[Mapping[str, Any]], tables: Mapping[str, PhraseTable] | None = None) -> dict[str, Any]:
    """How often the good draft scores above the bad one, overall (the constructed and issue kinds) and per kind;
    `tables` gives a conversation the scripted phrases learned without it."""
    by_kind: dict[str, list[bool]] = {}
    for pair in pairs:
        ctx = _context(pair["context"])
        table = tables.get(pair["conversation"]) if tables else None
        good = review(pair["good"], ctx, phrases=table).score
        bads = pair["bad"] if isinstance(pair["bad"], dict) else {pair["kind"]: pair["bad"]}
        for kind, bad in bads.items():
            judged_in = replace(ctx, previous_replies=(*ctx.previous_replies, bad)) if kind == PASTED else ctx
            good_here = review(pair["good"], judged_in, phrases=table).score if kind == PASTED else good
            by_kind.setdefault(kind, []).append(good_here > review(bad, judged_in, phrases=table).score)
    target = [won for kind, wins in by_kind.items() if kind != "outcome" for won in wins]
    return {
        "good_above_bad": round(100 * sum(target) / max(1, len(target)), 2),
        "n": len(target),
        "by_kind": {k: {"good_above_bad": round(100 * sum(v) / len(v), 2), "n": len(v)} for k, v in by_kind.items()},
    }


if __name__ == "__main__":  # pragma: no cover - the rebuild script
    print(write(Path(sys.argv[1])))
