"""What the book's references resolve to, computed from its sources as Sphinx numbers them, so
that the downloaded notebooks (written before and without a build too: ``make downloads``, the
test suite's reader run) say what the HTML says.

Sphinx (``numfig``, with jupyter-book's table of contents) numbers through the whole book, in
the order of the table of contents and of each page, every enumerable node that has an id:
sphinx-proof's boxes, one counter per kind (a box without a label is numbered too, ``nonumber``
ones are not); exercises; figures with a
name and a caption (a code cell's ``mystnb.figure``, a ``{figure}``); tables with a name and a
caption (in Markdown, or written by a chapter's code as a ``:::{table}`` output with ``:name:``);
code blocks with a name and a caption. One thing the sources cannot tell: a figure whose cell
draws nothing on a build (its data missing) gets no number there, and the later ones move up.
So the build's own downloads take the numbers from the Sphinx environment
(:func:`numbers_from_build`); without a build (``make downloads``, the test suite's reader run,
before the build) the sources' numbers stand. The test suite compares the offered notebooks'
numbers with the built HTML.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .commonmark import PROOF_KINDS, References, _fence_end
from .repository import ROOT, is_notebook

BIBFILE = ROOT / "references.bib"
DIRECTIVE = re.compile(r"^(\s*)(`{3,}|~{3,}|:{3,})\s*\{([^}\s]+)\}\s*(.*?)\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def pages_url(published: tuple[str, str] | None) -> str | None:
    """Where the published book's pages are (GitHub Pages of its repository), or None."""
    if published is None:
        return None
    org, repo = published[0].removeprefix("https://github.com/").split("/", 1)
    return f"https://{org.lower()}.github.io/{repo}"


def docname(path: Path, root: Path = ROOT) -> str:
    return path.resolve().relative_to(root).with_suffix("").as_posix()


