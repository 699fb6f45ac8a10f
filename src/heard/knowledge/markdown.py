"""Article Markdown to safe HTML. Raw HTML in the source is never passed through (markdown-it `html=False`):
the only markup that is not Markdown's own is a YouTube player, built here from an 11-character video id when
a paragraph is nothing but a YouTube link, pointing at youtube-nocookie.com. Links must be http(s), mailto or
relative; images http(s) or relative."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

YOUTUBE = re.compile(
    r"^<?https?://(?:www\.|m\.)?(?:youtube\.com/watch\?(?:[^\s>]*&)?v=|youtu\.be/|youtube\.com/embed/|"
    r"youtube-nocookie\.com/embed/)([A-Za-z0-9_-]{11})(?:[?&#][^\s<>]*)?>?$"
)
_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|/|#|\.{0,2}/|[^:/?#\s]+(?:[/?#]|$))", re.IGNORECASE)
_SAFE_IMAGE = re.compile(r"^(?:https?:|/|\.{0,2}/|[^:/?#\s]+(?:[/?#]|$))", re.IGNORECASE)
MAX_SOURCE_CHARS = 200_000  # an article longer than this is cut, so a hostile paste cannot stall a page


def youtube_id(text: str) -> str | None:
    """The video id when `text` is exactly one YouTube URL, else None."""
    match = YOUTUBE.match(text.strip())
    return match.group(1) if match else None


def player_html(video_id: str) -> str:
    # video_id matched [A-Za-z0-9_-]{11}: nothing in it needs escaping.
    return (
        f'<figure class="video"><iframe src="https://www.youtube-nocookie.com/embed/{video_id}" '
        'title="Video" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" '
        'allow="encrypted-media; picture-in-picture; fullscreen" allowfullscreen></iframe>'
        f'<figcaption><a href="https://www.youtube.com/watch?v={video_id}">Watch on YouTube</a></figcaption>'
        "</figure>\n"
    )


def _embed_videos(state: StateCore) -> None:
    tokens = state.tokens
    for i in range(1, len(tokens) - 1):
        opening, inline = tokens[i - 1], tokens[i]
        if opening.type != "paragraph_open" or inline.type != "inline" or opening.level != 0:
            continue
        video = youtube_id(inline.content)
        if video is None:
            continue
        block = Token("html_block", "", 0, content=player_html(video))
        tokens[i - 1] = Token("text", "", 0, hidden=True)
        tokens[i] = block
        tokens[i + 1] = Token("text", "", 0, hidden=True)


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tokens[idx].attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


def _hidden(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return ""


def _validate_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.core.ruler.push("youtube_embed", _embed_videos)
    md.add_render_rule("image", _image)
    md.add_render_rule("text", _text_or_hidden)
    md.core.ruler.push("safe_images", _drop_unsafe_images)
    return md


def _text_or_hidden(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    if tokens[idx].hidden:
        return ""
    return self.text(tokens, idx, options, env)


def _drop_unsafe_images(state: StateCore) -> None:
    for token in state.tokens:
        for child in token.children or []:
            if child.type == "image" and not _SAFE_IMAGE.match(str(child.attrGet("src") or "")):
                child.attrSet("src", "")
                child.type = "text"
                child.content = str(child.content or "")


_PARSER = make_parser()


def render(source: str) -> str:
    """Safe HTML for an article's Markdown; never raises on any input."""
    text = _clean(source)[:MAX_SOURCE_CHARS]
    html: str = _PARSER.render(text)
    return html


def plain_text(source: str, limit: int = 300) -> str:
    """The words of the Markdown without its markup, for meta descriptions and search snippets."""
    words: list[str] = []
    for token in _PARSER.parse(_clean(source)[:MAX_SOURCE_CHARS]):
        if token.type == "inline" and youtube_id(token.content) is None:
            words.extend(c.content for c in token.children or [] if c.type in ("text", "code_inline"))
        if sum(len(w) for w in words) > limit * 2:
            break
    text = re.sub(r"\s+", " ", " ".join(words)).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _clean(source: Any) -> str:
    text = source if isinstance(source, str) else ""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


@dataclass(frozen=True)
class Section:
    """One `## Heading` part of an article; `kind` is symptom, cause, steps, workaround, status or other."""

    kind: str
    heading: str
    html: str


_KINDS = {
    "symptom": "symptom",
    "symptoms": "symptom",
    "cause": "cause",
    "why": "cause",
    "steps": "steps",
    "steps to fix": "steps",
    "how to fix": "steps",
    "fix": "steps",
    "workaround": "workaround",
    "status": "status",
}


def sections(source: str) -> list[Section]:
    """Split an article at its level-2 headings (outside code fences) and render each part."""
    parts: list[tuple[str, list[str]]] = [("", [])]
    fence: str | None = None
    for line in _clean(source)[:MAX_SOURCE_CHARS].splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        if fence is None and line.startswith("## "):
            parts.append((line[3:].strip().strip("#").strip(), []))
        else:
            parts[-1][1].append(line)
    result = []
    for heading, lines in parts:
        body = "\n".join(lines).strip()
        if not heading and not body:
            continue
        kind = _KINDS.get(heading.lower().rstrip(":"), "other") if heading else "intro"
        result.append(Section(kind, heading, render(body)))
    return result
