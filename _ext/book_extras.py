"""Sphinx extension of this book: the claims map and the downloads.

- ``{claims-map}`` directive: a table from every figure of the paper and every claim of its
  abstract to the figures of this book that rebuild them, with their data status. Which of the
  book's figures and tables rebuilds which paper item (:data:`PAPER_ITEMS`) is said in the
  chapters, next to the figure, in the options of the code cell that draws it::

      mystnb:
        figure:
          name: fig-p-histograms        # the label (or, for a table or section, book: label:)
      book:
        rebuilds: [fig1-top]            # keys of PAPER_ITEMS
        files: [fig1_top_p_histograms]  # the names the cell saves its figure or table under

  (:func:`book_cells` reads them). The map is filled in after every chapter has executed, from
  the provenance records those files left in :func:`figure_dir` (``<file>.json``, written by
  ``annotator_incentives.plotting``: kind of data, datasets, missing, drawn or not), so it
  shows what this build produced.
- At the end of a build: the figures (PNG, SVG, CSV) and their provenance records (JSON) are
  copied to ``downloads/figures`` with ``SHA256SUMS`` of the data, every
  chapter is converted to a notebook in ``downloads/notebooks`` (jupytext), and a wheel of the
  library (with its packaged real data) is built beside them, with ``constraints.txt`` (the
  library's dependencies at the locked pins); each notebook's first cell (``setup_cell.py``)
  installs the library from that wheel with those pins when it is missing.
- Launch buttons (Binder, Colab) and a repository button, when the book is built from a public
  GitHub repository: ``$BOOK_REPOSITORY_URL`` (and ``$BOOK_REPOSITORY_BRANCH``), else git's
  ``origin`` remote and current branch. Without one there are no buttons: they would lead nowhere.
- Teaching aids: a "Run this chapter" box at the top of every chapter (notebook link, install
  line, the data the chapter declares in its front matter as ``data: [...]``, keys of the library's
  ``DATASETS`` and ``PACKAGED_FOLDERS``); an alt text from the caption for every figure image;
  the ``{book-citation}`` directive (BibTeX from CITATION.cff).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[1]

# The paper's figures and abstract claims (shared/paper/figures.md), in the paper's order.
PAPER_ITEMS = [
    ("fig1-top", "Figure 1 (top): histograms of $p$ per dataset"),
    ("fig1-bottom", "Figure 1 (bottom): expert-based lower bound on the error sum"),
    ("fig2", "Figure 2: self-consistency error sum against the expert bound"),
    ("fig3", "Figure 3: normalised utility gap against $n$"),
    ("fig4", "Figure 4: bell curve of the marginal incentive, crossed twice"),
    ("fig5", "Figure 5: pmf at the agent's choice, missed-bonus tail"),
    ("fig6", "Figure 6: calibration of PKU and Skywork"),
    ("fig7", r"Figure 7: Figure 1 (bottom) with $\eta_1 \in \{0.98, 0.96\}$"),
    ("fig8", r"Figure 8: Figure 2 with $\eta_1 = 0.95$"),
    ("fig9", "Figure 9: the agent's utility at the optimum (participation binds)"),
    ("fig10", "Figure 10: Figure 3 in three robustness variants"),
    ("text-examples", "Text: three 'hard to choose' HelpSteer examples (rebuilt with MT-Bench items, not HelpSteer's)"),
    ("delta-sensitivity", r"Later work: $\delta$-sensitivity of the gap for three profiles"),
    ("claim-rates", r"Claim: the gap is $\Theta(1/\sqrt{\mathcal I n \log n})$ for binary and "
                    r"$\Theta(1/(\mathcal I n))$ for linear contracts"),
    ("claim-linear-optimal", "Claim: linear contracts are rate-optimal among general contracts"),
    ("claim-discrete", r"Claim: with discrete actions the binary gap is $\exp(-\Theta(n))$"),
    ("claim-complements", "Claim: a bonus scheme benefits both parties; monitoring and contract are complements"),
    ("claim-heterogeneity", "Claim: committed annotators disagree, so a 'true label' does not exist"),
    ("challenge-downstream", "Challenge (ii): model performance trained on the annotations cannot reveal annotators' effort"),
    ("claim-self-consistency", r"Claim: self-consistency needs fewer samples than expert monitoring when $1 - \delta > \bar c$"),
    ("paper-method", "The paper's grid method, run beside the exact solver"),
]
NOT_REBUILT: dict[str, str] = {}  # paper items this book leaves out, with the reason shown in the map


def _with_math(text: str) -> nodes.paragraph:
    """A paragraph in which ``$...$`` segments are inline math (rendered by MathJax)."""
    paragraph = nodes.paragraph()
    for i, part in enumerate(re.split(r"\$([^$]+)\$", text)):
        if part:
            paragraph += nodes.math(part, part) if i % 2 else nodes.Text(part)
    return paragraph


BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
PAGES_BRANCH = "gh-pages"  # where `ghp-import -n -p -f _build/html` publishes the built book


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


@lru_cache(maxsize=1)
def published_repository() -> tuple[str, str] | None:
    """(GitHub URL, branch) the book is published from, or None when none is known."""
    url = os.environ.get("BOOK_REPOSITORY_URL") or _git("remote", "get-url", "origin")
    match = re.fullmatch(r"(?:https://github\.com/|git@github\.com:)([\w.-]+)/([\w.-]+?)(?:\.git)?/?", url)
    if not match:
        return None
    branch = os.environ.get("BOOK_REPOSITORY_BRANCH") or _git("rev-parse", "--abbrev-ref", "HEAD") or "main"
    return f"https://github.com/{match[1]}/{match[2]}", branch


def _launch_settings(app, config):
    """Binder through the theme: it opens the chapter's MyST Markdown file in JupyterLab, where
    jupytext (installed with the book; ``postBuild`` makes it the default viewer) runs it."""
    published = published_repository()
    if published is None:
        return
    url, branch = published
    config.html_theme_options.update(
        repository_url=url, repository_branch=branch, path_to_docs="", use_repository_button=True,
        launch_buttons={"binderhub_url": BINDER, "notebook_interface": "jupyterlab"},
    )


def _colab_button(app, pagename, templatename, context, doctree):
    """Colab opens only .ipynb files on GitHub, and the chapters are MyST Markdown: its button
    opens the chapter's notebook from the published book (``downloads/notebooks`` on the pages
    branch), whose first cell installs this book's library from the repository."""
    published = published_repository()
    group = next((b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"), None)
    if published is None or group is None:
        return
    repo = published[0].removeprefix("https://github.com/")
    group["buttons"].append({
        "type": "link", "text": "Colab", "tooltip": "Launch on Colab", "icon": "_static/images/logo_colab.png",
        "url": f"{COLAB}/github/{repo}/blob/{PAGES_BRANCH}/downloads/notebooks/{Path(pagename).name}.ipynb",
    })


SETUP_CELL = Path(__file__).with_name("setup_cell.py")  # the template of every download's first cell
CONSTRAINTS = ROOT / "requirements" / "runtime.txt"  # the library's dependencies at the locked pins


def book_versions() -> dict[str, str]:
    """The library's own dependencies (pyproject) at the versions this build runs with."""
    import tomllib
    from importlib.metadata import PackageNotFoundError, version

    names = [re.match(r"[A-Za-z0-9_.\-]+", r)[0] for r in
             tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    try:
        return {name: version(name) for name in names}
    except PackageNotFoundError as error:
        raise RuntimeError(f"the book's build needs the library's dependencies installed: {error}") from None


def _install_cell(wheel: str | None, published: tuple[str, str] | None, versions: dict[str, str] | None = None):
    """The first cell of a downloaded notebook (template: ``setup_cell.py``): when the library
    is missing (Colab, a fresh machine), install it from the wheel beside the notebook, else
    from the published book's downloads, else from the repository, with the book's pins as
    constraints (``constraints.txt`` beside it, else the published one); if none works, say
    exactly what to do. It prints the versions it runs with where they differ from the book's."""
    import nbformat

    sources, constraints = [], None
    if published is not None:
        url, branch = published
        org, repo = url.removeprefix("https://github.com/").split("/", 1)
        pages = f"https://{org.lower()}.github.io/{repo}/downloads/notebooks"
        if wheel:
            sources.append(f"{pages}/{wheel}")
        sources.append(f"annotator-incentives @ git+{url}@{branch}")
        constraints = f"{pages}/constraints.txt"
    values = {"WHEEL": wheel, "SOURCES": sources, "PUBLISHED_CONSTRAINTS": constraints,
              "BOOK_VERSIONS": book_versions() if versions is None else versions}
    source = SETUP_CELL.read_text()
    for name, value in values.items():
        source, count = re.subn(rf"^{name} = .*?(  # .*)?$", lambda m, n=name, v=value: f"{n} = {v!r}{m[1] or ''}",
                                source, count=1, flags=re.M)
        if count != 1:
            raise RuntimeError(f"{SETUP_CELL} has no line '{name} = ...' for the build to fill in")
    return nbformat.v4.new_code_cell(source.rstrip("\n"))


def figure_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_FIGURE_DIR") or ROOT / "_build" / "figures")


def _figure_env(app, config):
    """Chapters write figures to ``$ANNOTATOR_FIGURE_DIR`` (else ``./figures`` beside the
    notebook): for the book's kernels, which inherit this environment, that is
    ``_build/figures`` next to the HTML, where the claims map and the downloads find them."""
    os.environ.setdefault("ANNOTATOR_FIGURE_DIR", str(Path(app.outdir).parent / "figures"))


def _wheel(target: Path) -> str | None:
    """Build a wheel of the library (with its packaged data) into ``target``, offline, from a
    copy of the sources (a build in the checkout would leave ``build/`` behind)."""
    import tempfile

    for old in target.glob("annotator_incentives-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("pyproject.toml", "README.md"):
            shutil.copyfile(ROOT / name, Path(tmp) / name)
        shutil.copytree(ROOT / "lib", Path(tmp) / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
             "-w", str(target), tmp], capture_output=True, text=True, timeout=600)
    built = sorted(target.glob("annotator_incentives-*.whl"))
    if result.returncode != 0 or not built:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "could not build the library's wheel for the downloads: %s", (result.stderr or result.stdout).strip()[-2000:])
        return None
    return built[-1].name


def write_notebooks(sources: list[Path], target: Path) -> list[Path]:
    """The downloads: each chapter with code (a jupytext header) as a notebook in ``target``,
    beside a wheel of the library that the notebook's first cell installs when it is missing,
    with ``constraints.txt``: the library's dependencies at the book's pins.
    The test suite runs exactly these notebooks, and the book reuses their outputs."""
    import jupytext

    target.mkdir(parents=True, exist_ok=True)
    setup_cell = _install_cell(_wheel(target), published_repository())
    shutil.copyfile(CONSTRAINTS, target / "constraints.txt")  # the notebooks install the wheel with these pins
    written = []
    for source in sources:
        if is_notebook(source):
            notebook = jupytext.read(source)
            notebook.cells.insert(0, setup_cell)
            for i, cell in enumerate(notebook.cells):  # fixed ids: two builds offer the same bytes
                cell.id = f"cell-{i}"
            written.append(target / f"{source.stem}.ipynb")
            jupytext.write(notebook, written[-1])
    return written


class claims_map(nodes.General, nodes.Element):
    """Placeholder, replaced once every chapter has run."""


class ClaimsMapDirective(SphinxDirective):
    def run(self):
        return [claims_map("")]


def _status(records: list[dict]) -> str:
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
BOOK_FIELDS = {"label", "rebuilds", "files"}


def book_cells(sources) -> list[dict]:
    """The figures and tables the chapters tie to the paper: for every code cell of the MyST
    notebooks ``sources`` whose options have a ``book:`` key, ``{"source", "label", "rebuilds",
    "files"}``. The label is ``book: label:``, else the cell's ``mystnb: figure: name:``.
    Raises ``ValueError`` for a cell without a label or files, or with an unknown field."""
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
            if not label or not files:
                raise ValueError(f"{where}: `{BOOK_KEY}:` needs files and a label (its own or the figure's name)")
            found.append({"source": source, "label": str(label), "rebuilds": [str(k) for k in book.get("rebuilds") or []],
                          "files": files})
    return found


def _chapter_sources(env) -> list[Path]:
    return [Path(env.doc2path(doc)) for doc in sorted(env.found_docs)]


def _fill(app, doctree, docname):
    found = list(doctree.findall(claims_map))
    if not found:
        return
    env = app.env
    # paper item -> [(label, provenance records of the label's files)], read after every chapter ran
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
        row = nodes.row()
        row += nodes.entry("", _with_math(description))
        where = nodes.paragraph()
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
            links.append((tuple(fig_number or (10**6,)), text, title, uri))
        for i, (_, text, title, uri) in enumerate(sorted(links)):  # in the book's order
            if i:
                where += nodes.Text("; ")
            where += nodes.reference("", f"{text} ({title})", refuri=uri, internal=True)
        if not where.children:
            where += nodes.Text(NOT_REBUILT.get(key, "not rebuilt on this build"))
        row += nodes.entry("", where)
        row += nodes.entry("", nodes.paragraph(text=_status([r for _, rs in mine for r in rs]) if mine else "—"))
        body += row
    for node in found:
        node.replace_self(table)


def _always_refresh(app, env, added, changed, removed):
    """The page holding the claims map depends on every chapter: re-write it on every build."""
    return [doc for doc in env.found_docs if doc.endswith("intro")]


def _downloads(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    icon = Path(app.srcdir) / "_static" / "favicon.png"
    if icon.is_file():  # browsers ask for /favicon.ico, also on the root redirect page
        shutil.copyfile(icon, Path(app.outdir) / "favicon.ico")
    out = Path(app.outdir) / "downloads"
    figures = figure_dir()
    if figures.is_dir():
        target = out / "figures"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(figures, target)
        from annotator_incentives.figure_data import write_manifest

        write_manifest(target)  # SHA256SUMS: a reader checks a download, and compares builds with it
    write_notebooks([Path(app.srcdir) / f"{doc}.md" for doc in sorted(app.env.found_docs)], out / "notebooks")
    items = "\n".join(f'<li><a href="{p.relative_to(out).as_posix()}">{p.relative_to(out).as_posix()}</a></li>'
                      for p in sorted(out.rglob("*")) if p.is_file() and p.name != "index.html")
    (out / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Downloads</title></head><body>"
        "<h1>Downloads</h1><p>Figures as PNG, SVG and CSV of the plotted data, each with a JSON record of where "
        "its data came from, and <code>figures/SHA256SUMS</code>: compare your own run's figure data with these by "
        "<code>python -m annotator_incentives.figure_data compare &lt;this folder&gt; --this &lt;your figures&gt;</code> "
        "(in a clone: <code>make compare OTHER=&lt;this folder&gt;</code>); chapters as Jupyter notebooks, "
        "with the book's library as a wheel beside them (a notebook's first cell installs it when it is missing, "
        "its dependencies at the book's versions: constraints.txt).</p>"
        f"<ul>{items}</ul></body></html>")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe's configuration script is registered twice under jupyter-book 1, which makes
    browsers report "THEBE_JS_URL has already been declared": keep each script once."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        if "body" in attributes:  # an inline script: its text is what counts
            key = ("inline", attributes["body"])
        else:
            key = (str(getattr(script, "filename", script)), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


# --- Teaching aids: "Run this chapter", figure alt texts, the book's citation -----------------

DATA_CHAPTER_LABEL = "chap-data"


@lru_cache(maxsize=1)
def data_sources() -> dict[str, tuple[str, bool]]:
    """What a chapter may declare in its front matter (``data: [key, ...]``), from the library's
    registry: the real data shipped with it (``PACKAGED_FOLDERS``) and the paper's datasets
    (``DATASETS``, never shipped), each key with its name in prose and whether it ships."""
    from annotator_incentives.data import DATASETS, PACKAGED_FOLDERS

    return {**{key: (record.prose_name, True) for key, record in PACKAGED_FOLDERS.items()},
            **{key: (spec.prose_name, False) for key, spec in DATASETS.items()}}


def is_notebook(path: Path) -> bool:
    """A MyST Markdown notebook: a page whose front matter names a kernel (the build executes it)."""
    return "kernelspec" in front_matter(path)


def front_matter(path: Path) -> dict:
    """The YAML header of a MyST Markdown file ({} when it has none)."""
    import yaml

    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    match = re.match(r"---\n(.*?)\n---\s*\n", text, re.S)
    header = yaml.safe_load(match[1]) if match else None
    return header if isinstance(header, dict) else {}


@lru_cache(maxsize=1)
def library_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def wheel_name(version: str | None = None) -> str:
    return f"annotator_incentives-{version or library_version()}-py3-none-any.whl"


def _text(*parts) -> list[nodes.Node]:
    """Inline nodes from strings (plain text) and nodes (kept)."""
    return [nodes.Text(p) if isinstance(p, str) else p for p in parts]


def _names(items: list[str]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def data_sentence(keys, on_data_page: bool = False) -> list[nodes.Node]:
    """What a chapter needs, from its ``data:`` declaration, as inline nodes (on the data
    chapter itself the pointer to it reads "below")."""
    from sphinx import addnodes

    if keys is None:
        return _text("the chapter says which data it uses.")
    sources = data_sources()
    unknown = [k for k in keys if k not in sources]
    if unknown:
        raise ValueError(f"unknown data key(s) {unknown}; known: {sorted(sources)}")
    if not keys:
        return _text("none — the chapter computes from the paper's model alone.")
    shipped = [sources[k][0] for k in keys if sources[k][1]]
    hub = [sources[k][0] for k in keys if not sources[k][1]]
    if not hub:
        return _text(f"{_names(shipped)}, shipped with the library (nothing to download).")
    link = nodes.Text("below") if on_data_page else addnodes.pending_xref(
        "", nodes.inline(text="The data"), refdomain="std", reftype="ref", reftarget=DATA_CHAPTER_LABEL,
        refexplicit=True, refwarn=True)
    parts = [f"the paper's {'datasets' if len(hub) > 1 else 'dataset'} {_names(hub)} when available — not shipped "
             "with the library, provided by the Hugging Face hub (network) or a local copy of its files; see ", link,
             ". The chapter runs without them and says what is missing."]
    if shipped:
        parts.append(f" Shipped with the library, and shown under its own name where a dataset is missing: {_names(shipped)}.")
    return _text(*parts)


def run_box(docname: str, header: dict, version: str) -> nodes.admonition:
    """The "Run this chapter" admonition of one chapter page."""
    name = Path(docname).name
    up = "../" * docname.count("/")
    box = nodes.admonition(classes=["run-this-chapter", "tip"])
    box += nodes.title(text="Run this chapter")
    items = nodes.bullet_list()
    notebook = nodes.reference("", f"{name}.ipynb", refuri=f"{up}downloads/notebooks/{name}.ipynb")
    wheel = wheel_name(version)
    items += nodes.list_item("", nodes.paragraph("", "", *_text(
        "Notebook: ", notebook, " (this page, with its code, from the book's downloads).")))
    items += nodes.list_item("", nodes.paragraph("", "", *_text(
        "Install: the notebook's first cell installs the library from the wheel shipped beside it, ",
        nodes.literal(text=f"downloads/notebooks/{wheel}"), " (by hand: ",
        nodes.literal(text=f"pip install {wheel}"), "). From a clone of the repository: ",
        nodes.literal(text="make book"), " sets everything up (or ", nodes.literal(text="pip install -e ."),
        " in an environment of your own).")))
    on_data_page = header.get("label") == DATA_CHAPTER_LABEL or name == "data"
    items += nodes.list_item("", nodes.paragraph("", "", *_text("Data: ", *data_sentence(header.get("data"), on_data_page))))
    box += items
    return box


def _insert_run_box(app, doctree):
    """At the top of every chapter page that is a notebook (a kernelspec), after its title."""
    docname = app.env.docname
    if docname == app.config.root_doc:
        return
    header = front_matter(Path(app.env.doc2path(docname)))
    if "kernelspec" not in header:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    at = 1 if section.children and isinstance(section[0], nodes.title) else 0
    section.insert(at, run_box(docname, header, library_version()))


TEX_WORDS = {
    "eta": "η", "delta": "δ", "mu": "μ", "sigma": "σ", "alpha": "α", "beta": "β", "pi": "π", "Theta": "Θ",
    "ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "in": "∈", "infty": "∞", "cdot": "·", "times": "×",
    "approx": "≈", "to": "→", "log": " log ", "exp": " exp ", "ldots": "…", "dots": "…", "cdots": "…", "sqrt": "√",
    "partial": "∂",
}


ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}  # combining characters


def plain_math(tex: str) -> str:
    """LaTeX of a caption's math as text a screen reader can say: Greek letters, relations and
    accents as characters, font and spacing commands dropped (``\\hat\\eta`` -> ``η̂``,
    ``(\\mathcal C - \\mathcal C_n)/\\mathcal C`` -> ``(C - C_n)/C``)."""
    text = tex.replace("\\{", "\x00").replace("\\}", "\x01")
    text = re.sub(r"\\sqrt\s*\{([^{}]*)\}", r"√(\1)", text)
    # fractions, \frac{a}{b} or the short \tfrac13, before other commands are dropped
    def part(term: str) -> str:
        return term if re.fullmatch(r"[\w√().]+", term.strip()) else f"({term.strip()})"

    text = re.sub(r"\\[td]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", lambda m: f"{part(m[1])}/{part(m[2])} ", text)
    text = re.sub(r"\\[td]?frac\s*(\d)\s*(\d)", r"\1/\2 ", text)
    text = re.sub(r"\\(hat|bar|tilde)\s*(\\[A-Za-z]+(?:\s+[A-Za-z](?![A-Za-z]))?|\{[^{}]*\}|\w)",
                  lambda m: plain_math(m[2]) + ACCENTS[m[1]], text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    # a known command becomes its character; any other (fonts: \mathcal, \rm, ...) goes, with its spaces
    text = re.sub(r"\\([A-Za-z]+[0-9]*)(\s*)", lambda m: TEX_WORDS[m[1]] + m[2] if m[1] in TEX_WORDS else "", text)
    text = text.replace("{", "").replace("}", "").replace("\x00", "{").replace("\x01", "}")
    text = re.sub(r"([(/]) +", r"\1", " ".join(text.split()))
    return re.sub(r" +([)/,])", r"\1", text)


def caption_text(caption: nodes.Element) -> str:
    """The caption as plain text, its math made readable by :func:`plain_math`."""
    parts = []
    for node in caption.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))):
        if isinstance(node, nodes.math):
            parts.append(plain_math(node.astext()))
        elif not isinstance(node.parent, nodes.math):
            parts.append(node.astext())
    return " ".join("".join(parts).split())


def _caption_alt(caption: str, limit: int = 250) -> str:
    """"Figure: " and the caption's first sentence (the whole caption, cut at ``limit``, when the
    first sentence is very short); abbreviations such as "Fig." do not end a sentence."""
    text = " ".join(caption.split())
    first = re.match(r"(.{20,}?(?<!\bFig)(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)[.;])(\s|$)", text)
    text = first[1] if first else text
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return "Figure: " + text


def _looks_like_file_name(alt: str) -> bool:
    alt = alt.strip()
    return bool(re.fullmatch(r"\S+\.(png|jpe?g|svg|gif|webp)", alt, re.I)) or ("/" in alt and " " not in alt)


def _figure_alt_texts(app, doctree, docname):
    """A screen reader reads an image's alt text; without one, Sphinx writes the file name. Every
    image inside a figure without a real alt text gets one from the figure's caption."""
    for figure in doctree.findall(nodes.figure):
        caption = next(iter(figure.findall(nodes.caption)), None)
        if caption is None or not caption.astext().strip():
            continue
        for image in figure.findall(nodes.image):
            alt = image.get("alt", "")
            if not alt.strip() or _looks_like_file_name(alt):
                image["alt"] = _caption_alt(caption_text(caption))


def cff_bibtex(path: Path | None = None, url: str | None = None) -> str:
    """A BibTeX entry for the book, from its CITATION.cff (title, authors, version, date, URL)."""
    import yaml

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
              ("note", "Executable companion to Liu, Wang, Ma and Li (2025), arXiv:2502.06387"),
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


def setup(app):
    app.connect("config-inited", _launch_settings)
    app.connect("config-inited", _figure_env)
    app.connect("html-page-context", _colab_button, priority=502)  # after the theme's launch buttons (501)
    app.connect("html-page-context", _dedupe_scripts)
    app.add_node(claims_map)
    app.add_directive("claims-map", ClaimsMapDirective)
    app.connect("doctree-resolved", _fill)
    app.connect("env-get-outdated", _always_refresh)
    app.connect("build-finished", _downloads)
    app.connect("doctree-read", _insert_run_box)
    app.connect("doctree-resolved", _figure_alt_texts)
    app.add_directive("book-citation", BookCitationDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
