"""What the draft answers: the customer's post and mood, what the brand already said, whether others pile on.

The pipeline's judgements win when the context carries them; otherwise a small lexicon decides, because the coach
must work on a bare `heard coach "DRAFT" --post "..."` too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heard.bidi import neutralised
from heard.coach.review import ReviewContext
from heard.coach.text import content_words

_COMPLAINT = re.compile(
    r"\b(delay\w*|cancel+\w*|lost|los(e|ing)|broke\w*|rude|worst|terrible|horrible|awful|ridiculous|unacceptable|"
    r"disappoint\w*|stuck|stranded|missed|wrong|refund\w*|charg\w*|fee|fees|overbook\w*|bump\w*|damag\w*|"
    r"(not|n't|never|no longer) (work\w*|load\w*|let\w*|help\w*|answer\w*|respond\w*|arriv\w*|receiv\w*|show\w*)|"
    r"can'?t|cannot|unable|fail\w*|error|crash\w*|down|outage|waiting|wait(ed)? (for )?\d+|hours?|on hold|"
    r"still|again|seriously|wtf|ugh|sucks?|hate|angry|upset|frustrat\w*|annoy\w*|complain\w*|problem|issue|"
    r"dirty|late|nobody|no one|shame\w*|joke|pathetic|useless|disgrace\w*|scam|keeps? \w+ing|logg\w* (me )?out|"
    r"won'?t|doesn'?t|isn'?t|didn'?t|wasn'?t|never|lazy|laziness|incompetent?\w*|ignor\w*|nope|fed up|sick of|"
    r"done with|me too|same here|same (problem|issue|thing)|\+1|lies|liars?|excuses?|bs|ffs|smh|rubbish|"
    r"garbage|crap|mislabel\w*|misrout\w*|mess(ed)?)\b"
)
_PRAISE = re.compile(
    r"\b(thanks?|thank you|love|great|awesome|amazing|excellent|wonderful|best|kudos|shout ?out|appreciate\w*|"
    r"lovely|brilliant|fantastic|perfect|helpful|enjoy\w*)\b"
)
#: Words that make a thank-you sarcastic or polite rather than pleased ("thanks for nothing", "great, another").
_SOUR = re.compile(r"\b(for nothing|not|no|never|still|again|another|but)\b|\?")
_QUESTION = re.compile(r"\?|^\s*(how|what|when|where|why|can|could|is|are|do|does|will|would)\b")
#: A mood score at or under this reads as angry; at or over POSITIVE as pleased.
ANGRY = -0.3
POSITIVE = 0.4


@dataclass(frozen=True, slots=True)
class Situation:
    """The post as the rules need it."""

    complaint: bool
    question: bool
    topics: frozenset[str]
    has_post: bool
    #: The latest customer words sound angry or fed up (pipeline sentiment, else the lexicon).
    angry: bool = False
    #: The latest customer words are praise or thanks, and not sarcastic.
    praise: bool = False
    #: What the brand already said in this thread, oldest first.
    brand_said: tuple[str, ...] = ()
    pile_on: bool = False
    #: The post has words of praise as well as of complaint ("kudos for the lines, but the coffee...").
    mixed: bool = False


def read_situation(ctx: ReviewContext) -> Situation:
    post = ctx.post[:5000].lower().replace("’", "'")
    hits = len(_COMPLAINT.findall(post))
    praise_hits = len(_PRAISE.findall(post))
    complaint = ctx.is_complaint
    if complaint is None and ctx.incident_title.strip():
        complaint = True  # incidents are groups of complaints
    if complaint is None:
        complaint = hits > 0 and hits >= praise_hits
    question = ctx.is_question
    if question is None:
        question = bool(_QUESTION.search(post))
    if ctx.mood is not None:
        # A post with a word of praise in it, or none of complaint, is mixed ("these seats are cozy af"), not angry,
        # whatever its score.
        angry = ctx.mood <= ANGRY and praise_hits == 0 and hits > 0
        praise = ctx.mood >= POSITIVE and not complaint
    else:
        # Without the pipeline's mood, anger needs words for it that praise does not outweigh: "Regina saved me
        # from a nervous breakdown, she's a rockstar" is praise.
        angry = complaint and hits >= 2 and hits > 2 * praise_hits
        praise = praise_hits > hits and not _SOUR.search(post)
    brand_said = tuple(text for who, text in ctx.thread if who == "brand" and text.strip())
    return Situation(
        complaint=complaint,
        question=question,
        topics=content_words(post),
        has_post=bool(post.strip()),
        angry=angry or (ctx.pile_on and complaint),
        praise=praise and not angry,
        brand_said=brand_said,
        pile_on=ctx.pile_on,
        mixed=hits > 0 and praise_hits > 0,
    )


_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?$")


def usable_name(ctx: ReviewContext) -> str:
    """The customer's first name as a person would say it, or "" when the display name is not a name: a numeric
    id ("117136"), a handle ("jane_doe99", "pileon_demo3") or a single letter is never greeted as a name."""
    display = neutralised(ctx.customer_name).strip()  # a bidi control is not part of a name (heard.bidi)
    if not display:
        return ""
    first = display.split()[0].strip(",;:")
    handle = ctx.customer_handle.strip().lstrip("@").lower()
    if not _NAME_WORD.match(first) or len(first.rstrip(".")) < 2:
        return ""
    if handle and display.lower() == handle and not display[0].isupper():
        return ""  # the display name is only the handle again
    return first[:40]
