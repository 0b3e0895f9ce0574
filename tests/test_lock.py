"""The Python lock (`requirements.lock`): current with setup.cfg/pyproject.toml, and what the venv holds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_lock.py"


def _check(kind: str, root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), kind, "--root", str(root)], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the files the lock is checked against, to edit."""
    for name in ("setup.cfg", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_lock_has_every_declared_dependency() -> None:
    result = _check("stale")
    assert result.returncode == 0, result.stderr
    assert "requirements.lock OK" in result.stdout


def test_a_runtime_dependency_missing_from_the_lock_fails(checkout: Path) -> None:
    _edit(checkout / "setup.cfg", "install_requires =\n", "install_requires =\n    not-yet-locked-pkg>=1.0\n")
    result = _check("stale", checkout)
    assert result.returncode == 1
    assert "not-yet-locked-pkg is declared but not in requirements.lock: run `make lock`" in result.stderr


def test_a_dev_dependency_missing_from_the_lock_fails(checkout: Path) -> None:
    _edit(checkout / "setup.cfg", "dev =\n", "dev =\n    another_new_tool\n")
    result = _check("stale", checkout)
    assert result.returncode == 1 and "another_new_tool is declared but not in" in result.stderr


def test_a_build_requirement_missing_from_the_lock_fails(checkout: Path) -> None:
    _edit(checkout / "pyproject.toml", '"wheel"', '"wheel", "setuptools-scm>=8"')
    result = _check("stale", checkout)
    assert result.returncode == 1 and "setuptools-scm is declared but not in" in result.stderr


def test_a_raised_bound_the_pin_no_longer_meets_fails(checkout: Path) -> None:
    _edit(checkout / "setup.cfg", "flask>=3.0", "flask>=999")
    result = _check("stale", checkout)
    assert result.returncode == 1
    assert "flask is pinned to" in result.stderr and "outside >=999" in result.stderr


def test_a_missing_lock_fails(checkout: Path) -> None:
    (checkout / "requirements.lock").unlink()
    result = _check("stale", checkout)
    assert result.returncode == 1 and "requirements.lock is missing" in result.stderr


def test_every_locked_package_has_hashes() -> None:
    entries = [block for block in (ROOT / "requirements.lock").read_text().split("\n")
               if "==" in block and not block.startswith(("#", " "))]
    text = (ROOT / "requirements.lock").read_text()
    assert len(entries) > 50
    for entry in entries:
        following = text.split(entry, 1)[1].split("\n", 2)
        assert "--hash=sha256:" in following[1], entry


def test_the_installed_packages_are_exactly_the_lock() -> None:
    """`make install` installs the lock with hashes and pip-sync removes strays: `pip freeze` equals the lock."""
    result = _check("freeze")
    assert result.returncode == 0, result.stderr + "\n(run `make install` after `rm .venv/.stamp-install`)"
