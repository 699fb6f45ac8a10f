"""The replay connector: imports exported posts (twcs CSV, Heard JSONL) and delivers replies to a local file."""
