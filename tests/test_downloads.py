"""The book's downloadable notebooks run anywhere a reader is: the wheel built with the book is
installed into a fresh virtual environment outside the checkout by each notebook's own first
cell, and every notebook, copied alone to an empty folder, runs to completion there and draws
its figures from the packaged real data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator_incentives.figure_data import MANIFEST, check_manifest
from book_session import fresh_venv, reader_env
from conftest import REPO_ROOT


@pytest.mark.slow
def test_downloaded_notebooks_run_in_a_fresh_venv(reader_run, built_book):
    run, (out, _) = reader_run, built_book
    assert run.result.returncode == 0, run.result.stderr[-4000:]
    assert REPO_ROOT not in run.work.parents
    offered = out / "_build" / "html" / "downloads" / "notebooks"
    wheels = sorted(offered.glob("annotator_incentives-*.whl"))
    assert len(wheels) == 1, wheels
    # the notebooks that ran are the ones the book offers, byte for byte
    assert sorted(p.name for p in offered.glob("*.ipynb")) == sorted(p.name for p in run.downloads.glob("*.ipynb"))
    for path in offered.glob("*.ipynb"):
        assert path.read_bytes() == (run.downloads / path.name).read_bytes(), path.name
    assert set(run.report) == {p.name for p in offered.glob("*.ipynb")}
    # the first notebook run installed the library from the wheel beside it
    assert any(f"installing annotator-incentives from {run.work / wheels[0].name}" in text for text in run.report.values()), \
        run.report
    python = run.venv / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import annotator_incentives; print(annotator_incentives.__file__)"],
                           capture_output=True, text=True, env=reader_env(), cwd=run.work.parent, check=True).stdout.strip()
    assert Path(where).is_relative_to(run.venv), where
    # figures were written beside the notebooks, from the packaged real data
    figures = run.work / "figures"
    assert (figures / "fig1_top_p_histograms.png").is_file()
    record = json.loads((figures / "fig1_top_p_histograms.json").read_text())
    assert "UltraFeedback sample" in record["data"] and "shipped with the library" in record["data"]
    assert (figures / "real_pairwise_agreement.png").is_file()  # the real-annotator chapter drew its figures


def test_a_fresh_venv_lacks_the_library(tmp_path):
    python = fresh_venv(tmp_path) / "bin" / "python"
    probe = "import importlib.util; print(importlib.util.find_spec('annotator_incentives'))"
    missing = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, env=reader_env(), cwd=tmp_path)
    assert missing.stdout.strip() == "None", "the fresh environment already has the library"


@pytest.mark.slow
def test_the_book_renders_the_readers_runs_without_executing_again(reader_run, built_book):
    out, result = built_book
    assert result.returncode == 0
    assert "Executing notebook" not in result.stdout + result.stderr, "a chapter executed again in the build"
    executed = sorted(p.stem for p in (out / "_build" / "jupyter_execute").rglob("*.ipynb"))
    assert executed == sorted(p.stem for p in reader_run.work.glob("*.ipynb"))


def test_figures_go_beside_the_notebook_unless_told_otherwise(tmp_path, monkeypatch):
    from annotator_incentives import plotting

    monkeypatch.delenv(plotting.FIGURE_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert plotting.figure_dir() == tmp_path / "figures" and (tmp_path / "figures").is_dir()
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert plotting.figure_dir() == tmp_path / "elsewhere"


def test_the_setup_cell_says_what_to_do_when_nothing_can_be_installed():
    sys.path.insert(0, str(REPO_ROOT / "_ext"))
    try:
        import book_extras
    finally:
        sys.path.remove(str(REPO_ROOT / "_ext"))
    source = book_extras._install_cell(None, None).source
    compile(source, "setup-cell", "exec")
    assert "sources += []" in source and "raise ModuleNotFoundError" in source and "pip install" in source


@pytest.mark.slow
def test_the_book_offers_its_figure_data_with_a_manifest_for_the_compare_command(reader_run, built_book):
    """``downloads/figures`` carries SHA256SUMS of every CSV and JSON, and a reader's own run
    compares with it through the command the downloads page names."""
    out, _ = built_book
    offered = out / "_build" / "html" / "downloads" / "figures"
    listed = [line.split("  ", 1)[1] for line in (offered / MANIFEST).read_text().splitlines()]
    assert listed == sorted(p.name for p in offered.iterdir() if p.suffix in (".csv", ".json")) and listed
    assert check_manifest(offered) == []
    page = (out / "_build" / "html" / "downloads" / "index.html").read_text()
    assert "python -m annotator_incentives.figure_data compare" in page and "figures/SHA256SUMS" in page
    result = subprocess.run([sys.executable, "-m", "annotator_incentives.figure_data", "compare", str(offered),
                             "--this", str(reader_run.work / "figures")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert f"{len(listed)} files: {len(listed)} identical" in result.stdout
