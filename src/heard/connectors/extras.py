"""Optional packages a connector needs, with the one-line fix when one is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from heard.errors import MissingExtra


def require(module: str, extra: str) -> ModuleType:
    """Import `module`, or raise MissingExtra telling how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(f"the {extra} connector needs the '{module}' package: pip install 'heard[{extra}]'") from exc
