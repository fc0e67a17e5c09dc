# Setup: this notebook needs the book's library, annotator-incentives (with its real data).
# Where it is missing (Colab, a fresh machine) it is installed here: from the wheel beside this
# notebook (or beside its folder), else (when the book was published) from the published book or its repository; its
# dependencies at the versions the book was built with (constraints.txt, beside the notebook).
import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

# filled in by the book's build
WHEEL = None  # the library's wheel, built with this book
SOURCES = []  # where the published book and its repository offer the library
PUBLISHED_CONSTRAINTS = None  # the published book's constraints.txt
BOOK_VERSIONS = {}  # the library's dependencies as the book ran them

if importlib.util.find_spec("annotator_incentives") is None:
    # the downloads' folder: this one, or the one above for the student's edition (student/)
    here = next((f for f in (Path.cwd(), Path.cwd().parent) if WHEEL and (f / WHEEL).is_file()), Path.cwd())
    sources = [str(here / WHEEL)] if WHEEL and (here / WHEEL).is_file() else []
    sources += SOURCES
    pins = str(here / "constraints.txt") if (here / "constraints.txt").is_file() else PUBLISHED_CONSTRAINTS
    for source in sources:
        print("installing annotator-incentives from", source, "with the book's versions from", pins)
        pip = [sys.executable, "-m", "pip", "install", "--quiet", source]
        if pins and subprocess.run([*pip, "--constraint", pins]).returncode == 0:
            break
        if pins:
            print("the book's versions do not install here; installing the library with the newest versions that fit")
        if subprocess.run(pip).returncode == 0:
            break
    else:
        raise ModuleNotFoundError(
            "annotator-incentives is not installed. Download " + (WHEEL or "the wheel annotator_incentives-*.whl")
            + " and constraints.txt from the book's downloads (downloads/notebooks/, beside this notebook) into "
            + str(here) + " and run this cell again, or install it yourself: pip install <that wheel> "
            "--constraint constraints.txt (or, in a clone of the book's repository: make book)")
    importlib.invalidate_caches()


def _installed(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


_other = {name: (_installed(name), book) for name, book in BOOK_VERSIONS.items() if _installed(name) != book}
if _other:
    print("This notebook runs with other versions than the book was built with, so its last digits may differ:",
          ", ".join(f"{name} {mine} (book: {book})" for name, (mine, book) in sorted(_other.items())))
import annotator_incentives  # noqa: E402,F401
