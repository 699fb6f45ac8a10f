"""What the customer's post is: a complaint, a question, and what it is about.

The pipeline's judgements win when the context carries them; otherwise a small lexicon decides, because the coach
must work on a bare `heard coach "DRAFT" --post "..."` too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heard.coach.review import ReviewContext
from heard.coach.text import content_words

_COMPLAINT = re.compile(
    r"\b(delay\w*|cancel+\w*|lost|los(e|ing)|broke\w*|rude|worst|terrible|horrible|awful|ridiculous|unacceptable|"
    r"disappoint\w*|stuck|stranded|missed|wrong|refund\w*|charg\w*|fee|fees|overbook\w*|bump\w*|damag\w*|"
    r"(not|n't|never|no longer) (work\w*|load\w*|let\w*|help\w*|answer\w*|respond\w*|arriv\w*|receiv\w*|show\w*)|"
    r"can'?t|cannot|unable|fail\w*|error|crash\w*|down|outage|waiting|wait(ed)? (for )?\d+|hours?|on hold|"
    r"still|again|seriously|wtf|ugh|sucks?|hate|angry|upset|frustrat\w*|annoy\w*|complain\w*|problem|issue|"
    r"dirty|late|nobody|no one|shame\w*|joke|pathetic|useless|disgrace\w*|scam|keeps? \w+ing|logg\w* (me )?out|"
    r"won'?t|doesn'?t|isn'?t|didn'?t|wasn'?t|never)\b"
)
_PRAISE = re.compile(
    r"\b(thanks?|thank you|love|great|awesome|amazing|excellent|wonderful|best|kudos|shout ?out|appreciate\w*)\b"
)
_QUESTION = re.compile(r"\?|^\s*(how|what|when|where|why|can|could|is|are|do|does|will|would)\b")


@dataclass(frozen=True, slots=True)
class Situation:
    """The post as the rules need it."""

    complaint: bool
    question: bool
    topics: frozenset[str]
    has_post: bool


def read_situation(ctx: ReviewContext) -> Situation:
    post = ctx.post[:5000].lower().replace("’", "'")
    complaint = ctx.is_complaint
    if complaint is None and ctx.incident_title.strip():
        complaint = True  # incidents are groups of complaints
    if complaint is None:
        hits = len(_COMPLAINT.findall(post))
        complaint = hits > 0 and hits >= len(_PRAISE.findall(post))
    question = ctx.is_question
    if question is None:
        question = bool(_QUESTION.search(post))
    return Situation(complaint, question, content_words(post), bool(post.strip()))
