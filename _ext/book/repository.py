"""What every part of the extension reads from the repository: its root, the GitHub repository
the book is published from, a chapter's front matter, the library's version and wheel name, and
the folder the chapters write their figures to."""

from __future__ import annotations

import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # _ext/book/ -> the repository


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


@lru_cache(maxsize=1)
def published_repository() -> tuple[str, str] | None:
    """(GitHub URL, branch) the book is published from, or None when none is known:
    ``$BOOK_REPOSITORY_URL`` (and ``$BOOK_REPOSITORY_BRANCH``), else git's ``origin`` remote and
    current branch."""
    url = os.environ.get("BOOK_REPOSITORY_URL") or _git("remote", "get-url", "origin")
    match = re.fullmatch(r"(?:https://github\.com/|git@github\.com:)([\w.-]+)/([\w.-]+?)(?:\.git)?/?", url)
    if not match:
        return None
    branch = os.environ.get("BOOK_REPOSITORY_BRANCH") or _git("rev-parse", "--abbrev-ref", "HEAD") or "main"
    return f"https://github.com/{match[1]}/{match[2]}", branch


def front_matter(path: Path) -> dict:
    """The YAML header of a MyST Markdown file ({} when it has none)."""
    import yaml

    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    match = re.match(r"---\n(.*?)\n---\s*\n", text, re.S)
    header = yaml.safe_load(match[1]) if match else None
    return header if isinstance(header, dict) else {}


def is_notebook(path: Path) -> bool:
    """A MyST Markdown notebook: a page whose front matter names a kernel (the build executes it)."""
    return "kernelspec" in front_matter(path)


@lru_cache(maxsize=1)
def library_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def wheel_name(version: str | None = None) -> str:
    return f"annotator_incentives-{version or library_version()}-py3-none-any.whl"


def figure_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_FIGURE_DIR") or ROOT / "_build" / "figures")


def set_figure_dir(app, config):
    """Chapters write figures to ``$ANNOTATOR_FIGURE_DIR`` (else ``./figures`` beside the
    notebook): for the book's kernels, which inherit this environment, that is
    ``_build/figures`` next to the HTML, where the claims map and the downloads find them."""
    os.environ.setdefault("ANNOTATOR_FIGURE_DIR", str(Path(app.outdir).parent / "figures"))
