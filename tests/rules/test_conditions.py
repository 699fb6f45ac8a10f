"""Rule conditions and actions: a table of posts against conditions (pure), and what a rule refuses."""

from __future__ import annotations

from typing import Any

import pytest

from heard.errors import BadInput
from heard.rules.actions import Actions, clean_tag
from heard.rules.conditions import Conditions, Facts

POST = Facts(
    network="twitter",
    text="@AcmeCare my Refund never came!",
    mentions=("AcmeCare",),
    complaint=0.91,
    intents=("refund",),
    sentiment="negative",
    topic="billing",
    incident_id=4,
    followers=1200,
    language="en",
    urgency=60,
)


@pytest.mark.parametrize(
    ("conditions", "matches"),
    [
        ({"keywords": "refund"}, True),
        ({"keywords": "refunds"}, False),  # whole words
        ({"keywords": ["never came"]}, True),
        ({"networks": "mastodon"}, False),
        ({"brands": "@acmecare"}, True),
        ({"brands": "otherbrand"}, False),
        ({"complaint": "yes"}, True),
        ({"complaint": False}, False),
        ({"sentiments": ["negative", "neutral"]}, True),
        ({"sentiments": ["positive"]}, False),
        ({"topics": "Billing"}, True),
        ({"intents": "cancel"}, False),
        ({"incident": "any"}, True),
        ({"incident": "none"}, False),
        ({"min_followers": 1000}, True),
        ({"min_followers": "5000"}, False),
        ({"languages": "de, en"}, True),
        ({"min_urgency": 61}, False),
        ({"keywords": "refund", "networks": "twitter", "sentiments": ["negative"], "min_followers": 10}, True),
        ({"keywords": "refund", "networks": "youtube"}, False),  # every condition must hold
    ],
)
def test_conditions_against_a_post(conditions: dict[str, Any], matches: bool) -> None:
    assert Conditions.from_json(conditions).matches(POST) is matches


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        ({}, "at least one condition"),
        ({"keywords": " , "}, "at least one condition"),
        ({"sentiments": ["angry"]}, "not one of"),
        ({"incident": "maybe"}, "any or none"),
        ({"min_urgency": 400}, "between"),
        ({"min_followers": "lots"}, "a number"),
        ({"keywords": ["x" * 81]}, "longer than"),
    ],
)
def test_bad_conditions_are_refused_with_a_reason(conditions: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadInput, match=reason):
        Conditions.from_json(conditions)


def test_conditions_round_trip_through_json() -> None:
    written = Conditions.from_json({"keywords": "Refund, charger", "complaint": "yes", "min_followers": "10"})
    assert written.to_json() == {"complaint": True, "keywords": ["refund", "charger"], "min_followers": 10}
    assert Conditions.from_json(written.to_json()) == written


def test_actions_are_checked() -> None:
    assert Actions.from_json({"tags": "Refunds, VIP ,refunds", "priority": "2"}).to_json() == {
        "tags": ["refunds", "vip"],
        "priority": 2,
    }
    assert clean_tag("  #Late   Delivery ") == "late delivery"
    for bad, reason in (({}, "at least one action"), ({"priority": 9}, "0 to 3"), ({"tags": "<b>"}, "not a tag")):
        with pytest.raises(BadInput, match=reason):
            Actions.from_json(bad)
