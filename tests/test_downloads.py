"""The book's downloadable notebooks run anywhere a reader is: the wheel built with the book is
installed into a fresh virtual environment outside the checkout by each notebook's own first
cell, and every notebook, copied alone to an empty folder, runs to completion there and draws
its figures from the packaged real data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO_ROOT

DRIVER = r"""
import json, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
import nbclient, nbformat

work, kernel = Path(sys.argv[1]), sys.argv[2]


def run(path):
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=900, kernel_name=kernel, resources={"metadata": {"path": str(work)}}).execute()
    nbformat.write(notebook, path)
    return "".join(o.get("text", "") for o in notebook.cells[0].get("outputs", []) if o.get("name") == "stdout")


if __name__ == "__main__":
    paths = sorted(work.glob("*.ipynb"))
    first = run(paths[0])  # installs the library from the wheel; the others find it installed
    with ProcessPoolExecutor(2) as pool:  # two kernels at a time: the rest in about half the time
        rest = dict(zip((p.name for p in paths[1:]), pool.map(run, paths[1:])))
    print(json.dumps({paths[0].name: first, **rest}))
"""


@pytest.fixture(scope="module")
def reader_venv(tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout, without the library. Its other
    dependencies are borrowed from the test environment (a path entry, no network); the
    library itself can come only from the notebooks' setup cell."""
    venv = tmp_path_factory.mktemp("reader") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # .pth files inside the borrowed folder are not processed: an editable install there stays invisible
    (purelib / "_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def reader_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "ANNOTATOR_DATA_DIR", "ANNOTATOR_FIGURE_DIR", "VIRTUAL_ENV", "JUPYTER_PATH"}}
    return env | {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}


@pytest.mark.slow
def test_downloaded_notebooks_run_in_a_fresh_venv(built_book, reader_venv, tmp_path):
    out, result = built_book
    assert result.returncode == 0
    downloads = out / "_build" / "html" / "downloads" / "notebooks"
    wheels = sorted(downloads.glob("annotator_incentives-*.whl"))
    assert len(wheels) == 1, wheels
    work = tmp_path / "reader-folder"  # an empty folder, nowhere near the checkout
    work.mkdir()
    assert REPO_ROOT not in work.parents
    for path in [*downloads.glob("*.ipynb"), wheels[0]]:
        (work / path.name).write_bytes(path.read_bytes())
    python, env = reader_venv / "bin" / "python", reader_env()
    missing = subprocess.run(
        [str(python), "-c", "import importlib.util; print(importlib.util.find_spec('annotator_incentives'))"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    assert missing.stdout.strip() == "None", "the fresh environment already has the library"
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(reader_venv), "--name", "reader"],
                   check=True, capture_output=True, env=env, timeout=120)

    (tmp_path / "driver.py").write_text(DRIVER)
    run = subprocess.run([str(python), str(tmp_path / "driver.py"), str(work), "reader"], capture_output=True, text=True,
                         env=env, cwd=work, timeout=3000)
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(report) == {p.name for p in downloads.glob("*.ipynb")}
    # the first notebook run installed the library from the wheel beside it
    assert any(f"installing annotator-incentives from {work / wheels[0].name}" in text for text in report.values()), report
    where = subprocess.run([str(python), "-c", "import annotator_incentives; print(annotator_incentives.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout.strip()
    assert Path(where).is_relative_to(reader_venv), where
    # figures were written beside the notebooks, from the packaged real data, as in the book
    figures = work / "figures"
    assert (figures / "fig1_top_p_histograms.png").is_file()
    record = json.loads((figures / "fig1_top_p_histograms.json").read_text())
    assert "UltraFeedback sample" in record["data"] and "shipped with the library" in record["data"]
    assert (figures / "fig1_top_p_histograms.csv").read_bytes() == (out / "figures" / "fig1_top_p_histograms.csv").read_bytes()
    assert (figures / "real_pairwise_agreement.png").is_file()  # the real-annotator chapter drew its figures


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
