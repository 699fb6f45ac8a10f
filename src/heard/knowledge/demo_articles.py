"""Articles about problems customers really reported in the bundled twcs sample (Oct-Nov 2017), for the demo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.knowledge.actions import create_article
from heard.knowledge.models import PUBLISHED, Article
from heard.knowledge.queries import get_article

IOS_I_BUG = """## Symptom

After updating to iOS 11.1, typing a capital **I** on iPhone or iPad shows **A** followed by a box with a
question mark (often seen as "A [?]"): the letter I keeps changing into a strange symbol. It happens in Messages,
Mail and social apps, and the people you write to see the broken character too.

## Cause

A bug in the keyboard's autocorrect in iOS 11.1 replaced "I" with a character that many apps cannot display.

## Steps to fix

1. Back up your device (Settings > your name > iCloud > iCloud Backup > Back Up Now).
2. Go to **Settings > General > Software Update**.
3. Install **iOS 11.1.1** or later, which fixes the autocorrect bug.
4. Restart the app you were typing in.

## Workaround

Until you can update, add a text replacement:

1. Go to **Settings > General > Keyboard > Text Replacement** and tap **+**.
2. Type a capital **I** as the *Phrase* and a lowercase **i** as the *Shortcut*.
3. Tap **Save**. Typing "i" now gives a plain "I".

## Status

Fixed in iOS 11.1.1 (9 November 2017).
"""

SPOTIFY_SHUFFLE = """## Symptom

With Spotify Premium on a phone, shuffle turns itself off when a song ends: the next songs play in order, and
the repeat button lights up without repeating.

## Cause

A stale playback state kept in the app's cache after an update.

## Steps to fix

1. Restart your device: hold the Sleep/Wake and Volume Down buttons for 10 seconds.
2. If it happens again, reinstall the Spotify app (your downloads need to be downloaded again).
3. Still happening? Send us a message with your device, operating system and Spotify version.

## Workaround

Turn shuffle off and on again at the start of each listening session.

## Status

Identified: the team is working on a fix in the app.
"""

DEMO: list[dict[str, Any]] = [
    {
        "title": "Typing “I” shows “A [?]” after updating to iOS 11.1",
        "slug": "ios-11-1-typing-i-shows-a",
        "summary": "Autocorrect in iOS 11.1 changes the letter I into A and a question mark symbol. Update to "
        "iOS 11.1.1; "
        "until then, a text replacement fixes it.",
        "problem": "the “I” turning into “A [?]” bug",
        "category": "Apple iPhone and iPad",
        "product": "iOS 11.1",
        "issue_status": "fixed",
        "body_md": IOS_I_BUG,
        "published": datetime(2017, 11, 9, 18, 0),
    },
    {
        "title": "Spotify shuffle switches off after each song",
        "slug": "spotify-shuffle-switches-off",
        "summary": "On Spotify Premium, shuffle stops after one song and plays the rest in order. Restart the device, "
        "then reinstall the app if it comes back.",
        "problem": "shuffle switching itself off",
        "category": "Spotify",
        "product": "Spotify for iOS and Android",
        "issue_status": "identified",
        "body_md": SPOTIFY_SHUFFLE,
        "published": datetime(2017, 11, 1, 9, 0),
    },
]


def seed_demo_articles(session: Session, clock: Clock) -> list[Article]:
    """Publish the demo articles once (a second call changes nothing); returns them."""
    articles = []
    for spec in DEMO:
        fields: dict[str, Any] = dict(spec)
        published = fields.pop("published")
        assert isinstance(published, datetime)
        existing = get_article(session, fields["slug"])
        if existing is not None:
            articles.append(existing)
            continue
        article = create_article(session, clock, fields.pop("title"), **fields)
        article.status = PUBLISHED
        article.published_at = article.updated_at = published
        articles.append(article)
    session.flush()
    return articles
