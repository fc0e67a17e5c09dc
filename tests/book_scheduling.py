"""Under pytest-xdist, every test of the book goes to one worker, so that the session's one
execution of the chapters and its one build (session fixtures in conftest.py) happen once;
every other test module is a unit of work for any worker.

conftest.py registers :class:`BookGrouping` only when the xdist plugin is active: without it
(``-p no:xdist``, or pytest-xdist not installed) pytest would refuse the unknown hook, and the
suite runs as one plain process.

Why not xdist's own ``xdist_group`` marker with ``--dist loadgroup``: under pytest 9 it does not
group (xdist 3.8 tags a group onto ``item._nodeid``, which pytest 9 no longer reads), so the
book's tests would be spread over both workers and the book built twice (checked again on
2026-12-07 with pytest 9.2.0 and pytest-xdist 3.8.0: six modules, three of them marked
``xdist_group("book")``, under ``-n 2 --dist loadgroup``: every marked module ran on both workers).
xdist's documented recipe for a session fixture that runs once (a file lock and a shared
folder) would build once, but a worker that reached a book test during the build would wait for
it instead of running the other modules. What is used instead: the public hook
``pytest_xdist_make_scheduler`` returning xdist's ``LoadScopeScheduling`` with one method
overridden, ``_split_scope`` (nodeid -> unit of work). That method is private by its name, but
it is the way xdist builds its own ``loadfile`` and ``loadgroup`` schedulers from the same
class; if a later xdist renames it, the book's tests would be split again and built twice
(``tests/test_harness.py`` checks the grouping, so that shows as a failure, not as slowness).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling


class BookScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with one scope for all of ``book_files``, one per other module."""

    def __init__(self, config: pytest.Config, log, book_files: frozenset[str]) -> None:
        super().__init__(config, log)
        self.book_files = book_files

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return "book" if Path(module).name in self.book_files else module


class BookGrouping:
    """The plugin: schedules the book's tests together for every distribution mode but ``each``
    (which runs every test on every worker by design)."""

    def __init__(self, book_files: frozenset[str]) -> None:
        self.book_files = book_files

    @pytest.hookimpl
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log):
        if config.getvalue("dist") == "each":
            return None
        return BookScheduling(config, log, self.book_files)
