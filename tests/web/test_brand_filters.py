"""Per brand: the inbox queue and the incident list filter by brand, and show the picker only when there is more
than one brand (an installation with one brand has nothing to pick)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.app import Runtime
from heard.brands.actions import ensure_brand
from heard.conversations.models import PostRecord
from heard.incidents.models import Incident
from tests.web.factories import add_conversation


def _two_brands_posts(runtime: Runtime, brands: tuple[str, ...]) -> None:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        for name in brands:
            ensure_brand(session, name, now)
        for handle, brand in (("flyer", "delta"), ("shopper", "amazonhelp"), ("nobody_in_particular", None)):
            conversation = add_conversation(session, now, handle, f"my problem with {brand}")
            post = session.scalars(select(PostRecord).where(PostRecord.conversation_id == conversation.id)).one()
            post.brand = brand
            incident = Incident(title=f"Trouble at {brand}", brand=brand, created_at=now, updated_at=now)
            incident.post_count, incident.author_count, incident.last_post_at = 3, 3, now
            session.add(incident)


def test_one_brand_shows_no_picker(client: TestClient, runtime: Runtime) -> None:
    _two_brands_posts(runtime, ("Delta",))
    for path in ("/", "/incidents"):
        assert 'class="brand-picker"' not in client.get(path).text, path


def test_the_queue_and_the_incidents_filter_by_brand(client: TestClient, runtime: Runtime) -> None:
    _two_brands_posts(runtime, ("Delta", "AmazonHelp"))
    everyone = client.get("/").text
    assert 'class="brand-picker"' in everyone
    assert "@flyer" in everyone
    assert "@shopper" in everyone

    delta = client.get("/?brand=delta").text
    assert "@flyer" in delta
    assert "@shopper" not in delta
    assert '<option value="delta" selected>' in delta
    # The "N new" button and the rows keep the brand; the queue fragment htmx swaps in is filtered too.
    assert 'hx-get="/inbox/queue?brand=delta"' in delta
    fragment = client.get("/inbox/queue?brand=delta").text
    assert "@flyer" in fragment
    assert "@shopper" not in fragment

    listing = client.get("/incidents").text
    assert 'class="brand-picker"' in listing
    assert "Trouble at delta" in listing
    assert "Trouble at amazonhelp" in listing
    amazon = client.get("/incidents?brand=amazonhelp").text
    assert "Trouble at amazonhelp" in amazon
    assert "Trouble at delta" not in amazon
    # An unknown brand (a stale bookmark) is ignored rather than refused.
    stale = client.get("/incidents?brand=gone")
    assert stale.status_code == 200
    assert "Trouble at delta" in stale.text
