"""Imports run one way (the `layers` contract in pyproject.toml, checked by import-linter in `make lint`).

The contract holds for the repository as it is, and breaks, naming the import, when a lower layer
imports a higher one: each case adds one such import to a copy of the packages and runs the same
`lint-imports` on it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.env import server_env

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the repository's contract on the packages under `tree`."""
    env = server_env(PYTHONPATH=str(tree))
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def copy_packages(tmp_path: Path) -> Path:
    """A copy of `app` and `cli` (sources only) to break on purpose."""
    tree = tmp_path / "tree"
    for package in ("app", "cli"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return tree


def test_the_repository_keeps_the_layers(tmp_path: Path) -> None:
    result = lint_imports(copy_packages(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "importer", "imported"), [
    ("app/models.py", "from app.auth import tokens", "app.models", "app.auth.tokens"),
    ("app/mcp/inprocess.py", "from app.agent import runtime", "app.mcp.inprocess", "app.agent.runtime"),
    ("app/tasks/service.py", "from app.conversations import store", "app.tasks.service", "app.conversations.store"),
    ("app/conversations/store.py", "from app.chat import routes", "app.conversations.store", "app.chat.routes"),
    ("app/agent/agent.py", "import cli.users", "app.agent.agent", "cli.users"),
    ("app/chatkit/store.py", "from app.chat import schemas", "app.chatkit.store", "app.chat.schemas"),
    ("app/extensions.py", "from app.models import User", "app.extensions", "app.models"),
])
def test_an_upward_import_breaks_the_contract(tmp_path: Path, module: str, line: str, importer: str,
                                              imported: str) -> None:
    tree = copy_packages(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    assert f"{importer} -> {imported}" in result.stdout, result.stdout
