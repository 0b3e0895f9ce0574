"""A worker's heap after start-up: frozen out of the collector's way, with later cycles still collected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import gc, json
import wsgi  # the worker's start-up: gevent patching, the app and everything it imports
from app.heap import YOUNG_THRESHOLD, settle_worker_heap
settle_worker_heap()

class Node:
    pass

a, b = Node(), Node()
a.other, b.other = b, a  # a cycle made after start-up
del a, b
print(json.dumps({"frozen": gc.get_freeze_count(), "young": gc.get_threshold()[0], "expected_young": YOUNG_THRESHOLD,
                  "collected": gc.collect(), "unfrozen": len(gc.get_objects())}))
"""


@pytest.mark.database_independent
def test_worker_heap_is_frozen_and_later_cycles_still_collected(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120,
        cwd=Path(__file__).parent.parent,
        env={"TODO_MODE": "developer", "TODO_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state["young"] == state["expected_young"]
    assert state["frozen"] > 100_000  # the app's modules, mappers and validators
    assert state["unfrozen"] < state["frozen"] / 10  # what a full collection still walks
    assert state["collected"] >= 2  # the two nodes of the cycle made afterwards
