"""Agents, teams, roles and API tokens."""
