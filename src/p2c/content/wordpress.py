"""Reading WordPress REST API page documents (``/wp-json/wp/v2/pages/<id>``) into clean content.

WordPress themes wrap prose in layout markup (grids, cards, inline styles, external images). We keep
what a reader needs and rebuild it in our own, accessible markup: headings, paragraphs, quotations
with their attribution (``<figure><blockquote>…<figcaption>``) and the timeline as an ordered list,
whose entries also become milestones. Everything else is dropped, and the result passes through nh3
with a strict allow-list, so nothing from the source can run script or load a resource.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nh3
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "figure",
    "blockquote",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"class"}, "figure": {"class"}, "li": {"class"}}
INLINE_TAGS = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "a": "a", "br": "br"}
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
DROPPED = {"script", "style", "img", "iframe", "object", "embed", "svg", "noscript", "form", "template"}
VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr"}
MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun")]
        + [("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct")]
        + [("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
QUOTE_MARKS = "“”\"' "
TIMELINE_ENTRY = re.compile(r"^\s*(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})\s*[:\-–—]\s*(?P<text>.+?)\s*$")


class WordPressImportError(ValueError):
    """The file is not a WordPress page document we can import; the message says why."""


@dataclass
class Node:
    """An element of the parsed source (``tag`` is empty for text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text_content(self) -> str:
        if not self.tag:
            return self.text
        return "".join(child.text_content() for child in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("", text=data))


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a page's timeline: its month and what happened."""

    date: dt.date
    text: str


@dataclass(frozen=True)
class ImportedPage:
    """A WordPress page, ready to store."""

    source_id: str
    slug: str
    title: str
    content_html: str
    source_url: str
    published_at: dt.datetime | None
    modified_at: dt.datetime | None
    timeline: list[TimelineEntry]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u200b", "")).strip()


class _Renderer:
    """Rebuilds the page in our markup, collecting the timeline on the way."""

    def __init__(self) -> None:
        self.timeline: list[TimelineEntry] = []

    def blocks(self, node: Node) -> str:
        parts: list[str] = []
        for child in node.children:
            if not child.tag:
                text = _squash(child.text)
                if text:
                    parts.append(f"<p>{html.escape(text)}</p>")
            elif child.tag in DROPPED:
                continue
            elif "ituTimeline" in child.classes or ("timeline" in child.classes and child.tag in {"ul", "ol"}):
                parts.append(self.timeline_list(child))
            elif any("quote" in c for c in child.classes) and child.tag in {"div", "blockquote", "figure"}:
                parts.append(self.quotation(child))
            elif child.tag == "blockquote":
                parts.append(f'<figure class="quote"><blockquote>{self.blocks(child)}</blockquote></figure>')
            elif child.tag in HEADINGS:
                text = self.inline(child)
                if text.strip():
                    parts.append(f"<{HEADINGS[child.tag]}>{text}</{HEADINGS[child.tag]}>")
            elif child.tag == "p":
                text = self.inline(child)
                if _squash(re.sub(r"<[^>]+>", "", text)):
                    parts.append(f"<p>{self.paragraph_breaks(text)}</p>")
            elif child.tag in {"ul", "ol"}:
                items = [self.inline(li) for li in child.children if li.tag == "li"]
                parts.append(
                    f"<{child.tag}>" + "".join(f"<li>{i}</li>" for i in items if i.strip()) + f"</{child.tag}>"
                )
            else:  # layout wrappers (section, div, span, …): keep what is inside
                parts.append(self.blocks(child))
        return "".join(parts)

    @staticmethod
    def paragraph_breaks(text: str) -> str:
        """WordPress separates paragraphs with ``<br> <br>``; turn those into real paragraphs."""
        return re.sub(r"(?:\s*<br>\s*){2,}", "</p><p>", text).strip()

    def inline(self, node: Node) -> str:
        out: list[str] = []
        for child in node.children:
            if not child.tag:
                out.append(html.escape(re.sub(r"\s+", " ", child.text.replace("\u200b", ""))))
            elif child.tag in DROPPED:
                continue
            elif child.tag == "br":
                out.append("<br>")
            elif child.tag == "a" and child.attrs.get("href", "").startswith(("https://", "http://", "mailto:")):
                out.append(f'<a href="{html.escape(child.attrs["href"])}">{self.inline(child)}</a>')
            elif child.tag in INLINE_TAGS and child.tag != "a":
                inner = self.inline(child)
                if inner.strip():
                    tag = INLINE_TAGS[child.tag]
                    out.append(f"<{tag}>{inner.strip()}</{tag}>")
            else:
                out.append(self.inline(child))
        return "".join(out).strip()

    def quotation(self, node: Node) -> str:
        paragraphs = _find_all(node, "p")
        attribution = [p for p in paragraphs if any("author" in c.lower() for c in p.classes)]
        quoted = [p for p in paragraphs if p not in attribution]
        body = "".join(f"<p>{html.escape(_squash(p.text_content()).strip(QUOTE_MARKS))}</p>" for p in quoted)
        caption = ", ".join(_squash(p.text_content()) for p in attribution)
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        return f'<figure class="quote"><blockquote>{body}</blockquote>{figcaption}</figure>'

    def timeline_list(self, node: Node) -> str:
        items: list[str] = []
        for li in (child for child in node.children if child.tag == "li"):
            text = _squash(li.text_content())
            if not text:
                continue
            match = TIMELINE_ENTRY.match(text)
            month = MONTHS.get(match["month"].lower()) if match else None
            if match and month:
                self.timeline.append(TimelineEntry(dt.date(int(match["year"]), month, 1), match["text"]))
                label = html.escape(f"{match['month']} {match['year']}")
                items.append(f'<li class="timeline-entry"><strong>{label}</strong> {html.escape(match["text"])}</li>')
            else:
                items.append(f'<li class="timeline-entry">{html.escape(text)}</li>')
        return '<ol class="timeline">' + "".join(items) + "</ol>"


def _find_all(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.children:
        if child.tag == tag:
            found.append(child)
        found.extend(_find_all(child, tag))
    return found


def clean_html(fragment: str) -> str:
    """The final guard: only our allow-listed tags and attributes, only web and mail links."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def _rendered(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if isinstance(value, dict):
        value = value.get("rendered")
    if not isinstance(value, str):
        raise WordPressImportError(_("The document has no “%(key)s”.") % {"key": key})
    return value


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise WordPressImportError(_("“%(value)s” is not a date.") % {"value": value}) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def page_parse(document: Any) -> ImportedPage:
    """Turn one WordPress REST API page document into an :class:`ImportedPage`."""
    if not isinstance(document, dict):
        raise WordPressImportError(_("Expected one WordPress page (a JSON object), found something else."))
    if document.get("type") != "page":
        raise WordPressImportError(
            _("This is not a WordPress page (its type is “%(type)s”).") % {"type": document.get("type", "none")}
        )
    slug = document.get("slug")
    if not isinstance(slug, str) or not re.fullmatch(r"[-a-zA-Z0-9_]+", slug):
        raise WordPressImportError(_("The page has no usable slug."))
    title = _squash(html.unescape(re.sub(r"<[^>]+>", "", _rendered(document, "title"))))
    if not title:
        raise WordPressImportError(_("The page has no title."))
    builder = _TreeBuilder()
    builder.feed(_rendered(document, "content"))
    builder.close()
    renderer = _Renderer()
    content = clean_html(renderer.blocks(builder.root))
    if not content.strip():
        raise WordPressImportError(_("The page has no content we could keep."))
    return ImportedPage(
        source_id=str(document.get("id", "")),
        slug=slug,
        title=title[:300],
        content_html=content,
        source_url=str(document.get("link", ""))[:500],
        published_at=_datetime(document.get("date_gmt") or document.get("date")),
        modified_at=_datetime(document.get("modified_gmt") or document.get("modified")),
        timeline=renderer.timeline,
    )


def page_read(path: Path) -> ImportedPage:
    """Read and parse a WordPress page document from a file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WordPressImportError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WordPressImportError(_("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": exc}) from exc
    return page_parse(document)
