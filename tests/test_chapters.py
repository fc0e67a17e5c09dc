"""Every chapter in _toc.yml executes without error or warning output, and its figure data is
reproducible. The chapters are executed once, by the session's clean book build
(``built_book``); these checks read the executed notebooks it leaves behind."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbclient
import pytest

from book_sources import book_cells, notebook_files, toc_files
from suite import REPO_ROOT


def test_toc_lists_existing_chapters():
    for chapter in toc_files():
        assert (REPO_ROOT / f"{chapter}.md").is_file(), chapter


@pytest.mark.slow
@pytest.mark.parametrize("chapter", notebook_files())
def test_chapter_executes(chapter, reader_run, built_book):
    out, result = built_book
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    executed = reader_run.work / f"{Path(chapter).name}.ipynb"  # the suite's one execution of the chapter
    notebook = json.loads(executed.read_text())
    assert "".join(notebook["cells"][0]["source"]).startswith("# Setup"), "the downloaded notebook starts with its setup cell"
    # a reader should see no warnings or tracebacks in the rendered chapter (the setup cell is not rendered)
    outputs = [o for cell in notebook["cells"][1:] if cell["cell_type"] == "code" for o in cell.get("outputs", [])]
    assert outputs, f"{chapter} produced no output"
    stderr = ["".join(o.get("text", "")) for o in outputs if o.get("name") == "stderr"]
    errors = [o.get("ename") for o in outputs if o.get("output_type") == "error"]
    assert not stderr and not errors, (stderr[:3], errors)


@pytest.mark.slow
def test_every_figure_the_chapters_name_was_written_with_its_record(built_book):
    """Each file a chapter's ``book:`` options name has a provenance record after the build, and
    the files that record lists (none for a figure that could not be drawn)."""
    out, _ = built_book
    figures = out / "figures"
    cells = book_cells()
    assert cells, "no chapter ties a figure to the paper"
    for cell in cells:
        for name in cell["files"]:
            assert (figures / f"{name}.json").is_file(), (cell["label"], name)
            record = json.loads((figures / f"{name}.json").read_text())
            assert record["data_kind"] in ("real preference data", "real annotator data", "model only"), name
            assert record["files"] or not record["drawn"], name
            for file in record["files"]:
                assert (figures / file).is_file(), (cell["label"], file)


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
