"""Browsers ask for ``/favicon.ico``, also on the root redirect page: the book's favicon is
copied there at the end of an HTML build."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_favicon(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    icon = Path(app.srcdir) / "_static" / "favicon.png"
    if icon.is_file():
        shutil.copyfile(icon, Path(app.outdir) / "favicon.ico")
