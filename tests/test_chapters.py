"""Every chapter in _toc.yml executes without error or warning output, and its figure data is
reproducible. The chapters are executed once, by the session's clean book build
(``built_book``); these checks read the executed notebooks it leaves behind."""

from __future__ import annotations

import json

import jupytext
import nbclient
import pytest
import yaml

from conftest import REPO_ROOT


def toc_files() -> list[str]:
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def notebook_chapters() -> list[str]:
    """Chapters with code (a jupytext header): the ones the build executes."""
    return [c for c in toc_files() if "kernelspec" in (REPO_ROOT / f"{c}.md").read_text()[:500]]


def test_toc_lists_existing_chapters():
    for chapter in toc_files():
        assert (REPO_ROOT / f"{chapter}.md").is_file(), chapter


@pytest.mark.slow
@pytest.mark.parametrize("chapter", notebook_chapters())
def test_chapter_executes(chapter, built_book):
    out, result = built_book
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    executed = out / "_build" / "jupyter_execute" / f"{chapter}.ipynb"
    assert executed.is_file(), f"the build left no executed notebook for {chapter}"
    notebook = json.loads(executed.read_text())
    # a reader should see no warnings or tracebacks in the rendered chapter
    outputs = [o for cell in notebook["cells"] if cell["cell_type"] == "code" for o in cell.get("outputs", [])]
    stderr = ["".join(o.get("text", "")) for o in outputs if o.get("name") == "stderr"]
    errors = [o.get("ename") for o in outputs if o.get("output_type") == "error"]
    assert not stderr and not errors, (stderr[:3], errors)


@pytest.mark.slow
def test_every_registered_figure_was_written(built_book):
    out, result = built_book
    figures = out / "figures"
    records = [json.loads(p.read_text()) for p in sorted((figures / "manifest").glob("*.json"))]
    assert records, "no chapter registered a figure"
    for record in records:
        if record["files"]:
            for suffix in (".png", ".svg", ".csv"):
                assert (figures / f"{record['files']}{suffix}").is_file(), (record["label"], suffix)


@pytest.mark.slow
def test_figure_data_is_identical_across_runs(built_book, tmp_path, monkeypatch):
    """One more execution of the data chapter gives the same bytes as the build's."""
    out, _ = built_book
    again = tmp_path / "again"
    monkeypatch.setenv("ANNOTATOR_FIGURE_DIR", str(again))
    notebook = jupytext.read(REPO_ROOT / "chapters" / "data.md")
    nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(REPO_ROOT / "chapters")}}).execute()
    written = sorted(p.name for p in again.iterdir() if p.suffix in {".csv", ".svg"})
    assert written, "the data chapter wrote no figure data"
    for name in written:
        assert (again / name).read_bytes() == (out / "figures" / name).read_bytes(), name
