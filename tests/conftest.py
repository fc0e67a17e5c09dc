"""Fixtures only (a test never imports this file; plain helpers live in the modules beside it):
a folder for hub-layout datasets, the real data shipped with the package, one execution of the
chapters and one clean build of the book for the whole session, Chromium, and a hermetic
session: the Hugging Face hub is offline (also for every subprocess and notebook kernel) and a
test that opens a connection to anything but this machine fails."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# Hermetic: set before anything imports datasets or huggingface_hub; subprocesses and notebook
# kernels inherit the environment.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

from suite import BOOK_TEST_FILES, EXAMPLE_REPOSITORY, REPO_ROOT  # noqa: E402


@pytest.fixture
def hub_root(tmp_path: Path) -> Path:
    return tmp_path / "hub-copy"


@pytest.fixture
def real_data() -> Path:
    """The real samples and annotator data shipped with the package (checked against sha256)."""
    from annotator_incentives.data import packaged_data_dir

    return packaged_data_dir()


# --- no network -----------------------------------------------------------------------------

class NetworkBlocked(OSError):
    """Raised by the socket guard for a connection to another machine."""


NETWORK_ATTEMPTS = pytest.StashKey[list]()


def _is_address(host) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
        return True
    except ValueError:
        return False


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Fail any test that opens (or resolves a name for) a connection beyond loopback; tests
    marked ``online`` (deselected by default) are exempt."""
    if request.node.get_closest_marker("online"):
        yield
        return
    attempts: list[str] = []
    request.node.stash[NETWORK_ATTEMPTS] = attempts
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            attempts.append(f"connect to {address[0]}:{address[1]}")
            raise NetworkBlocked(f"the tests are hermetic: no connection to {address[0]}")

    def guarded_connect(sock, address):
        check(sock, address)
        return connect(sock, address)

    def guarded_connect_ex(sock, address):
        check(sock, address)
        return connect_ex(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _is_local(host) and not _is_address(host):  # an address literal is checked at connect
            attempts.append(f"resolve {host}")
            raise NetworkBlocked(f"the tests are hermetic: no name lookup of {host}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A test that tried to reach the network fails, even if it caught the error."""
    result = yield
    attempts = item.stash.get(NETWORK_ATTEMPTS, [])
    if attempts:
        pytest.fail("the test tried to reach the network: " + "; ".join(attempts[:5]), pytrace=False)
    return result


# --- every chapter executed once, as a reader would; one clean build of the book -------------

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tests that need the network run only when asked for by name (`-m online`), also beside
    # another -m expression such as `-m "not slow"`
    if "online" not in (config.option.markexpr or ""):
        online = [item for item in items if item.get_closest_marker("online")]
        if online:
            config.hook.pytest_deselected(items=online)
            items[:] = [item for item in items if not item.get_closest_marker("online")]
    misplaced = [item.nodeid for item in items if {"built_book", "reader_run"} & set(getattr(item, "fixturenames", ()))
                 and item.path.name not in BOOK_TEST_FILES]
    if misplaced:
        raise pytest.UsageError(f"tests of the book build must be in {sorted(BOOK_TEST_FILES)}: {misplaced}")


def pytest_configure(config: pytest.Config) -> None:
    """``make test`` runs two pytest-xdist workers: the book's tests go to one of them (see
    book_scheduling.py). Without xdist (``-p no:xdist``) the suite runs as one process."""
    if config.pluginmanager.hasplugin("xdist"):
        from book_scheduling import BookGrouping

        config.pluginmanager.register(BookGrouping(BOOK_TEST_FILES), "book-grouping")


@pytest.fixture(scope="session")
def reader_run(tmp_path_factory):
    """The book's downloaded notebooks, copied alone to an empty folder outside the checkout and
    run in a fresh virtual environment that gets the library only from the wheel beside them
    (two kernels at a time). This is the suite's one execution of every chapter."""
    from book_session import run_as_reader

    return run_as_reader(tmp_path_factory.mktemp("reader"), EXAMPLE_REPOSITORY, "main")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, reader_run):
    """A clean build of the whole book into a temporary folder: ``(out, result)``; the HTML is
    in ``out/_build/html``, the figures in ``out/figures``. Its execution cache starts with the
    reader's runs (and nothing else), so the build renders those outputs; a chapter whose code
    differs would execute. (The executed notebooks are ``reader_run.work/*.ipynb``: on a cache
    hit MyST-NB leaves ``_build/jupyter_execute`` without outputs.)"""
    from book_session import seed_execution_cache

    out = tmp_path_factory.mktemp("book")
    assert reader_run.result.returncode == 0, reader_run.result.stderr[-4000:]
    seed_execution_cache(reader_run, out / "_build")
    shutil.copytree(reader_run.work / "figures", out / "figures")
    # launch buttons appear only for a book built from a GitHub repository; this one is a stand-in
    env = dict(os.environ, ANNOTATOR_FIGURE_DIR=str(out / "figures"), BOOK_REPOSITORY_URL=EXAMPLE_REPOSITORY,
               BOOK_REPOSITORY_BRANCH="main")
    env.pop("ANNOTATOR_DATA_DIR", None)  # the packaged real data, as on a fresh clone
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(REPO_ROOT), "--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=2400,
    )
    return out, result


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests choose their data folder explicitly and write figures to a temporary folder."""
    monkeypatch.delenv("ANNOTATOR_DATA_DIR", raising=False)
    monkeypatch.setenv("ANNOTATOR_FIGURE_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")


# Property-based tests draw the same examples on every run (seeded), so CI is reproducible.
from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("seeded", derandomize=True, print_blob=True)
_settings.load_profile("seeded")


# --- Chromium, for the browser tests ------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium():
    """(playwright's sync API, the Chromium executable), or skip saying what is missing."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    api = pytest.importorskip("playwright.sync_api", reason="the Python package playwright is not installed")
    return api, CHROMIUM

