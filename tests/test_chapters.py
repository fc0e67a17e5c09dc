"""Every chapter in _toc.yml executes without error, and its figure data is reproducible."""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import nbclient
import pytest
import yaml

from conftest import REPO_ROOT, SHARED_DATA


def toc_files() -> list[str]:
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def execute(chapter: str, figure_dir: Path):
    notebook = jupytext.read(REPO_ROOT / f"{chapter}.md")
    os.environ["ANNOTATOR_FIGURE_DIR"] = str(figure_dir)
    if SHARED_DATA.is_dir():
        os.environ["ANNOTATOR_DATA_DIR"] = str(SHARED_DATA)
    client = nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(REPO_ROOT / "chapters")}})
    client.execute()
    return notebook


def test_toc_lists_existing_chapters():
    for chapter in toc_files():
        assert (REPO_ROOT / f"{chapter}.md").is_file(), chapter


@pytest.mark.slow
@pytest.mark.parametrize("chapter", toc_files())
def test_chapter_executes(chapter, tmp_path):
    notebook = execute(chapter, tmp_path / "figures")
    # a reader should see no warnings or tracebacks in the rendered chapter
    stderr = [o.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("name") == "stderr"]
    assert not stderr, stderr[:3]


@pytest.mark.slow
def test_figure_data_is_identical_across_runs(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    execute("chapters/data", first)
    execute("chapters/data", second)
    written = sorted(p.name for p in first.iterdir() if p.suffix in {".csv", ".svg"})
    assert written, "the data chapter wrote no figure data"
    for name in written:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
