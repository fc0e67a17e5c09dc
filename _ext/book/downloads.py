"""The book's downloads (``downloads/`` beside the HTML), written at the end of a build: the
figures (PNG, SVG, CSV) and their provenance records (JSON) in ``figures/`` with ``SHA256SUMS`` of
the data; every chapter as a notebook in ``notebooks/`` (jupytext), beside a wheel of the library
(with its packaged real data) and ``constraints.txt`` (the library's dependencies at the locked
pins). Each notebook's first code cell is ``setup_cell.py``, filled in by :func:`install_cell`: it
installs the library from that wheel with those pins when it is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from sphinx.util import logging

from . import commonmark, editions
from .commonmark import References
from .crossrefs import book_references, docname, numbers_from_build, pages_url, toc_order
from .repository import ROOT, figure_dir, is_notebook, published_repository

logger = logging.getLogger(__name__)
SETUP_CELL = Path(__file__).with_name("setup_cell.py")  # the template of every download's first code cell
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


def install_cell(wheel: str | None, published: tuple[str, str] | None, versions: dict[str, str] | None = None):
    """The first code cell of a downloaded notebook (template: ``setup_cell.py``): when the library
    is missing (Colab, a fresh machine), install it from the wheel beside the notebook, else
    from the published book's downloads, else from the repository, with the book's pins as
    constraints (``constraints.txt`` beside it, else the published one); if none works, say
    exactly what to do. It prints the versions it runs with where they differ from the book's."""

    sources, constraints = [], None
    if published is not None:
        url, branch = published
        pages = f"{pages_url(published)}/downloads/notebooks"
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
        logger.warning(
            "could not build the library's wheel for the downloads: %s", (result.stderr or result.stdout).strip()[-2000:])
        return None
    return built[-1].name


STUDENT = "student"  # the student's edition, beside the reader's
SETUP_TAG = "book-setup"  # the cells the build puts before the chapter's own


def display_cell(references: References, doc: str):
    """The second cell of a downloaded notebook: the chapters' Markdown outputs shown as
    CommonMark in the reader's kernel (the converter's source, :mod:`.commonmark`, with the
    book's references), the MyST kept in the output's metadata for the book."""

    module = Path(commonmark.__file__).read_text(encoding="utf-8")
    source = ("# Display: the chapter's code writes Markdown for the book (MyST); this cell shows it as plain Markdown\n"
              "# here. Nothing to change in it: it only defines the converter and installs it for this notebook.\n"
              f"{module.rstrip()}\n\n\nREFERENCES = {references.as_dict()!r}\n"
              f"install_display_hook(REFERENCES, {doc!r})")
    return nbformat.v4.new_code_cell(source)


def generated_blocks(references: References) -> dict[str, str]:
    """What stands in a notebook for the directives whose content the build generates."""
    from .citation import cff_bibtex

    intro = next((d for d in references.docs if d.endswith("/intro")), None)
    url = references.docs[intro]["url"] if intro else None
    where = f"the book's [introduction]({url})" if url else "the book's introduction (its HTML page)"
    return {"claims-map": f"*In the book, a table stands here: the paper's figures and claims against the figures of "
                          f"this book that rebuild them, with the data of the build; see {where}.*",
            "book-citation": f"```bibtex\n{cff_bibtex()}\n```"}


