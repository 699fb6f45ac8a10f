"""Which brand(s) a post addresses. Pure: a `BrandBook` of brand definitions and a bounded memory of whose
posts recent posts were, no store.

In order: a post from one of a brand's own accounts is that brand's; a post that mentions a brand's account, or
replies to (or quotes) a post attributed to a brand, addresses that brand; else a post whose words include one of
a brand's keywords, products or hashtags does. A post can address several brands (it mentions two); the first is
its main brand, the one its conversation, incident and alerts are filed under.

A reply from a brand's own account makes the post it answers address that brand too: a complaint that named no
brand account, once the brand answers it, is that brand's, and so are later replies under it. `answer_of` tells
the store which answers bring news (the answered post was not known to address the brand), so it re-files the
thread's stored posts and incident once, not on every reply.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from heard.posts import Post

_WORD = re.compile(r"[#@]?[\w'-]+", re.UNICODE)


def slug_of(text: str) -> str:
    """A brand's slug from its name or handle: lower case, letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().lstrip("@")).strip("-")[:64] or "brand"


@dataclass(frozen=True, slots=True)
class BrandRule:
    """What identifies one brand in posts."""

    slug: str
    accounts: frozenset[str] = frozenset()  # lower-cased handles and account ids, any network
    terms: frozenset[str] = frozenset()  # lower-cased keywords, products and hashtags (with their #)


@dataclass
class BrandBook:
    """All brands of an installation and a memory of recent posts' brands (for replies under them)."""

    rules: Sequence[BrandRule] = ()
    capacity: int = 200_000
    _accounts: dict[str, str] = field(default_factory=dict, init=False)
    _terms: dict[str, list[str]] = field(default_factory=dict, init=False)
    _phrases: list[tuple[str, str]] = field(default_factory=list, init=False)
    _recent: OrderedDict[str, tuple[str, ...]] = field(default_factory=OrderedDict, init=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            for account in rule.accounts:
                self._accounts.setdefault(account, rule.slug)
            for term in rule.terms:
                if " " in term:
                    self._phrases.append((term, rule.slug))
                else:
                    self._terms.setdefault(term, []).append(rule.slug)

    @property
    def slugs(self) -> list[str]:
        return [rule.slug for rule in self.rules]

    def attribute(self, post: Post) -> tuple[str, ...]:
        """The brands `post` addresses, main brand first (empty when it addresses none of them)."""
        return self.attribute_answer(post)[0]

    def attribute_answer(self, post: Post) -> tuple[tuple[str, ...], str | None]:
        """The brands `post` addresses, and the brand whose own account answers, in `post`, a post not known
        until now to address that brand (None otherwise): that thread is to be re-filed under it."""
        found: list[str] = []
        raw = post.raw
        own = self._accounts.get(raw.author_handle.lower().lstrip("@")) or self._accounts.get(raw.author_id.lower())
        news: str | None = None
        if own is not None:
            found.append(own)
            if raw.in_reply_to is not None:
                answered = f"{raw.network}:{raw.in_reply_to}"
                known = self._recent.get(answered, ())
                if own not in known:
                    news = own
                    self._remember(answered, (*known, own))
        for mention in post.mentions:
            slug = self._accounts.get(mention.lower().lstrip("@"))
            if slug is not None:
                found.append(slug)
        for parent in (raw.in_reply_to, raw.quote_of):
            if parent is not None:
                found.extend(self._recent.get(f"{raw.network}:{parent}", ()))
        if not found and (self._terms or self._phrases):
            lowered = post.text.lower()
            for word in _WORD.findall(lowered):
                found.extend(self._terms.get(word, ()))
                found.extend(self._terms.get(word.lstrip("#@"), ()))
            found.extend(slug for phrase, slug in self._phrases if phrase in lowered)
        brands = tuple(dict.fromkeys(found))
        self._remember(post.key, brands)
        return brands, news

    def _remember(self, key: str, brands: tuple[str, ...]) -> None:
        if not brands:
            return
        self._recent[key] = brands
        self._recent.move_to_end(key)
        while len(self._recent) > self.capacity:
            self._recent.popitem(last=False)


def rule_for(slug: str, accounts: Iterable[Mapping[str, object]], terms: Iterable[str]) -> BrandRule:
    """A brand's rule from its stored definition."""
    names: set[str] = set()
    for account in accounts:
        for part in ("handle", "id"):
            value = account.get(part)
            if isinstance(value, str) and value:
                names.add(value.lower().lstrip("@"))
    return BrandRule(slug, frozenset(names), frozenset(t.lower().strip() for t in terms if t.strip()))
