"""The shared natural-language scorer against a real server on the embedded model: every case passes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.env import run_settings
from tests.support.live import LiveServer, start_server

pytestmark = pytest.mark.gunicorn
EVAL = Path(run_settings().nl_eval_dir)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("nl"))
    yield live
    live.stop()


def test_dev_cases_all_pass(server: LiveServer) -> None:
    assert (EVAL / "run.py").exists(), f"the shared scorer is missing at {EVAL}"
    proc = subprocess.run([sys.executable, str(EVAL / "run.py"), str(EVAL / "dev_cases.json"), "--base",
                           server.base], capture_output=True, text=True, timeout=600)
    last = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert last.endswith(" 0 failed"), last
