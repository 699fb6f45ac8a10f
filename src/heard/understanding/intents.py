"""Intents of a post: complaint, question, praise, other. A post can have more than one (complaint + question).

Complaint comes from the complaint model. Question and praise are rules over the model tokens, checked
against the sentiment model so that "thanks for nothing" is not praise: there is no labelled intent data to
learn them from, and these rules are transparent to the agent who reads them.
"""

from __future__ import annotations

import re

COMPLAINT, QUESTION, PRAISE, OTHER = "complaint", "question", "praise", "other"

_QUESTION_START = re.compile(
    r"^(?:(?:<user>|<url>|#\w+)\s*)*(how|what|when|where|why|who|which|can|could|would|will|is|are|do|does|did|"
    r"should|shall|any|anyone|has|have|may|am|was|were|whats|hows|wheres|whens)\b"
)
_QUESTION_PHRASE = re.compile(
    r"\b(how (do|can|to|long|much)|is there (a|any)|any (idea|update|news|way)|can (you|i|someone|somebody) "
    r"(help|tell|check|explain|advise)|i (want|need|would like) to know|wondering|please (advise|confirm)|"
    r"need help|who do i|what do i|where do i)\b"
)
_PRAISE = re.compile(
    r"\b(thanks?|thank you|thx|ty|tysm|appreciate(d)?|kudos|shout ?out|love (you|it|this|the)|great (job|service|"
    r"work)|awesome|amazing|excellent|fantastic|wonderful|best|brilliant|well done|props|grateful)\b"
)


def is_question(model_text: str) -> bool:
    """Whether the lower-cased, placeholder text (see `heard.understanding.text.model_text`) asks something."""
    if "?" in model_text:
        return True
    stripped = model_text.strip()
    return bool(_QUESTION_START.match(stripped) or _QUESTION_PHRASE.search(stripped))


def intents(model_text: str, complaint: bool, positive: float, negative: float) -> tuple[str, ...]:
    """The post's intents in a fixed order; "other" only when nothing else applies."""
    found: list[str] = []
    if complaint:
        found.append(COMPLAINT)
    if is_question(model_text):
        found.append(QUESTION)
    if not complaint and negative < 0.5 and (positive >= 0.6 or _PRAISE.search(model_text)):
        found.append(PRAISE)
    return tuple(found) or (OTHER,)
