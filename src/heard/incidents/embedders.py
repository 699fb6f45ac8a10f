"""The text representations grouping can use, by name (vectors of different embedders are never compared)."""

from __future__ import annotations

from collections.abc import Collection

from heard.errors import BadInput
from heard.incidents.lexical import LexicalEmbedder
from heard.pipeline.group import Embedder

DEFAULT = "lexical"
NAMES = ("lexical",)


def make_embedder(name: str = DEFAULT, brand_terms: Collection[str] = ()) -> Embedder:
    """The embedder called `name`; `brand_terms` (the brand's handles and names) are ignored in texts."""
    if name == "lexical":
        return LexicalEmbedder(stop_terms=brand_terms)
    raise BadInput(f"unknown embedder {name!r}; choose one of {', '.join(NAMES)}", name)
