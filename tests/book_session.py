"""The suite executes every chapter once, as a reader would: the downloaded notebooks (made by the
book's own extension, each with its setup cell) run in a fresh virtual environment outside the
checkout, installing the library from the wheel beside them. The clean book build then takes
its outputs from those runs (seeded into its execution cache) instead of executing again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from book.downloads import SETUP_TAG, write_notebooks
from book.repository import published_repository
from book_sources import source, toc_files

FIRST = "intro.ipynb"  # runs alone and installs the library; short, so the two-kernel pool starts early

DRIVER = r"""
import json, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
import nbclient, nbformat

work, kernel, first = Path(sys.argv[1]), sys.argv[2], sys.argv[3]


def run(path):
    notebook = nbformat.read(path, as_version=4)
    folder = {"metadata": {"path": str(path.parent)}}  # the student's edition runs in student/
    nbclient.NotebookClient(notebook, timeout=900, kernel_name=kernel, resources=folder).execute()
    nbformat.write(notebook, path)
    setup = next(c for c in notebook.cells if c.cell_type == "code")  # the setup cell: the first code cell
    return "".join(o.get("text", "") for o in setup.get("outputs", []) if o.get("name") == "stdout")


if __name__ == "__main__":
    # the largest chapters first, so that the two kernels finish close together; the student
    # editions (in student/, run there) with them
    rest = sorted((p for p in [*work.glob("*.ipynb"), *work.glob("student/*.ipynb")] if p.name != first or p.parent != work),
                  key=lambda p: -p.stat().st_size)
    report = {first: run(work / first)}  # installs the library from the wheel; the others find it installed
    with ProcessPoolExecutor(2) as pool:
        report |= dict(zip((p.relative_to(work).as_posix() for p in rest), pool.map(run, rest)))
    print(json.dumps(report))
"""


def reader_env() -> dict[str, str]:
    """The environment of a reader's machine: no settings of this project, no package index."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "ANNOTATOR_DATA_DIR", "ANNOTATOR_FIGURE_DIR", "VIRTUAL_ENV", "JUPYTER_PATH"}}
    return env | {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}


def fresh_venv(root: Path) -> Path:
    """A virtual environment without the library. Its other dependencies are borrowed from the
    test environment (a path entry, no network); the library can come only from a notebook's
    setup cell. (.pth files inside the borrowed folder are not processed, so an editable
    install there stays invisible.)"""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def write_downloads(target: Path, repository: str, branch: str) -> list[Path]:
    """The notebooks and wheel the book's build puts in ``downloads/notebooks``, made by the
    same function of the book's extension, as for a book published from ``repository``."""
    saved = {k: os.environ.get(k) for k in ("BOOK_REPOSITORY_URL", "BOOK_REPOSITORY_BRANCH")}
    os.environ.update(BOOK_REPOSITORY_URL=repository, BOOK_REPOSITORY_BRANCH=branch)
    try:
        published_repository.cache_clear()
        return write_notebooks([source(doc) for doc in toc_files()], target)
    finally:
        published_repository.cache_clear()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value


@dataclass
class ReaderRun:
    downloads: Path  # the notebooks and wheel as the book offers them
    work: Path  # the empty folder they were copied to and ran in (executed notebooks, figures)
    venv: Path
    result: subprocess.CompletedProcess

    @property
    def report(self) -> dict[str, str]:
        """Each notebook's setup-cell output."""
        return json.loads(self.result.stdout.strip().splitlines()[-1])


def run_as_reader(root: Path, repository: str, branch: str) -> ReaderRun:
    downloads, work = root / "downloads", root / "reader-folder"
    write_downloads(downloads, repository, branch)
    shutil.copytree(downloads, work)  # the reader's edition, the student's in student/, the wheel
    venv, env = fresh_venv(root), reader_env()
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(venv), "--name", "reader"],
                   check=True, capture_output=True, env=env, timeout=120)
    (root / "driver.py").write_text(DRIVER)
    result = subprocess.run([str(python), str(root / "driver.py"), str(work), "reader", FIRST], capture_output=True,
                            text=True, env=env, cwd=work, timeout=3000)
    return ReaderRun(downloads, work, venv, result)


def seed_execution_cache(run: ReaderRun, build_dir: Path) -> list[str]:
    """Put the reader's executed notebooks into the build's execution cache
    (``<output>/_build/.jupyter_cache``) as the chapters with the reader's outputs: each chapter
    (its cells and their metadata, which the cache keys a notebook on with its code and kernel)
    with the outputs of its code cells from the reader's run, the MyST of its Markdown outputs
    restored (shown as CommonMark in the notebook, kept in the output's metadata). The build
    then finds every chapter executed."""
    cache = get_cache(str(build_dir / ".jupyter_cache"))
    seeded = []
    for doc in toc_files():
        executed = run.work / f"{Path(doc).name}.ipynb"
        if not executed.is_file():
            continue
        ran = [c for c in nbformat.read(executed, as_version=4).cells
               if c.cell_type == "code" and SETUP_TAG not in c.metadata.get("tags", [])]
        notebook = jupytext.read(source(doc))
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert [c.source for c in code] == [c.source for c in ran], f"{doc}: the reader's notebook has other code"
        for cell, result in zip(code, ran, strict=True):
            cell.outputs, cell.execution_count = result.outputs, result.execution_count
            for output in cell.outputs:
                myst = output.get("metadata", {}).pop("text/markdown", {}).get("book_myst")
                if myst is not None:
                    output.data["text/markdown"] = myst
        cache.cache_notebook_bundle(CacheBundleIn(notebook, str(source(doc))), check_validity=False,
                                    overwrite=True)
        seeded.append(doc)
    return seeded
