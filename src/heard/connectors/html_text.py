"""HTML to the text a person reads, for networks that send posts as HTML (Mastodon, ActivityPub).

Links keep their full address (the visible text is often shortened with an ellipsis), paragraphs and line
breaks become newlines, and anything that is not text (scripts, styles) is dropped.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._link: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            attributes = dict(attrs)
            classes = (attributes.get("class") or "").split()
            href = attributes.get("href")
            # Mentions and hashtags read as @name / #tag; plain links as their address.
            self._link = None if ("mention" in classes or "hashtag" in classes) else href
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._link is not None:
            self.parts.append(self._link)
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._link is not None:
            self._link_text.append(data)
            return
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # the parser gives up on some broken markup; keep what it read
        pass
    return "".join(parser.parts).strip()
