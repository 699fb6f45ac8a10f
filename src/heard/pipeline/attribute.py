"""attribute: which brand(s) each post addresses (`heard.brands.attribution`), in `post.extra["brands"]`.

The brands come from a provider the worker gives (read from the store at most once a minute), so brands added
while the worker runs are picked up; the book, and its memory of recent posts' brands, is kept while the brand
list is unchanged, so a reply under a brand's post is filed under that brand. A brand's reply to a post not known
to address it carries `post.extra["answers_for"]` (the brand): the store re-files that thread under the brand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from heard.brands.attribution import BrandBook
from heard.pipeline.stage import StageContext
from heard.posts import Post

_REFRESH = timedelta(seconds=60)


class Attribute:
    name = "attribute"

    def __init__(self, brands: Callable[[], BrandBook]) -> None:
        self._load = brands
        self._book: BrandBook | None = None
        self._loaded_at: datetime | None = None

    def book(self, now: datetime) -> BrandBook:
        if self._book is None or self._loaded_at is None or now - self._loaded_at >= _REFRESH:
            fresh = self._load()
            if self._book is None or list(fresh.rules) != list(self._book.rules):
                self._book = fresh
            self._loaded_at = now
        return self._book

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        book = self.book(ctx.now)
        if not book.rules:
            return posts
        for post in sorted(posts, key=lambda p: p.created_at):
            brands, answers_for = book.attribute_answer(post)
            if brands:
                post.extra["brands"] = list(brands)
            if answers_for is not None:
                post.extra["answers_for"] = answers_for
        return posts
