"""The CLI's commands. A module here defines plain functions (commands) and `typer.Typer` apps (groups of commands);
the static table in `heard.cli` names each, so a module is imported only when one of its commands runs. Commands
parse options, call one feature or `heard.lab` function and print; they never import `heard.cli`."""
