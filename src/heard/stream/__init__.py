"""The event log: an append-only, replayable log of topics with at-least-once consumer groups."""
