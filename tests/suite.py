"""Where the suite finds things: the checkout, the project's original data beside it, the
stand-in GitHub repository the book is built as, and the test files that read the book's one
execution and build (they share one xdist worker, see ``book_scheduling.py``)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"  # the project's originals, when beside the checkout
EXAMPLE_REPOSITORY = "https://github.com/example-org/annotator-incentives"

# The tests that read the chapters' run or the book build; under pytest-xdist they share one worker.
BOOK_TEST_FILES = frozenset({"test_book.py", "test_chapters.py", "test_claims.py", "test_downloads.py",
                             "test_reader_pages.py"})
