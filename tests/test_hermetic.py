"""The test session is hermetic: the hub is offline and a connection beyond this machine fails
the test that opens it (tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from suite import REPO_ROOT

INNER = '''
import socket, pytest

def test_reaches_out():
    try:
        socket.create_connection(("203.0.113.1", 443), timeout=1)  # TEST-NET-3: never routed
    except OSError:
        pass  # even a test that swallows the error fails

def test_loopback_is_fine():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=1).close()

@pytest.mark.online
def test_online_is_deselected():
    raise AssertionError("ran")
'''


def test_the_hub_is_offline_for_the_session_and_its_subprocesses():
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["HF_DATASETS_OFFLINE"] == "1"
    import datasets.config
    import huggingface_hub.constants

    assert datasets.config.HF_HUB_OFFLINE and huggingface_hub.constants.HF_HUB_OFFLINE


def test_a_connection_beyond_loopback_fails_the_test(tmp_path):
    for name in ("conftest.py", "suite.py", "book_scheduling.py"):  # the suite's conftest and the plugin it registers
        shutil.copyfile(REPO_ROOT / "tests" / name, tmp_path / name)
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -m 'not online'\nmarkers =\n    online: x\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}  # the outer run's options are not the inner one's
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert "1 failed, 1 passed, 1 deselected" in run.stdout, run.stdout[-3000:]
    assert "tried to reach the network: connect to 203.0.113.1:443" in run.stdout
