"""How a customer answered a reply: warm ("thanks!"), angry ("this is a joke"), or neither.

This reads only the customer's next turn, with a lexicon of its own that shares nothing with the coach's rules, so
that how well the coach's score separates warm from angry answers is an honest measure. A turn with words of both
kinds (sarcasm such as "great, another delay, what a joke") or of neither is left out; "thanks for nothing"
counts as angry.
"""

from __future__ import annotations

import re
from typing import Literal

Outcome = Literal["warm", "angry"]

_WARM = re.compile(
    r"\b(thank\w*|thx|tysm|ty|appreciat\w*|great|awesome|perfect|amazing|love|lovely|wonderful|helpful|excellent|"
    r"brilliant|fantastic|cheers|glad|nice|sweet|will do|sounds good|no worries|much better)\b|"
    r"[👍🙏😊❤💙😀🙂😁☺🙌💕😍♥😃👌]"
)
_ANGRY = re.compile(
    r"\b(ridiculous|unacceptable|terrible|horrible|awful|worst|pathetic|useless|joke|disgrace\w*|disgust\w*|"
    r"shame\w*|wtf|ffs|never again|never (fly|flying|use|using|book|booking)|scam\w*|lie|lies|lying|liars?|bs|"
    r"bullshit|crap|damn|hell|angry|furious|frustrat\w*|disappoint\w*|incompetent|rude|sick of|fed up|typical|"
    r"nonsense|absurd|appall\w*|outrag\w*|insult\w*|seriously|kidding|no help|not helpful|unhelpful|"
    r"(doesn'?t|does not|didn'?t|did not) help|for nothing|not good enough|not acceptable|sucks?|hate|garbage|"
    r"rubbish|clueless|excuses?|not (happy|impressed|ok|okay))\b|[🙄😡😠🤬👎😤😒😑🤦]"
)

#: Thanks that are not thanks ("thanks for wasting my time"); they count as angry.
_SARCASM = re.compile(
    r"\b(thanks?|thank you)( you)?( so much| a lot)? (for|4) (nothing|making|putting|wasting|blowing|ruining|losing|"
    r"leaving|cancel\w*|delay\w*|the delay|fully)|\bthanks? a bunch\b|\bsure love\b|\bno,? thank"
)
#: A warm word next to these is polite rather than pleased ("thanks, but why...", "would be great to get help").
_DOUBT = re.compile(
    r"\b(but|however|still|why|not|no|never|\w+n't|would be (great|nice|helpful|appreciated)|"
    r"(would|will) appreciate|#?fail\w*)\b|\?"
)


def outcome(next_turn: str) -> Outcome | None:
    """Warm, angry, or None when the turn is neither or both."""
    text = next_turn.lower().replace("’", "'")
    angry = _ANGRY.search(text) is not None or _SARCASM.search(text) is not None
    warm = _WARM.search(_SARCASM.sub(" ", text)) is not None
    if warm and not angry and _DOUBT.search(text):
        return None
    if warm == angry:
        return None
    return "warm" if warm else "angry"
