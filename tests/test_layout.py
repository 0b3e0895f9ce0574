"""Rules of the code base that a reader can grep for, checked over the syntax trees.

- No module reads or writes the process environment except the configuration modules: `app/config.py`
  (the app and gunicorn) and `tests/support/env.py` (the test run, and the environment handed to child
  processes). Everything else receives typed settings; tests change the environment with `monkeypatch`.
- The app's own code reads its settings from the typed `Config` (`get_config()`), never as
  `app.config["..."]` strings: only Flask and its extensions read `app.config`.
- A test file imports no other test file and no conftest: shared helpers live in `tests/support/`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT_MODULES = {"app/config.py", "tests/support/env.py"}
"""The only files allowed to touch `os.environ`."""
ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _python_files() -> Iterator[Path]:
    for folder in ("app", "cli", "loadtests", "tests"):
        yield from sorted((ROOT / folder).rglob("*.py"))
    yield ROOT / "wsgi.py"
    yield ROOT / "gunicorn.conf.py"


def _trees() -> Iterator[tuple[str, ast.Module]]:
    for path in _python_files():
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _environment_uses(tree: ast.Module) -> list[int]:
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT_NAMES:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for alias in node.names if alias.name in ENVIRONMENT_NAMES]
    return lines


def test_only_the_configuration_modules_touch_the_environment() -> None:
    found = [f"{name}:{line}" for name, tree in _trees() if name not in ENVIRONMENT_MODULES
             for line in _environment_uses(tree)]
    assert found == [], "read settings through app.config / tests.support.env instead"


def test_the_checker_sees_every_spelling() -> None:
    sample = ast.parse("import os\nfrom os import getenv\nos.environ['X'] = '1'\n__import__('os').environ.get('Y')\n")
    assert _environment_uses(sample) == [2, 3, 4]


def _is_config(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "config"


def _string_config_reads(tree: ast.Module) -> list[int]:
    """`<anything>.config["KEY"]` and `<anything>.config.get("KEY")`: Flask's untyped settings."""
    lines = []
    for node in ast.walk(tree):
        subscript = isinstance(node, ast.Subscript) and _is_config(node.value)
        get = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
               and _is_config(node.func.value))
        if (subscript or get) and isinstance(node, ast.expr):
            lines.append(node.lineno)
    return lines


def test_the_config_checker_sees_both_spellings() -> None:
    sample = ast.parse("a = current_app.config['X']\nb = app.config.get('Y')\nc = get_config().model\n")
    assert _string_config_reads(sample) == [1, 2]


def test_app_code_reads_the_typed_config() -> None:
    found = [f"{name}:{line}" for name, tree in _trees() if name.startswith(("app/", "cli/"))
             for line in _string_config_reads(tree)]
    assert found == [], "use app.config.get_config().<setting> instead of app.config[...]"


SCRIPT_IMPORT = re.compile(r"(?:from|import)\s+([\w.]+)")
"""An import inside code a test hands to a subprocess as a string."""


def _imported_modules(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "import" in node.value:
            yield from SCRIPT_IMPORT.findall(node.value)


def _is_test_module(module: str) -> bool:
    last = module.split(".")[-1]
    return last.startswith("test_") or last == "conftest"


def test_test_files_import_only_support_modules() -> None:
    found = [f"{name}: {module}" for name, tree in _trees()
             if name.startswith(("tests/", "loadtests/")) and name != "tests/test_layout.py"  # its samples
             for module in _imported_modules(tree) if _is_test_module(module)]
    assert found == [], "move shared helpers into tests/support/"


def test_the_import_checker_sees_scripts_too() -> None:
    sample = ast.parse("from tests.test_x import y\nimport conftest\nCODE = 'from tests.test_z import w'\n")
    assert [m for m in _imported_modules(sample) if _is_test_module(m)] == ["tests.test_x", "conftest",
                                                                            "tests.test_z"]
