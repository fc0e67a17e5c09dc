"""The book's sources as the tests read them: the table of contents (``_toc.yml``, the one place
the tests take the chapter list from), the chapters the build executes, the figures and tables
they tie to the paper (``book:`` cell options, read by the book's own extension), and the
library's version."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

from book.claims_map import book_cells as _book_cells
from book.repository import is_notebook

REPO_ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]


def toc_files(*, root: bool = True) -> list[str]:
    """Every page of ``_toc.yml`` in the book's order, as the toc names it (``chapters/data``):
    the root page (the introduction) first, unless ``root=False``."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    chapters = [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [toc["root"], *chapters] if root else chapters


def source(doc: str) -> Path:
    """The MyST Markdown file of a page of the toc."""
    return REPO_ROOT / f"{doc}.md"


def notebook_files(*, root: bool = True) -> list[str]:
    """The pages with code (a kernelspec in the front matter): the ones the build executes."""
    return [doc for doc in toc_files(root=root) if is_notebook(source(doc))]


def book_cells() -> list[dict]:
    """The chapters' ``book:`` cell options (label, rebuilds, files), read as the build reads them."""
    return _book_cells(source(doc) for doc in toc_files())
