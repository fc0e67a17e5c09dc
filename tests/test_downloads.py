"""The book's downloadable notebooks run anywhere a reader is: the wheel built with the book is
installed into a fresh virtual environment outside the checkout by each notebook's own first
cell, and every notebook, copied alone to an empty folder, runs to completion there and draws
its figures from the packaged real data."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from annotator_incentives.figure_data import MANIFEST, check_manifest
from book import downloads
from book.repository import wheel_name
from book_session import fresh_venv, reader_env
from suite import REPO_ROOT


def _unnumbered(text: str) -> str:
    """Markdown (or the references of a display cell) without its numbers: a figure the build did
    not draw has no number there (its caption no "**Fig. N.**"), and the later ones move up."""
    return re.sub(r"'\d+'|\d+|None", "#", re.sub(r"\*\*Fig\. \d+\.\*\* ", "", text))


@pytest.mark.slow
def test_downloaded_notebooks_run_in_a_fresh_venv(reader_run, built_book):
    run, (out, _) = reader_run, built_book
    assert run.result.returncode == 0, run.result.stderr[-4000:]
    assert REPO_ROOT not in run.work.parents
    offered = out / "_build" / "html" / "downloads" / "notebooks"
    wheels = sorted(offered.glob("annotator_incentives-*.whl"))
    assert len(wheels) == 1, wheels
    # the notebooks that ran are the ones the book offers, both editions: the same cells, the same
    # code byte for byte; in the Markdown only the numbers may differ (the build's numbering knows
    # which figures a build drew, the sources alone do not)
    names = sorted(p.relative_to(offered).as_posix() for p in offered.rglob("*.ipynb"))
    assert names == sorted(p.relative_to(run.downloads).as_posix() for p in run.downloads.rglob("*.ipynb"))
    assert any(name.startswith("student/") for name in names)
    for name in names:
        book, ran = (nbformat.read(folder / name, as_version=4) for folder in (offered, run.downloads))
        assert len(book.cells) == len(ran.cells), name
        for a, b in zip(book.cells, ran.cells, strict=True):
            if a.cell_type == "code" and downloads.SETUP_TAG not in a.metadata.get("tags", []):
                assert a.source == b.source, name
            else:
                assert _unnumbered(a.source) == _unnumbered(b.source), name
    assert set(run.report) == set(names)
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


def _reader_notebooks(run):
    """(name, notebook) of every offered notebook, both editions."""
    return [(p.relative_to(run.downloads).as_posix(), nbformat.read(p, as_version=4))
            for p in sorted(run.downloads.rglob("*.ipynb"))]


def _markdown_outputs(notebook):
    return [o.data["text/markdown"] for c in notebook.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]


@pytest.mark.slow
def test_the_downloaded_notebooks_have_no_myst_left_in_sources_or_outputs(reader_run):
    """Plain CommonMark: no roles, directives, labels or colon fences in any Markdown cell of
    either edition, nor in the Markdown the chapters' code wrote when the reader ran them."""
    from book.commonmark import myst_leftovers

    found = {}
    for name, notebook in _reader_notebooks(reader_run):
        sources = [c.source for c in notebook.cells if c.cell_type == "markdown"]
        executed = nbformat.read(reader_run.work / name, as_version=4)
        outputs = _markdown_outputs(executed)
        left = [f for text in sources + outputs for f in myst_leftovers(text)]
        if left:
            found[name] = left[:5]
        assert outputs or "student" in name or name == "intro.ipynb" or not any(
            "display(Markdown" in c.source for c in notebook.cells), name
    assert found == {}
    # the book itself rendered the MyST the chapters wrote (restored from the outputs' metadata)
    myst = [o for p in reader_run.work.glob("*.ipynb") for o in _markdown_outputs(nbformat.read(p, as_version=4))
            if "**Table" in o]
    assert myst, "no table caption among the reader's outputs"


@pytest.mark.slow
def test_nbconvert_shows_every_theorem_title_and_no_raw_fence(reader_run):
    """Each offered notebook through nbconvert's HTML exporter (plain CommonMark, as a front-end
    without MyST renders it): every box of the chapter has its bold title, nothing of MyST."""
    from nbconvert import HTMLExporter

    from book_sources import source, toc_files

    chapters = {source(d).stem: source(d) for d in toc_files()}
    exporter = HTMLExporter(exclude_input=True)  # the Markdown as rendered (the code keeps its f-strings' MyST)
    for name, notebook in _reader_notebooks(reader_run):
        page, _ = exporter.from_notebook_node(notebook)
        body = page[page.index("<body"):]
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        assert "```{" not in text and ":::{" not in text and "{prf:" not in text and "{numref}" not in text, name
        chapter = chapters[Path(name).stem].read_text()
        for kind, title in re.findall(r"^[`:]{3,}\{prf:(\w+)\}[ \t]*(.*)$", chapter, re.M):
            wanted = rf"{kind.title()}( \d+)?" + (rf" \({re.escape(title.strip())}\)" if title.strip() else "")
            assert re.search(rf"{wanted}\.", text), (name, kind, title)
        assert text.count("Exercise") >= chapter.count("{exercise}"), name
        assert "<blockquote>" in body or "{prf:" not in chapter, name