def write_notebooks(sources: list[Path], target: Path, numbering=None, root: Path = ROOT) -> list[Path]:
    """The downloads: each chapter with code (a jupytext header) as a notebook in CommonMark in
    ``target`` (the reader's edition, :mod:`.editions`) and, when it has exercises, in
    ``target/student`` (without the solutions), beside a wheel of the library that the
    notebook's first code cell installs when it is missing, with ``constraints.txt``: the library's
    dependencies at the book's pins. Every page of ``sources`` (in the order of the table of
    contents) is read for what the notebooks' references resolve to (:mod:`.crossrefs`);
    ``numbering``, when given, corrects the numbers in place (the build's, which knows which
    figures were drawn).
    The test suite runs exactly these notebooks, and the book reuses their outputs."""
    import jupytext

    target.mkdir(parents=True, exist_ok=True)
    if (target / STUDENT).exists():
        shutil.rmtree(target / STUDENT)
    for old in target.glob("*.ipynb"):
        old.unlink()
    published = published_repository()
    setup_cell = install_cell(_wheel(target), published)
    shutil.copyfile(CONSTRAINTS, target / "constraints.txt")  # the notebooks install the wheel with these pins
    references, entries = book_references(sources, published, root=root)
    references.generated = generated_blocks(references)
    if numbering is not None:
        numbering(references)
    written = []
    for source in sources:
        if not is_notebook(source):
            continue
        doc = docname(source, root)
        reader, student, exercises = editions.editions(source, doc, references, entries)
        first = [setup_cell, display_cell(references, doc)]
        for notebook, folder in ((reader, target), (student, target / STUDENT)):
            if folder.name == STUDENT and not exercises:
                continue
            for cell in first:
                cell.metadata["tags"] = [SETUP_TAG]
            editions.collapse(first[1])
            notebook.cells[:0] = [nbformat.from_dict(c) for c in first]
            for i, cell in enumerate(notebook.cells):  # fixed ids: two builds offer the same bytes
                cell.id = f"cell-{i}"
            folder.mkdir(exist_ok=True)
            written.append(folder / f"{source.stem}.ipynb")
            jupytext.write(notebook, written[-1])
    return written


def write_downloads(app, exception):
    """At the end of an HTML build: the figures and their records with ``SHA256SUMS``, the
    notebooks with the wheel and ``constraints.txt``, and a page listing them."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "downloads"
    figures = figure_dir()
    if figures.is_dir():
        target = out / "figures"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(figures, target)
        from annotator_incentives.figure_data import write_manifest

        write_manifest(target)  # SHA256SUMS: a reader checks a download, and compares builds with it
    def numbering(references):
        for change in numbers_from_build(app, references):
            logger.info("downloads: %s (the build's numbering)", change)

    write_notebooks([Path(app.srcdir) / f"{doc}.md" for doc in toc_order(app)], out / "notebooks", numbering,
                    root=Path(app.srcdir).resolve())
    items = "\n".join(f'<li><a href="{p.relative_to(out).as_posix()}">{p.relative_to(out).as_posix()}</a></li>'
                      for p in sorted(out.rglob("*")) if p.is_file() and p.name != "index.html")
    (out / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Downloads</title></head><body>"
        "<h1>Downloads</h1><p>Figures as PNG, SVG and CSV of the plotted data, each with a JSON record of where "
        "its data came from, and <code>figures/SHA256SUMS</code>: compare your own run's figure data with these by "
        "<code>python -m annotator_incentives.figure_data compare &lt;this folder&gt; --this &lt;your figures&gt;</code> "
        "(in a clone: <code>make compare OTHER=&lt;this folder&gt;</code>); chapters as Jupyter notebooks, "
        "with the book's library as a wheel beside them (a notebook's first code cell installs it when it is missing, "
        "its dependencies at the book's versions: constraints.txt). The notebooks are plain Markdown (CommonMark), "
        "so Jupyter, JupyterLab, VS Code and Colab show them as the book does: numbered theorem boxes, resolved "
        "references, the book's hidden cells collapsed. Two editions: <code>notebooks/</code>, the reader's, with "
        "each exercise's solution folded under it; <code>notebooks/student/</code>, for teaching, where each "
        "solution is an empty code cell to fill in.</p>"
        "<p>The whole book as one PDF, to print or hand out: <a href=\"book.pdf\">book.pdf</a> (made by "
        "<code>make pdf</code>, beside these files when the book is published with it).</p>"
        f"<ul>{items}</ul></body></html>")
