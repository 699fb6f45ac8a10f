"""Channels, inbox settings and routing: the one feature that knows the connector registry."""