@pytest.mark.slow
def test_the_offered_notebooks_number_as_the_html_does(reader_run, built_book):
    """Every numbered box, exercise, figure caption and table in the offered notebooks has the
    number the book's page shows for it; references to other pages name them."""
    out, _ = built_book
    html_dir = out / "_build" / "html"
    offered = html_dir / "downloads" / "notebooks"
    checked = 0
    for path in sorted(offered.glob("*.ipynb")):
        page = (html_dir / "chapters" / f"{path.stem}.html").read_text()
        shown = set(re.findall(r'<span class="caption-number">([^<]*?) </span>', page))
        notebook = nbformat.read(path, as_version=4)
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        executed = "\n".join(_markdown_outputs(nbformat.read(reader_run.work / path.name, as_version=4)))
        numbered = re.findall(r"\*\*((?:Theorem|Lemma|Proposition|Assumption|Definition|Corollary|Exercise|Fig\.) \d+)", markdown)
        numbered += re.findall(r"\*\*(Table \d+)\.\*\*", executed)
        for item in numbered:
            assert item in shown, (path.name, item, sorted(shown))
        checked += len(numbered)
    assert checked > 50


@pytest.mark.slow
def test_the_students_edition_has_no_solution_and_ran(reader_run):
    """Every chapter with exercises has a student's edition: each solution an empty code cell with
    a one-line prompt, no line of the reader's solutions left (code, text or outputs); the
    reader run executed it top to bottom (its driver fails on an error)."""
    from book.editions import SOLUTION_TAG

    students = sorted((reader_run.downloads / "student").glob("*.ipynb"))
    assert len(students) >= 5
    for path in students:
        reader = nbformat.read(reader_run.downloads / path.name, as_version=4)
        student = nbformat.read(path, as_version=4)
        solution_code = [c.source for c in reader.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
        solution_text = [block for c in reader.cells if c.cell_type == "markdown"
                         for block in re.findall(r"<details>(.*?)</details>", c.source, re.S)]
        assert solution_code or solution_text, path.name
        elsewhere = "\n".join(re.sub(r"<details>.*?</details>", "", c.source, flags=re.S) for c in reader.cells
                              if SOLUTION_TAG not in c.metadata.get("tags", []))
        lines = {line.strip() for text in solution_code + solution_text for line in text.splitlines()
                 if len(line.strip()) > 25 and line.strip() not in elsewhere}  # the solutions' own lines
        ran = nbformat.read(reader_run.work / "student" / path.name, as_version=4)
        ran.cells = [c for c in ran.cells if downloads.SETUP_TAG not in c.metadata.get("tags", [])]
        everything = nbformat.writes(ran)  # sources and outputs
        left = [line for line in lines if line in everything]
        assert left == [], (path.name, left[:3])
        assert "<details>" not in everything
        prompts = [c for c in student.cells if c.cell_type == "code" and re.fullmatch(r"# Exercise \d+: .*", c.source)]
        exercises = re.findall(r"\*\*Exercise (\d+)", "\n".join(c.source for c in student.cells if c.cell_type == "markdown"))
        assert [c.source.split(":")[0][2:] for c in prompts] == [f"Exercise {n}" for n in exercises], path.name
        assert f"student/{path.name}" in reader_run.report


@pytest.mark.slow
def test_hidden_cells_are_collapsed_never_deleted(reader_run):
    """The book's hidden cells are in both editions, collapsed for JupyterLab and Colab; the
    reader's edition has every code cell of the chapter, in order."""
    import jupytext

    from book_sources import source, toc_files

    for doc in toc_files():
        path = reader_run.downloads / f"{Path(doc).name}.ipynb"
        if not path.is_file():
            continue
        chapter = [c for c in jupytext.read(source(doc)).cells if c.cell_type == "code"]
        offered = [c for c in nbformat.read(path, as_version=4).cells
                   if c.cell_type == "code" and downloads.SETUP_TAG not in c.metadata.get("tags", [])]
        assert [c.source for c in offered] == [c.source for c in chapter], doc
        for cell in offered:
            tags = set(cell.metadata.get("tags", []))
            if tags & {"remove-input", "hide-input", "remove-cell", "hide-cell"}:
                assert cell.metadata["jupyter"]["source_hidden"] is True and cell.metadata["cellView"] == "form", doc
