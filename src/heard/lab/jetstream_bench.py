"""`heard bench jetstream`: how many Jetstream events a second one core takes, and where the time goes.

Recorded Jetstream events (or, without them, a generated mix of likes, reposts and posts) are cycled to
`events` frames, each re-stamped and given its own rkey. In one run and on the same frames it measures, as
events per CPU-second of this process:

- bare_decode: `json.loads` of every frame (what any client pays before it can look at an event);
- orjson_decode: the same with orjson;
- prefilter: the byte prefilter alone (what the Bluesky connector pays for an event about someone else);
- taker: the connector's whole per-frame path without a socket (prefilter, then decode, post and exact match for
  the frames that pass);
- end_to_end: a local WebSocket server (another process, so its CPU is not counted) replays the frames at full
  speed and the connector's real `read_slice` reads them; beside it the same socket read with a bare decode
  of every frame.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from heard.connectors.base import ListeningRules
from heard.connectors.bluesky import jetstream
from heard.connectors.bluesky.parse import jetstream_post, matches

#: the recorded firehose slice the tests use, when this checkout has it beside it
RECORDED = Path("../shared/fixtures/more/bluesky/jetstream-real/expected_v1.jsonl")
BRAND_DID = "did:plc:i5y2f3gtpjxs3qg6fwgb6jb4"
RULES = ListeningRules(handles=("acme.bsky.social",), keywords=("ネトフリ", "acme support"), hashtags=("acmefail",))


def recorded_events(path: Path | None) -> list[dict[str, Any]]:
    source = path or RECORDED
    if source.exists():
        return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    return _generated()


def _generated() -> list[dict[str, Any]]:
    """A firehose-like mix (7 likes or reposts to each post) when no recording is at hand."""
    out: list[dict[str, Any]] = []
    for n in range(64):
        did = f"did:plc:{n:024d}"
        record: dict[str, Any]
        if n % 8 == 0:
            record = {"$type": "app.bsky.feed.post", "text": f"post {n} about the weather", "langs": ["en"]}
            collection = "app.bsky.feed.post"
        else:
            subject = {"cid": "bafyrei" + "a" * 52, "uri": f"at://did:plc:x/app.bsky.feed.post/{n}"}
            record = {"$type": "app.bsky.feed.like", "subject": subject}
            collection = "app.bsky.feed.like"
        record["createdAt"] = "2026-07-04T14:38:08.999Z"
        commit = {"rev": "3mpt", "operation": "create", "collection": collection, "rkey": f"3k{n}", "record": record}
        out.append({"did": did, "time_us": 1783175888085434 + n, "kind": "commit", "commit": {**commit, "cid": "b"}})
    return out


def frames(events: int, source: list[dict[str, Any]]) -> list[bytes]:
    """`events` compact JSON frames cycling `source`, time_us increasing, rkeys unique."""
    out = []
    start = 1783175888085434
    for n in range(events):
        event = dict(source[n % len(source)])
        event["time_us"] = start + n * 250
        commit = event.get("commit")
        if isinstance(commit, dict):
            event["commit"] = {**commit, "rkey": f"{commit.get('rkey', 'k')}{n}"}
        out.append(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return out


def _rate(count: int, work: Callable[[], object]) -> dict[str, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"events_per_cpu_s": round(count / cpu) if cpu else 0.0, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3)}


def _taker(compress: bool) -> tuple[jetstream.Slice, jetstream.Taker]:
    dids = {BRAND_DID}
    out = jetstream.Slice()
    gate = jetstream.Prefilter(dids, RULES.handles, RULES.keywords, RULES.hashtags)
    take = jetstream.Taker(
        out,
        keep=lambda post, record: matches(post, record, RULES, dids),
        to_post=lambda event: jetstream_post(event, lambda author: author in dids, "bench"),
        prefilter=gate,
        compress=compress,
    )
    return out, take


def _serve(port_out: Any, payload: list[bytes]) -> None:
    from websockets.sync.server import ServerConnection, serve

    def handler(socket: ServerConnection) -> None:
        for frame in payload:
            socket.send(frame)  # bytes: a binary frame, as Jetstream sends compressed ones

    with serve(handler, "127.0.0.1", 0, compression=None, max_size=2**22) as server:
        port_out.put(server.socket.getsockname()[1])
        server.serve_forever()


def _server(payload: list[bytes]) -> Iterator[str]:
    context = multiprocessing.get_context("fork")
    port_out = context.Queue()
    process = context.Process(target=_serve, args=(port_out, payload), daemon=True)
    process.start()
    try:
        yield f"ws://127.0.0.1:{port_out.get(timeout=30)}/subscribe"
    finally:
        process.terminate()
        process.join(timeout=5)


def _socket_bare(url: str, count: int) -> None:
    from websockets.sync.client import connect

    seen = 0
    with connect(url, max_size=2**22, compression=None) as socket:
        while seen < count:
            json.loads(socket.recv(decode=False))
            seen += 1


def run(events: int, source_path: Path | None = None, compress: bool = False) -> dict[str, Any]:
    """The figures for `events` frames (text frames, or zstd binary frames with `compress`)."""
    import orjson

    data = frames(events, recorded_events(source_path))
    payload = data
    if compress:
        zstandard = __import__("zstandard")
        dictionary = zstandard.ZstdCompressionDict(
            resources.files("heard.connectors.bluesky").joinpath("data", "jetstream_v1.zdict").read_bytes()
        )
        packer = zstandard.ZstdCompressor(dict_data=dictionary)
        payload = [packer.compress(frame) for frame in data]
    gate = jetstream.Prefilter({BRAND_DID}, RULES.handles, RULES.keywords, RULES.hashtags)
    figures: dict[str, Any] = {
        "events": events,
        "frame_bytes_mean": round(sum(map(len, payload)) / len(payload)),
        "compress": compress,
        "cpus_online": os.cpu_count(),
        "load_1m": round(os.getloadavg()[0], 2),
    }
    figures["bare_decode"] = _rate(events, lambda: [json.loads(f) for f in data])
    figures["orjson_decode"] = _rate(events, lambda: [orjson.loads(f) for f in data])
    passed: list[int] = []
    figures["prefilter"] = _rate(events, lambda: passed.append(sum(1 for f in data if gate(f))))
    figures["prefilter"]["passed"] = passed[0]
    out, take = _taker(compress)

    def take_all() -> None:
        for frame in payload:
            take(frame)

    figures["taker"] = _rate(events, take_all)
    figures["taker"]["kept"] = len(out.posts)
    got: list[jetstream.Slice] = []
    for url in _server(payload):

        def read(url: str = url) -> None:
            got.append(
                jetstream.read_slice(
                    url,
                    None,
                    window_s=600,
                    max_events=events,
                    keep=lambda post, record: matches(post, record, RULES, {BRAND_DID}),
                    to_post=lambda event: jetstream_post(event, lambda author: author == BRAND_DID, "bench"),
                    prefilter=gate,
                    compress=compress,
                )
            )

        figures["end_to_end"] = _rate(events, read)
        figures["end_to_end"]["events_per_wall_s"] = round(events / figures["end_to_end"]["wall_s"])
        figures["end_to_end"]["kept"] = len(got[0].posts)
        figures["end_to_end"]["read"] = got[0].events
    if not compress:
        for bare_url in _server(payload):
            figures["end_to_end_bare_decode"] = _rate(events, partial(_socket_bare, bare_url, events))
    bare = figures["bare_decode"]["events_per_cpu_s"]
    figures["prefilter_vs_bare_decode"] = round(figures["prefilter"]["events_per_cpu_s"] / bare, 2)
    figures["end_to_end_vs_bare_decode"] = round(figures["end_to_end"]["events_per_cpu_s"] / bare, 2)
    return figures
