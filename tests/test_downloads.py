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
from book import downloads
from book.repository import wheel_name
from book_session import fresh_venv, reader_env
from suite import REPO_ROOT


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
    # the first notebook run installed the library from the wheel beside it, with the book's pins
    assert (offered / "constraints.txt").read_text() == (REPO_ROOT / "requirements" / "runtime.txt").read_text()
    installing = (f"installing annotator-incentives from {run.work / wheels[0].name} "
                  f"with the book's versions from {run.work / 'constraints.txt'}")
    assert any(installing in text for text in run.report.values()), run.report
    assert not any("do not install here" in text or "other versions" in text for text in run.report.values()), run.report
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


@pytest.mark.slow  # 3 s: creates a virtual environment
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
    source = downloads.install_cell(None, None).source
    compile(source, "setup-cell", "exec")
    assert "SOURCES = []" in source and "raise ModuleNotFoundError" in source and "pip install" in source
    assert "constraints.txt" in source


def run_setup_cell(source: str, folder: Path, monkeypatch, pip_works) -> list[list[str]]:
    """Run a setup cell in ``folder`` as if the library were missing, with pip replaced by a
    stand-in; returns pip's command lines."""
    import importlib.util

    calls, find_spec = [], importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "annotator_incentives" else find_spec(name, *a))
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: calls.append(command) or subprocess.CompletedProcess(
        command, 0 if pip_works(command) else 1))
    monkeypatch.chdir(folder)
    exec(compile(source, "setup-cell", "exec"), {})
    return calls


def test_the_setup_cell_installs_the_wheel_with_the_books_pins(tmp_path, monkeypatch, capsys):
    wheel = wheel_name()
    (tmp_path / wheel).write_bytes(b"stand-in")
    (tmp_path / "constraints.txt").write_text(downloads.CONSTRAINTS.read_text())
    source = downloads.install_cell(wheel, ("https://github.com/Org/repo", "main")).source
    calls = run_setup_cell(source, tmp_path, monkeypatch, pip_works=lambda command: True)
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", str(tmp_path / wheel),
                      "--constraint", str(tmp_path / "constraints.txt")]]
    assert "This notebook runs with other versions" not in capsys.readouterr().out  # the book's own environment
    # where the book's pins cannot be installed (another Python, say), the library still installs, and says so
    calls = run_setup_cell(source, tmp_path, monkeypatch, pip_works=lambda command: "--constraint" not in command)
    assert [c[-2:] for c in calls] == [["--constraint", str(tmp_path / "constraints.txt")], ["--quiet", str(tmp_path / wheel)]]
    assert "the book's versions do not install here" in capsys.readouterr().out
    # without the downloads beside it (Colab): the published wheel, with the published pins
    (tmp_path / wheel).unlink()
    (tmp_path / "constraints.txt").unlink()
    calls = run_setup_cell(source, tmp_path, monkeypatch, pip_works=lambda command: True)
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet",
                      f"https://org.github.io/repo/downloads/notebooks/{wheel}",
                      "--constraint", "https://org.github.io/repo/downloads/notebooks/constraints.txt"]]


def test_the_setup_cell_prints_the_versions_that_differ_from_the_books(capsys):
    from importlib.metadata import version

    assert downloads.book_versions()["numpy"] == version("numpy")
    exec(compile(downloads.install_cell(None, None).source, "setup-cell", "exec"), {})
    assert capsys.readouterr().out == ""  # the book's versions: nothing to say
    versions = downloads.book_versions() | {"numpy": "1.0.0"}
    exec(compile(downloads.install_cell(None, None, versions).source, "setup-cell", "exec"), {})
    printed = capsys.readouterr().out
    assert "other versions than the book was built with" in printed
    assert f"numpy {version('numpy')} (book: 1.0.0)" in printed and "scipy" not in printed



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
