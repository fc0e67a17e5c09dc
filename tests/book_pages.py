"""Reading the built book's HTML pages: the images of a page with their alt texts."""

from __future__ import annotations

from html.parser import HTMLParser


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            attrs = dict(attrs)
            self.alts.append((attrs.get("src", ""), attrs.get("alt")))


def image_alts(html: str) -> list[tuple[str, str | None]]:
    """(src, alt) of every ``<img>`` of a page, in order; alt is None where there is none."""
    parser = Images()
    parser.feed(html)
    return parser.alts
