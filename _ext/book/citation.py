"""The ``{book-citation}`` directive: the book's BibTeX entry, generated from CITATION.cff."""

from __future__ import annotations

from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .repository import ROOT, published_repository


def cff_bibtex(path: Path | None = None, url: str | None = None) -> str:
    """A BibTeX entry for the book, from its CITATION.cff (title, authors, version, date, URL)."""
    cff = yaml.safe_load((path or ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    authors = []
    for person in cff.get("authors", []):
        if "family-names" in person:
            authors.append(f"{person['family-names']}, {person.get('given-names', '')}".strip(", "))
        else:
            authors.append("{" + person["name"] + "}")  # an organisation: kept whole
    released = str(cff.get("date-released", ""))
    year, month = (released.split("-") + ["", ""])[:2]
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    url = url or cff.get("url") or cff.get("repository-code")
    if url is None and path is None:
        published = published_repository()
        url = published[0] if published else None
    key = f"annotator_incentives_book{year}"
    fields = [("title", "{" + cff["title"] + "}"), ("author", " and ".join(authors)),
              ("version", cff.get("version")), ("year", year or None),
              ("month", months[int(month) - 1] if month.isdigit() else None), ("url", url),
              ("note", "Executable companion to Liu, Wang, Ma and Li, arXiv:2502.06387 (v1 2025, v2 2026)"),
              ("related", "liu2025humans")]
    body = ",\n".join(f"  {name:<7} = {{{value}}}" for name, value in fields if value)
    return f"@software{{{key},\n{body}\n}}"


class BookCitationDirective(SphinxDirective):
    """``{book-citation}``: the book's BibTeX entry, generated from CITATION.cff at build time."""

    def run(self):
        cff = ROOT / "CITATION.cff"
        self.env.note_dependency(str(cff))
        text = cff_bibtex()
        block = nodes.literal_block(text, text, language="bibtex")
        return [block]
