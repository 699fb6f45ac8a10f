"""The text representations grouping can use, by name (vectors of different embedders are never compared)."""

from __future__ import annotations

from heard.errors import BadInput
from heard.incidents.lexical import LexicalEmbedder
from heard.pipeline.group import Embedder

DEFAULT = "lexical"
NAMES = ("lexical",)


def make_embedder(name: str = DEFAULT) -> Embedder:
    if name == "lexical":
        return LexicalEmbedder()
    raise BadInput(f"unknown embedder {name!r}; choose one of {', '.join(NAMES)}", name)
