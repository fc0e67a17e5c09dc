"""A clean build of the whole book: warnings are errors and a failing notebook fails the build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, SHARED_DATA


@pytest.mark.slow
def test_clean_book_build(tmp_path):
    env = dict(os.environ, ANNOTATOR_FIGURE_DIR=str(tmp_path / "figures"))
    if SHARED_DATA.is_dir():
        env["ANNOTATOR_DATA_DIR"] = str(SHARED_DATA)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(REPO_ROOT), "--path-output", str(tmp_path), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    html = tmp_path / "_build" / "html"
    assert (html / "index.html").is_file()
    data_page = (html / "chapters" / "data.html").read_text()
    assert "<img" in data_page and "Traceback" not in data_page
    assert (tmp_path / "figures" / "fig1_top_p_histograms.png").is_file()
