"""Read side of brands: the list, and the attribution book built from it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.brands.attribution import BrandBook, rule_for
from heard.brands.models import Brand


def list_brands(session: Session) -> Sequence[Brand]:
    return session.scalars(select(Brand).order_by(Brand.name, Brand.id)).all()


def brand_book(session: Session) -> BrandBook:
    """Every brand's rule, in name order (an installation with no brand attributes nothing)."""
    rules = [rule_for(b.slug, b.accounts, [*b.keywords, *b.products, *b.hashtags]) for b in list_brands(session)]
    return BrandBook(rules)