def cells(path: Path) -> list[tuple[str, str, dict]]:
    """A page as (cell type, source, metadata): a notebook's cells, or one Markdown cell."""
    if is_notebook(path):
        import jupytext

        return [(c.cell_type, c.source, dict(c.metadata)) for c in jupytext.read(path).cells]
    text = re.sub(r"\A---\n.*?\n---\s*\n", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [("markdown", text, {})]


def _options(body: list[str]) -> dict[str, str]:
    options = {}
    if body and body[0].strip() == "---":
        for line in body[1:]:
            if line.strip() == "---":
                break
            key, sep, value = line.partition(":")
            if sep and not line.startswith((" ", "\t")):
                options[key.strip()] = value.strip()
        return options
    for line in body:
        match = re.match(r"^\s*:([\w-]+):\s*(.*)$", line)
        if not match:
            break
        options[match[1]] = match[2].strip()
    return options


class _Page:
    """The targets of one page, counted in document order."""

    def __init__(self, doc: str, labels: dict, counters: dict):
        self.doc, self.labels = doc, labels
        self.counters = counters  # the whole book's
        self.unlabelled: dict[str, int] = {}
        self.title: str | None = None
        self.pending: list[str] = []  # labels waiting for the next heading

    def number(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return str(self.counters[kind])

    def add(self, label: str, kind: str, number: str | None, title: str):
        self.labels[label.lower()] = {"doc": self.doc, "kind": kind, "number": number, "title": title}

    def markdown(self, lines: list[str]):
        i = 0
        while i < len(lines):
            line = lines[i]
            directive = DIRECTIVE.match(line)
            fence = FENCE.match(line)
            if directive:
                end = _fence_end(lines, i, directive[2])
                indent = directive[1]
                body = [b[len(indent):] if b.startswith(indent) else b.lstrip() for b in lines[i + 1:end]]
                self.directive(directive[3].lower(), directive[4], body)
                i = end + 1
                continue
            if fence:
                i = _fence_end(lines, i, fence[1]) + 1
                continue
            label = re.match(r"^\s*\(([\w:.-]+)\)=\s*$", line)
            heading = re.match(r"^\s*(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if label:
                self.pending.append(label[1])
            elif heading:
                text = heading[2]
                if self.title is None:
                    self.title = text
                for name in self.pending:
                    self.add(name, "section", None, text)
                self.pending = []
            elif line.strip().startswith("$$"):
                end = i if line.strip().count("$$") >= 2 else next(
                    (j for j in range(i + 1, len(lines)) if "$$" in lines[j]), len(lines) - 1)
                eq = re.search(r"\$\$\s*\(([\w:.-]+)\)\s*$", lines[end])
                if eq:
                    self.add(eq[1], "equation", self.number("equation"), "")
                i = end + 1
                continue
            elif line.strip():
                self.pending = []  # a label is for the block right after it
            i += 1

    def directive(self, name: str, argument: str, body: list[str]):
        options = _options(body)
        content = body
        if name.startswith("prf:") and name[4:] in PROOF_KINDS:
            kind = name[4:]
            number = None if "nonumber" in options else self.number(kind)
            label = options.get("label")
            if not label:
                self.unlabelled[kind] = self.unlabelled.get(kind, 0) + 1
                label = f"{self.doc}#{kind}-{self.unlabelled[kind]}"
            self.add(label, kind, number, argument)
        elif name == "exercise":
            number = None if "nonumber" in options else self.number("exercise")
            if options.get("label"):
                self.add(options["label"], "exercise", number, argument)
        elif name in ("figure",) and options.get("name"):
            caption = [line for line in body if line.strip() and not re.match(r"^\s*:[\w-]+:", line)]
            if caption:
                self.add(options["name"], "figure", self.number("figure"), " ".join(caption).strip())
        elif name in ("table", "list-table", "csv-table") and options.get("name") and argument:
            self.add(options["name"], "table", self.number("table"), argument)
        elif name in ("code-block", "code", "sourcecode") and options.get("name") and options.get("caption"):
            self.add(options["name"], "code-block", self.number("code-block"), options["caption"])
        elif name == "math" and options.get("label"):
            self.add(options["label"], "equation", self.number("equation"), "")
        self.markdown(content)  # boxes in boxes are numbered in document order, after their parent

    def code(self, source: str, metadata: dict):
        figure = (metadata.get("mystnb") or {}).get("figure") or {}
        if figure.get("name") and figure.get("caption"):
            self.add(figure["name"], "figure", self.number("figure"), str(figure["caption"]).strip())
        if "{table}" in source:  # tables the code writes as Markdown outputs, in the order it writes them
            for name in re.findall(r":name:\s*([\w:.-]+)", source):
                self.add(name, "table", self.number("table"), "")


def page_targets(path: Path, doc: str, labels: dict, counters: dict) -> str:
    """Add one page's targets to ``labels`` (numbered on from ``counters``); returns its title."""
    page = _Page(doc, labels, counters)
    for kind, source, metadata in cells(path):
        if kind == "markdown":
            page.markdown(source.split("\n"))
        elif kind == "code":
            page.code(source, metadata)
    return page.title or doc.rsplit("/", 1)[-1].replace("_", " ")


def bibliography(path: Path = BIBFILE) -> tuple[dict, dict]:
    """Each key's author-year label parts (as sphinxcontrib-bibtex's ``author_year`` style: one
    author's last name, two joined by "and", "et al." beyond) and its entry as Markdown."""
    import latexcodec  # noqa: F401  (registers the "ulatex" codec: accents as in Holmstr{\\"o}m)
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    if not path.is_file():
        return {}, {}
    bib = parse_file(str(path))
    labels = {}
    for key, entry in bib.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [" ".join(p.prelast_names + p.last_names) for p in people]
        last = [re.sub(r"[{}]", "", codecs.decode(name, "ulatex")) for name in last]
        authors = (last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2
                   else f"{last[0]} et al." if last else key)
        labels[key] = {"authors": authors, "year": entry.fields.get("year", "")}
    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "markdown")()
    entries = {}
    for formatted in style.format_entries(bib.entries.values()):
        text = formatted.text.render(backend).replace("\n", " ")
        entries[formatted.key] = re.sub(r"\\([.()\-:,;!?'’/&])", r"\1", text)  # escapes CommonMark does not need
    return labels, entries


def book_references(sources: list[Path], published: tuple[str, str] | None = None,
                    root: Path = ROOT) -> tuple[References, dict]:
    """The references of the whole book (every page of ``sources``, in the order of the table of
    contents) and the bibliography's
    entries as Markdown, for the notebooks of a book published from ``published``."""
    pages = pages_url(published)
    labels: dict = {}
    docs: dict = {}
    counters: dict = {}
    glossary = None
    for path in sources:
        doc = docname(path, root)
        docs[doc] = {"title": page_targets(path, doc, labels, counters), "url": f"{pages}/{doc}.html" if pages else None}
        if re.search(r"^\s*[`:]{3,}\s*\{glossary\}", path.read_text(encoding="utf-8"), re.M):
            glossary = doc
    citations, entries = bibliography()
    terms = {}
    if glossary:
        text = next(p for p in sources if docname(p, root) == glossary).read_text(encoding="utf-8")
        for term in re.findall(r"^([^\s:`>#\-*][^\n]*)\n:\s", text, re.M):
            terms[term.strip().lower()] = term.strip()
    return References(labels=labels, docs=docs, citations=citations, glossary_doc=glossary, glossary_terms=terms), entries


def numbers_from_build(app, references: References) -> list[str]:
    """Take each numbered target's number from the Sphinx environment (what the HTML shows);
    a figure the build did not draw loses its number. Returns the changes, for the log."""
    env = app.env
    changed = []
    for label, target in references.labels.items():
        doc, kind = target["doc"], target["kind"]
        if "#" in label or kind in ("section", "equation") or doc not in env.found_docs:
            continue
        numbers = env.toc_fignumbers.get(doc, {}).get(kind, {})
        built = numbers.get(label) or numbers.get(re.sub(r"[^\w]+", "-", label).strip("-"))
        built = ".".join(map(str, built)) if built else None
        if built != target["number"]:
            changed.append(f"{label}: {target['number']} -> {built}")
            target["number"] = built
    return changed


def toc_order(app) -> list[str]:
    """The build's pages in the order of its table of contents (then any others, sorted)."""
    order: list[str] = []

    def walk(doc):
        if doc not in order:
            order.append(doc)
            for child in app.env.toctree_includes.get(doc, []):
                walk(child)

    walk(app.config.root_doc)
    return order + sorted(set(app.env.found_docs) - set(order))
