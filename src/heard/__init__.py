"""Heard: social customer care that answers before the pile-on."""

__version__ = "0.1.0"
