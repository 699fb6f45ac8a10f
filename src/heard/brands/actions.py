"""Write side of brands: add one, or make each support account a brand (the demo)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.brands.attribution import slug_of
from heard.brands.models import Brand


def ensure_brand(
    session: Session,
    name: str,
    now: datetime,
    accounts: Iterable[dict[str, str]] = (),
    keywords: Iterable[str] = (),
    hashtags: Iterable[str] = (),
    products: Iterable[str] = (),
) -> Brand:
    """The brand named `name`, added when it is new (its definition is left as it is when it exists)."""
    slug = slug_of(name)
    brand = session.scalars(select(Brand).where(Brand.slug == slug)).first()
    if brand is None:
        brand = Brand(
            slug=slug,
            name=name,
            accounts=list(accounts),
            keywords=list(keywords),
            hashtags=list(hashtags),
            products=list(products),
            created_at=now,
        )
        session.add(brand)
        session.flush()
    return brand


def brands_for_accounts(session: Session, network: str, handles: Iterable[str], now: datetime) -> list[Brand]:
    """One brand per support account (named after its handle): how the demo splits the sample's 76 companies."""
    return [
        ensure_brand(session, handle, now, accounts=[{"network": network, "handle": handle}])
        for handle in dict.fromkeys(handles)
    ]
