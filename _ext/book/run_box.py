"""The "Run this chapter" box at the top of every chapter: its notebook in the downloads, how to
install the library, and the data the chapter declares in its front matter as ``data: [...]``
(keys of the library's ``DATASETS`` and ``PACKAGED_FOLDERS``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from docutils import nodes

from .repository import front_matter, library_version, wheel_name

DATA_CHAPTER_LABEL = "chap-data"


@lru_cache(maxsize=1)
def data_sources() -> dict[str, tuple[str, bool]]:
    """What a chapter may declare in its front matter (``data: [key, ...]``), from the library's
    registry: the real data shipped with it (``PACKAGED_FOLDERS``) and the paper's datasets
    (``DATASETS``, never shipped), each key with its name in prose and whether it ships."""
    from annotator_incentives.data import DATASETS, PACKAGED_FOLDERS

    return {**{key: (record.prose_name, True) for key, record in PACKAGED_FOLDERS.items()},
            **{key: (spec.prose_name, False) for key, spec in DATASETS.items()}}


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


def run_box(docname: str, header: dict, version: str, exercises: bool = False) -> nodes.admonition:
    """The "Run this chapter" admonition of one chapter page (with the student's edition of its
    notebook when it has exercises)."""
    name = Path(docname).name
    up = "../" * docname.count("/")
    box = nodes.admonition(classes=["run-this-chapter", "tip"])
    box += nodes.title(text="Run this chapter")
    items = nodes.bullet_list()
    notebook = nodes.reference("", f"{name}.ipynb", refuri=f"{up}downloads/notebooks/{name}.ipynb")
    wheel = wheel_name(version)
    student = [" Without the solutions, for teaching: ", nodes.reference(
        "", f"student/{name}.ipynb", refuri=f"{up}downloads/notebooks/student/{name}.ipynb"), "."] if exercises else []
    items += nodes.list_item("", nodes.paragraph("", "", *_text(
        "Notebook: ", notebook, " (this page, with its code and the exercises' solutions folded, from the book's "
        "downloads; plain Markdown that Jupyter, JupyterLab, VS Code and Colab show as this page).", *student)))
    items += nodes.list_item("", nodes.paragraph("", "", *_text(
        "Install: the notebook's first code cell installs the library from the wheel shipped beside it, ",
        nodes.literal(text=f"downloads/notebooks/{wheel}"), " (by hand: ",
        nodes.literal(text=f"pip install {wheel}"), "). From a clone of the repository: ",
        nodes.literal(text="make book"), " sets everything up (or ", nodes.literal(text="pip install -e ."),
        " in an environment of your own).")))
    on_data_page = header.get("label") == DATA_CHAPTER_LABEL or name == "data"
    items += nodes.list_item("", nodes.paragraph("", "", *_text("Data: ", *data_sentence(header.get("data"), on_data_page))))
    box += items
    return box


def insert_run_box(app, doctree):
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
    path = Path(app.env.doc2path(docname))
    exercises = re.search(r"^\s*[`:]{3,}\s*\{solution(-start)?\}", path.read_text(encoding="utf-8"), re.M) is not None
    section.insert(at, run_box(docname, header, library_version(), exercises))
