"""Shared checks for the standalone HTML pages the practice tools write (CPD export, audit report)."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Outline(HTMLParser):
    """Collects the page's language, heading levels, tags, ids and every src/href it refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[int] = []
        self.heading_text: list[tuple[int, str]] = []
        self.refs: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.ids: list[str] = []
        self.described_by: list[str] = []
        self.svgs: list[dict] = []
        self._in_heading: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "svg":
            self.svgs.append(a)
        for key in ("aria-describedby", "aria-labelledby"):
            if a.get(key):
                self.described_by += a[key].split()
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
            self._in_heading = int(tag[1])
            self._text = []
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for key in ("src", "href", "srcset", "data", "action", "xlink:href", "poster"):
            if a.get(key):
                self.refs.append(a[key])

    def handle_data(self, data):
        if self._in_heading is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in_heading is not None and tag == f"h{self._in_heading}":
            self.heading_text.append((self._in_heading, "".join(self._text).strip()))
            self._in_heading = None


def check_standalone_html(html: str) -> Outline:
    """Assert the page is standalone and has an accessible outline; return what was found."""
    o = Outline()
    o.feed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert o.lang == "en-GB"
    assert o.headings and o.headings[0] == 1 and o.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(o.headings, o.headings[1:])), f"heading levels skip: {o.headings}"
    # Links to cited sources (<a href="https://...">) load nothing; every other reference would.
    external = [r for r in o.refs if not r.startswith("#") and r not in o.links]
    assert not external, f"the page refers to other files or sites: {external}"
    assert all(r.startswith(("https://", "#")) for r in o.links), f"links must be https addresses: {o.links}"
    assert not {"script", "link", "iframe", "img", "object", "embed"} & o.tags
    unlinked = re.sub(r'<a href="https://[^"<>]+">https://[^"<>]+</a>', "", html)
    assert "http://" not in html and "https://" not in unlinked and "@import" not in html and "url(" not in html
    assert len(o.ids) == len(set(o.ids)), "duplicate ids"
    missing = [i for i in o.described_by if i not in o.ids]
    assert not missing, f"aria references to missing ids: {missing}"
    return o
