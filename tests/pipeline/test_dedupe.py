from collections.abc import Collection
from datetime import UTC, datetime

from heard.pipeline.dedupe import Dedupe
from heard.pipeline.ports import BatchPorts
from heard.pipeline.stage import StageContext
from heard.posts import Post, RawPost

NOW = datetime(2026, 1, 5, tzinfo=UTC)


class Seen:
    def __init__(self, keys: set[str]) -> None:
        self.keys = keys

    def seen(self, keys: Collection[str]) -> set[str]:
        return self.keys & set(keys)


def post(external_id: str, network: str = "twitter") -> Post:
    return Post(raw=RawPost(network, external_id, "a", "a", "t", NOW), text="t")


def test_drops_stored_and_repeated_posts_keeps_order() -> None:
    batch = [post("1"), post("2"), post("1"), post("3"), post("2", network="mastodon")]
    out = Dedupe()(batch, StageContext(now=NOW, ports=BatchPorts(seen=Seen({"twitter:2"}))))
    assert [p.key for p in out] == ["twitter:1", "twitter:3", "mastodon:2"]


def test_empty_batch() -> None:
    assert Dedupe()([], StageContext(now=NOW)) == []
