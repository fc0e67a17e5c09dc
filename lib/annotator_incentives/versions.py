"""The versions of the packages a build's figures were made with (stated in the book's introduction)."""

from __future__ import annotations

import platform
from importlib import metadata

import pandas as pd

__all__ = ["KEY_PACKAGES", "environment_versions"]

# what computes and draws the figures, then what builds the book
KEY_PACKAGES = ("annotator-incentives", "numpy", "scipy", "pandas", "pyarrow", "datasets", "matplotlib", "seaborn",
                "jupyter-book", "sphinx", "myst-nb")


def environment_versions(packages: tuple[str, ...] = KEY_PACKAGES) -> pd.DataFrame:
    """A table (columns ``package``, ``version``) of Python and the given packages as installed
    in this environment; a package that is not installed shows as "not installed"."""
    rows = [{"package": "Python", "version": platform.python_version()}]
    for name in packages:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "not installed"
        rows.append({"package": name, "version": version})
    return pd.DataFrame(rows)
