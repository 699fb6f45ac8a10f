"""Re-file a thread under the brand that answered it.

A complaint that names no brand account is attributed to no brand when it arrives; the brand answering it says
whose it is. The attribute stage marks such answers (`post.extra["answers_for"]`, `heard.brands.attribution`);
here, in the batch's transaction, the thread's customer posts get that brand (`post_brands`, and `posts.brand`
where they had none), and so do their incidents that hold no other thread. A fixed handful of statements per
batch with such answers, none per post; the answered posts' later replies are attributed by the stage itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import and_, case, exists, insert, select, update
from sqlalchemy.orm import Session

from heard.conversations.models import PostBrand, PostRecord
from heard.incidents.models import Incident
from heard.posts import Post

ANSWERS_KEY = "answers_for"


def refile_answered(session: Session, posts: Sequence[Post], post_ids: Mapping[str, int]) -> int:
    """File the threads that `posts` answer for a brand under that brand; returns how many posts gained it."""
    answers = {
        post_ids[p.key]: str(p.extra[ANSWERS_KEY])[:64]
        for p in posts
        if p.key in post_ids and isinstance(p.extra.get(ANSWERS_KEY), str)
    }
    if not answers:
        return 0
    brand_of: dict[int, str] = {}
    for post_id, conversation_id in session.execute(
        select(PostRecord.id, PostRecord.conversation_id).where(PostRecord.id.in_(answers))
    ):
        if conversation_id is not None:
            # Two brands answering one thread in one batch: the first keeps it (one brand per thread here).
            brand_of.setdefault(conversation_id, answers[post_id])
    if not brand_of:
        return 0
    conversations = list(brand_of)
    brand = case(brand_of, value=PostRecord.conversation_id)
    customers = and_(PostRecord.conversation_id.in_(conversations), PostRecord.is_brand.is_(False))
    missing = ~exists().where(PostBrand.post_id == PostRecord.id, PostBrand.brand == brand)
    inserted = session.execute(
        insert(PostBrand).from_select(["post_id", "brand"], select(PostRecord.id, brand).where(customers, missing))
    )
    added = getattr(inserted, "rowcount", 0)
    # An incident without a brand takes the answering brand only when all its posts are in threads that brand
    # answered: an unbranded incident gathering several threads must not become one brand's.
    inside = select(PostRecord.incident_id).where(PostRecord.conversation_id.in_(conversations))
    elsewhere = exists().where(
        PostRecord.incident_id == Incident.id,
        (PostRecord.conversation_id.not_in(conversations)) | PostRecord.conversation_id.is_(None),
    )
    answered_brand = (
        select(brand)
        .where(PostRecord.incident_id == Incident.id, PostRecord.conversation_id.in_(conversations))
        .limit(1)
        .scalar_subquery()
    )
    session.execute(
        update(Incident)
        .where(Incident.brand.is_(None), Incident.id.in_(inside), ~elsewhere)
        .values(brand=answered_brand)
        .execution_options(synchronize_session=False)
    )
    # A post's main brand is its incident's (incidents never mix brands): it changes where the incident was
    # re-filed above, or where the post is in none; it stays in the brand's queue by `post_brands` either way.
    filed = exists().where(Incident.id == PostRecord.incident_id, Incident.brand == brand)
    session.execute(
        update(PostRecord)
        .where(customers, PostRecord.brand.is_(None), PostRecord.incident_id.is_(None) | filed)
        .values(brand=brand)
        .execution_options(synchronize_session=False)
    )
    return int(added or 0)
