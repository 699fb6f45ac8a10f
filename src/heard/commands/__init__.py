"""CLI command groups. Each module here defines `register(cli)` and is found by `heard.cli` on its own,
so a feature adds commands without editing cli.py."""
