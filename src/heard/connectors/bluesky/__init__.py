"""Bluesky: Jetstream (the firehose as JSON over WebSocket) filtered by the listening rules, or search and
notifications over XRPC; replies through com.atproto.repo.createRecord."""
