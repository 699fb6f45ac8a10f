"""Full-text search finds published articles only, on SQLite (FTS5) and PostgreSQL (tsvector), for any input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.knowledge.actions import create_article, publish_article, update_article
from heard.knowledge.search import search, suggest


def _seed(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        create_article(
            session, clock, "Typing I shows A [?] on iOS 11.1", summary="Autocorrect replaces the letter I.",
            body_md="## Steps to fix\n1. Update to iOS 11.1.1 in Settings > General > Software Update.",
            category="Apple",
        )  # fmt: skip
        publish_article(session, clock, "typing-i-shows-a-on-ios-11-1")
        create_article(session, clock, "Unreleased login loop fix", body_md="The login loop secret draft.")
        create_article(session, clock, "Spotify shuffle stops", body_md="Shuffle turns off after one song.")
        publish_article(session, clock, "spotify-shuffle-stops")


def test_search_finds_published_and_never_drafts(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    _seed(sessions, clock)
    with sessions() as session:
        assert [h.article.slug for h in search(session, "autocorrect")] == ["typing-i-shows-a-on-ios-11-1"]
        assert [h.article.slug for h in search(session, "softw")] == ["typing-i-shows-a-on-ios-11-1"]
        assert [h.article.slug for h in search(session, "SHUFFLE song")] == ["spotify-shuffle-stops"]
        assert search(session, "login loop secret") == []
        assert search(session, "autocorrect shuffle") == []  # every word must match
        assert search(session, "") == []
        hit = search(session, "letter")[0]
        assert hit.snippet == "Autocorrect replaces the letter I."


def test_search_follows_edits_and_archiving(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    _seed(sessions, clock)
    with sessions.begin() as session:
        update_article(session, clock, "spotify-shuffle-stops", body_md="Repeat lights up but does not repeat.")
    with sessions() as session:
        assert search(session, "shuffle")  # still in the title
        assert search(session, "song") == []
        assert [h.article.slug for h in search(session, "repeat")] == ["spotify-shuffle-stops"]


def test_suggestions_match_a_customers_post(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    _seed(sessions, clock)
    with sessions() as session:
        post = "@AppleSupport my autocorrect keeps changing the letter I into A?? https://t.co/x #ios11"
        assert [h.article.slug for h in suggest(session, post)] == ["typing-i-shows-a-on-ios-11-1"]
        assert suggest(session, "hi thanks") == []
        # One shared word, and words every app complaint has, are not enough.
        assert suggest(session, "@ChipotleTweets the app lost my order after the update, fix it") == []
        assert suggest(session, "I dropped my phone and the letter keys are cracked") == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=200))
def test_any_query_is_answered(sessions: sessionmaker[Session], query: str) -> None:
    with sessions() as session:
        assert isinstance(search(session, query), list)
        assert isinstance(suggest(session, query), list)


def test_search_and_suggestions_fold_accents_both_ways(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        create_article(
            session, clock, "Reçu de paiement introuvable", summary="Le reçu n'arrive pas après l'achat.",
            body_md="Ouvrez Paramètres puis Achats pour télécharger le reçu.", category="Facturation",
        )  # fmt: skip
        publish_article(session, clock, "recu-de-paiement-introuvable")
    with sessions() as session:
        for query in ("recu paiement", "REÇU", "parametres", "telecharger"):
            assert [h.article.slug for h in search(session, query)] == ["recu-de-paiement-introuvable"], query
        suggested = suggest(session, "@Shop mon recu de paiement est introuvable!")
        assert [h.article.slug for h in suggested] == ["recu-de-paiement-introuvable"]
