"""Complaints about four known problems, worded the many ways customers word them."""

from __future__ import annotations

GROUPS: dict[str, list[str]] = {
    "login": [
        "@acme the app keeps logging me out every few minutes",
        "anyone else getting logged out of the acme app constantly?? #acmefail",
        "@acmehelp logged out AGAIN. third time today, the app will not keep me logged in",
        "acme app logs me out whenever I switch apps, so annoying",
        "Why does the Acme app keep logging me out?",
        "@acme keeps logging me out of my account on iphone",
        "the acme app logged me out and now I can't log back in",
        "#acme app: logged out, logged in, logged out again. fix it",
    ],
    "refund": [
        "@acme still waiting for my refund after 3 weeks",
        "where is my refund @acmehelp? returned the order a month ago",
        "acme refund never arrived, returned the item weeks ago",
        "@acme I want my refund, the return was delivered on the 2nd",
        "Three weeks and no refund from Acme for my returned order",
        "still no refund for my return @acme what is going on",
        "refund for returned order not received #acme",
    ],
    "delivery": [
        "@acme my package says delivered but there is no package at my door",
        "acme tracking says delivered, package is nowhere to be found",
        "package marked delivered yesterday, never came @acmehelp",
        "@acme delivered?? no package here. where is my parcel",
        "parcel shows as delivered but I never got the package #acme",
        "acme driver marked my package delivered and it is not here",
        "tracking says package delivered to front door, nothing there @acme",
    ],
    "card": [
        "@acme my credit card keeps getting declined at checkout",
        "card declined at acme checkout but my bank says it's fine",
        "acme checkout declines my visa card every time",
        "@acmehelp payment declined, card works everywhere else",
        "why is acme declining my card at checkout??",
        "checkout error: card declined. tried two cards @acme",
        "my debit card was declined on acme checkout three times",
    ],
}


def labelled() -> tuple[list[str], list[str]]:
    """Interleaved (as they would arrive): texts and their true group."""
    texts: list[str] = []
    labels: list[str] = []
    longest = max(len(v) for v in GROUPS.values())
    for i in range(longest):
        for label, items in GROUPS.items():
            if i < len(items):
                texts.append(items[i])
                labels.append(label)
    return texts, labels
