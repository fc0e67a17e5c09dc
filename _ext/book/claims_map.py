"""The ``{claims-map}`` directive: a table from every figure of the paper and every claim of its
abstract (``paper_items.toml``) to the figures of this book that rebuild them, with their data
status. Which of the book's figures and tables rebuilds which paper item is said in the chapters,
next to the figure, in the options of the code cell that draws it::

    mystnb:
      figure:
        name: fig-p-histograms        # the label (or, for a table or section, book: label:)
    book:
      rebuilds: [fig1-top]            # keys of paper_items.toml
      files: [fig1_top_p_histograms]  # the names the cell saves its figure or table under

An interactive explorer's cell says which items a reader can explore with it instead (``book:
label: sec-contract-explorer``, ``explores: [fig3, ...]``, no files): the map and the results at a
glance link it beside the figures (:func:`explorer_links`). :func:`book_cells` reads these options.

The map is filled in after every chapter has executed, from the provenance records those files
left in :func:`.repository.figure_dir` (``<file>.json``, written by
``annotator_incentives.plotting``: kind of data, datasets, missing, drawn or not), so it shows
what this build produced."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .repository import figure_dir, is_notebook

PAPER_ITEMS_FILE = Path(__file__).with_name("paper_items.toml")


def paper_items() -> list[dict[str, str]]:
    """The rows of ``paper_items.toml`` in the paper's order (``key``, ``text``, ``where``,
    ``paper``, and ``not_rebuilt`` for an item the book leaves out)."""
    return tomllib.loads(PAPER_ITEMS_FILE.read_text(encoding="utf-8"))["item"]


# The paper's items in the paper's order, (key, description); those this book leaves out, with the
# reason shown in the map.
PAPER_ITEMS = [(item["key"], item["text"]) for item in paper_items()]
NOT_REBUILT = {item["key"]: item["not_rebuilt"] for item in paper_items() if "not_rebuilt" in item}


def _with_math(text: str) -> nodes.paragraph:
    """A paragraph in which ``$...$`` segments are inline math (rendered by MathJax)."""
    paragraph = nodes.paragraph()
    for i, part in enumerate(re.split(r"\$([^$]+)\$", text)):
        if part:
            paragraph += nodes.math(part, part) if i % 2 else nodes.Text(part)
    return paragraph


class claims_map(nodes.General, nodes.Element):
    """Placeholder, replaced once every chapter has run."""


class ClaimsMapDirective(SphinxDirective):
    def run(self):
        return [claims_map("")]


def status(records: list[dict]) -> str:
    """What the figures behind one row of the claims map were built from on this build, from the
    data kind each figure declared when it was saved."""
    parts = []
    drawn = [r for r in records if r.get("drawn", True)]
    preference = sorted({d for r in drawn if r["data_kind"] == "real preference data" for d in r["datasets"]})
    if preference:
        parts.append("real preference data (" + ", ".join(preference) + ")")
    if any(r["data_kind"] == "real annotator data" for r in drawn):
        notes = sorted({r["data"].replace(" (real annotator data)", "")
                        for r in drawn if r["data_kind"] == "real annotator data"})
        parts.append("real annotator data (" + "; ".join(notes) + ")")
    if any(r["data_kind"] == "model only" for r in drawn):
        parts.append("model only (no data needed)")
    missing = sorted({m for r in records for m in r["missing"]})
    if missing:
        from annotator_incentives.data import DATASETS

        labels = ", ".join(DATASETS[m].label if m in DATASETS else m for m in missing)
        parts.append(("not drawn: it needs " if not drawn else "the paper used ") + labels + ", not available on this build")
    return "; ".join(parts) or "—"


BOOK_KEY = "book"  # the code-cell option that ties a figure or table of the book to the paper
BOOK_FIELDS = {"label", "rebuilds", "files", "explores"}


def book_cells(sources) -> list[dict]:
    """The figures, tables and explorers the chapters tie to the paper: for every code cell of the
    MyST notebooks ``sources`` whose options have a ``book:`` key, ``{"source", "label",
    "rebuilds", "files", "explores"}``. The label is ``book: label:``, else the cell's ``mystnb:
    figure: name:``. Raises ``ValueError`` for a cell without a label, or without files and
    without items it explores, or with an unknown field."""
    import jupytext

    found = []
    for source in map(Path, sources):
        if not is_notebook(source):
            continue
        for cell in jupytext.read(source, fmt="myst").cells:
            book = cell.metadata.get(BOOK_KEY)
            if book is None or cell.cell_type != "code":
                continue
            where = f"{source.name}, cell {cell.source.splitlines()[0][:60] if cell.source else ''!r}"
            if not isinstance(book, dict) or set(book) - BOOK_FIELDS:
                raise ValueError(f"{where}: `{BOOK_KEY}:` takes {', '.join(sorted(BOOK_FIELDS))}, not {book!r}")
            figure = (cell.metadata.get("mystnb") or {}).get("figure") or {}
            label = book.get("label") or figure.get("name")
            files = [str(f) for f in book.get("files") or []]
            explores = [str(k) for k in book.get("explores") or []]
            if not label or not (files or explores):
                raise ValueError(f"{where}: `{BOOK_KEY}:` needs files (or items it explores) and a label "
                                 "(its own or the figure's name)")
            found.append({"source": source, "label": str(label), "rebuilds": [str(k) for k in book.get("rebuilds") or []],
                          "files": files, "explores": explores})
    return found


def _chapter_sources(env) -> list[Path]:
    return [Path(env.doc2path(doc)) for doc in sorted(env.found_docs)]


def item_links(app, docname: str) -> dict[str, tuple[list[tuple[str, str]], list[dict]]]:
    """For every paper item, the links from page ``docname`` to the book's figures, tables or
    sections that rebuild it on this build (``(text, uri)``, in the book's order), and the
    provenance records of their files. Read after every chapter has run."""
    env = app.env
    records: dict[str, list[tuple[str, list[dict]]]] = {}
    folder = figure_dir()
    for cell in sorted(book_cells(_chapter_sources(env)), key=lambda c: c["label"]):
        written = [folder / f"{name}.json" for name in cell["files"]]
        mine = [json.loads(path.read_text()) for path in written if path.is_file()]
        if not mine:  # the cell did not run on this build
            continue
        for key in cell["rebuilds"]:
            records.setdefault(key, []).append((cell["label"], mine))
    labels = env.domaindata["std"]["labels"]
    out = {}
    for key, _ in PAPER_ITEMS:
        mine = records.get(key, [])
        links = []
        for label, cell_records in mine:
            label = label.lower()  # Sphinx keeps labels in lower case
            if label not in labels or not any(r.get("drawn", True) for r in cell_records):
                continue
            target_doc, target_id, section = labels[label]
            kind = "table" if label.startswith("tab-") else "figure"
            fig_number = env.toc_fignumbers.get(target_doc, {}).get(kind, {}).get(target_id)
            if fig_number:
                text = f"{'Table' if kind == 'table' else 'Fig.'} {'.'.join(map(str, fig_number))}"
            else:  # a section label: its title
                text = section or label
            title = env.titles[target_doc].astext() if target_doc in env.titles else target_doc
            uri = app.builder.get_relative_uri(docname, target_doc) + "#" + target_id
            links.append((tuple(fig_number or (10**6,)), f"{text} ({title})", uri))
        out[key] = ([(text, uri) for _, text, uri in sorted(links)], [r for _, rs in mine for r in rs])
    return out


def explorer_links(app, docname: str) -> dict[str, list[tuple[str, str]]]:
    """For every paper item, the links from page ``docname`` to the interactive explorers that let
    a reader explore it (cells with ``book: explores:``; ``(text, uri)``: the section's title and
    chapter), for the explorers whose section is in this build."""
    env = app.env
    labels = env.domaindata["std"]["labels"]
    out: dict[str, list[tuple[str, str]]] = {key: [] for key, _ in PAPER_ITEMS}
    for cell in book_cells(_chapter_sources(env)):
        label = cell["label"].lower()
        if not cell["explores"] or label not in labels:
            continue
        target_doc, target_id, section = labels[label]
        title = env.titles[target_doc].astext() if target_doc in env.titles else target_doc
        uri = app.builder.get_relative_uri(docname, target_doc) + "#" + target_id
        for key in cell["explores"]:
            out[key].append((f"{section or label} ({title})", uri))
    return out


def links_paragraph(links: list[tuple[str, str]], empty: str,
                    explore: list[tuple[str, str]] = ()) -> nodes.paragraph:
    """The links of :func:`item_links` as one paragraph, ``empty`` when there are none, then
    those of :func:`explorer_links` ("Interactive: ...")."""
    where = nodes.paragraph()
    for i, (text, uri) in enumerate(links):
        if i:
            where += nodes.Text("; ")
        where += nodes.reference("", text, refuri=uri, internal=True)
    if not links:
        where += nodes.Text(empty)
    for i, (text, uri) in enumerate(explore):
        where += nodes.Text(". Interactive: " if i == 0 else "; ")
        where += nodes.reference("", text, refuri=uri, internal=True, classes=["explorer-link"])
    return where


def fill_claims_map(app, doctree, docname):
    found = list(doctree.findall(claims_map))
    if not found:
        return
    by_item = item_links(app, docname)
    explore = explorer_links(app, docname)
    table = nodes.table(classes=["claims-map"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (35, 35, 30):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for title in ("the paper", "rebuilt in this book by", "data on this build"):
        row += nodes.entry("", nodes.paragraph(text=title))
    head += row
    body = nodes.tbody()
    group += body
    for key, description in PAPER_ITEMS:
        links, records = by_item[key]
        row = nodes.row()
        row += nodes.entry("", _with_math(description))
        row += nodes.entry("", links_paragraph(links, NOT_REBUILT.get(key, "not rebuilt on this build"), explore[key]))
        row += nodes.entry("", nodes.paragraph(text=status(records) if records else "—"))
        body += row
    for node in found:
        node.replace_self(table)


def always_refresh(app, env, added, changed, removed):
    """The pages holding the claims map and the results at a glance depend on every chapter:
    re-write them on every build."""
    return [doc for doc in env.found_docs if doc.endswith(("intro", "glance"))]
