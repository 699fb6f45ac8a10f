from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from heard.incidents.lexical import LexicalEmbedder
from heard.incidents.titles import describe, key_phrases

EMBED = LexicalEmbedder()


def test_a_common_two_word_phrase_reads_better_than_its_word() -> None:
    texts = [
        "worst customer service ever",
        "customer service is the worst",
        "your customer service never answers",
        "customer support worst",
    ]
    assert key_phrases(texts)[:2] == ["customer service", "worst"]


def test_title_and_summary_come_from_the_posts() -> None:
    texts = ["lost bag at ORD again", "they lost my bag in Denver", "lost bag, nobody answers the phone"]
    described = describe(texts, EMBED.embed(texts), authors=3)
    assert described.title.startswith("Lost bag")
    assert described.summary.startswith("About lost bag")
    assert "3 posts" not in described.summary  # counts live in the header, never frozen in the summary
    assert described.examples[0] in [" ".join(t.split()) for t in texts]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=6))
def test_describing_any_text_never_fails(texts: list[str]) -> None:
    described = describe(texts, EMBED.embed(texts))
    assert 0 < len(described.title) <= 120
    assert len(described.key_phrases) <= 5


def test_contraction_stems_and_greetings_never_make_a_title() -> None:
    texts = [
        "@XboxSupport hello, the DLC wasn't there after redeeming it",
        "@XboxSupport hello? my save data wasn't backed up to the cloud",
        "@XboxSupport hello, DLC gone and save data wasn't synced",
    ]
    phrases = key_phrases(texts)
    assert not {"hello", "wasn"} & set(phrases)
    assert "save data" in phrases


def test_a_lone_word_gives_way_to_the_most_typical_post() -> None:
    texts = ["@AppleSupport my iphone is hot", "iphone restarts at night", "@AppleSupport new iphone, no sound"]
    described = describe(texts, EMBED.embed(texts))
    assert described.key_phrases == ["iphone"]
    # The typical post's own words, handles left out, as a phrase.
    assert described.title in ["My iphone is hot", "Iphone restarts at night", "New iphone, no sound"]


def test_the_title_is_a_customers_phrase_without_handles_and_so_is_the_summary() -> None:
    texts = [
        "@AppleSupport keyboard glitches after the iOS 11.2 update. So annoying",
        "@AppleSupport since the update my keyboard glitches constantly",
        "keyboard glitches after updating, @AppleSupport help https://t.co/x",
        "@AppleSupport @bob keyboard glitches on my iPhone after iOS 11.2",
    ]
    described = describe(texts, EMBED.embed(texts))
    assert "keyboard glitches" in described.title.lower()
    assert "·" not in described.title
    assert "@" not in described.title
    assert "@" not in described.summary
    assert "https://" not in described.summary


def test_same_here_replies_count_but_the_complaint_names_the_problem() -> None:
    texts = [
        "same here, been waiting days and nobody answers",
        "me too, still not fixed",
        "+1 exactly the same issue",
        "@Delta my checked bag was lost on the flight to Denver and nobody answers",
    ]
    described = describe(texts, EMBED.embed(texts))
    assert "bag" in described.title.lower()
    assert "same" not in described.title.lower()
    assert all("same here" not in e for e in described.examples)


def test_a_clause_naming_the_problem_wins_over_the_customers_mood() -> None:
    texts = [
        "@AppleSupport omg my battery!!! I love my phone though",
        "@AppleSupport battery drains in two hours since iOS 11",
        "battery, iPhone 7, iOS 11",
    ]
    described = describe(texts, EMBED.embed(texts))
    assert described.title == "Battery drains in two hours since iOS 11"


def test_shouting_and_fillers_leave_the_title() -> None:
    texts = ["@Comcast AND NOW THE INTERNET IS DOWN AGAIN", "so the internet is down all day", "internet down?"]
    described = describe(texts, EMBED.embed(texts))
    assert described.title[0].isupper()
    assert not described.title.isupper()
    assert not described.title.lower().startswith(("and ", "so "))
    assert "internet" in described.title.lower()


def test_without_a_clause_the_title_lists_distinct_phrases_in_words() -> None:
    texts = ["burrito costume", "burritos costume party", "burrito costume soccer"]
    described = describe(texts, EMBED.embed(texts))
    assert "·" not in described.title
    assert described.title.lower().count("burrito") == 1


def test_tidying_never_leaves_a_scrap_of_the_post() -> None:
    texts = ["@AmazonHelp thanks so much!", "@AmazonHelp thanks so much!!"]
    described = describe(texts, EMBED.embed(texts))
    assert described.title.lower().startswith("thanks so much")


def test_one_post_is_its_own_title_not_a_list_of_its_words() -> None:
    texts = ["@Uber_Support my account gets disabled every time I try to login, really frustrating"]
    described = describe(texts, EMBED.embed(texts))
    assert described.title.startswith("My account gets disabled every time I try to login")
