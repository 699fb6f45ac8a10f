"""Connectors: one package per network, each registering itself in `heard.connectors.registry`."""
