"""Check the Python lock file (`requirements.lock`) against what the project declares and what is installed.

    python scripts/check_lock.py stale    every requirement in setup.cfg / pyproject.toml has a pin in the lock
                                          that satisfies it (a dependency added without `make lock` fails)
    python scripts/check_lock.py freeze   `pip freeze` of this interpreter equals the lock, no more, no less

Both exit 1 with one line per problem. `--root` points at another checkout (the tests use a copy).
"""

from __future__ import annotations

import argparse
import configparser
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = "requirements.lock"
PROJECT = "todo-assistant"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_lock(path: Path) -> dict[str, str]:
    """The lock's pins, by canonical name (`name==version \\` lines; hashes and comments are skipped)."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _lines(value: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in value.splitlines() if line.split("#", 1)[0].strip()]


def declared(root: Path) -> list[str]:
    """Every requirement the project declares: install_requires, each extra, and the build requirements."""
    found: list[str] = []
    cfg_path = root / "setup.cfg"
    if cfg_path.exists():
        cfg = configparser.ConfigParser(interpolation=None)
        cfg.read(cfg_path)
        if cfg.has_option("options", "install_requires"):
            found += _lines(cfg.get("options", "install_requires"))
        if cfg.has_section("options.extras_require"):
            for _extra, value in cfg.items("options.extras_require"):
                found += _lines(value)
    toml_path = root / "pyproject.toml"
    if toml_path.exists():
        data = tomllib.loads(toml_path.read_text())
        found += data.get("build-system", {}).get("requires", [])
        project = data.get("project", {})
        found += project.get("dependencies", [])
        for reqs in project.get("optional-dependencies", {}).values():
            found += reqs
    return found


def stale(root: Path, lock: Path) -> list[str]:
    """Problems that make the lock stale for the declarations under `root` (empty when it is current)."""
    if not lock.exists():
        return [f"{lock.name} is missing: run `make lock`"]
    pins = read_lock(lock)
    problems = []
    for text in declared(root):
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            problems.append(f"cannot parse requirement {text!r}: {exc}")
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name} is declared but not in {lock.name}: run `make lock`")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req.name} is pinned to {pins[name]} in {lock.name}, outside {req.specifier}: "
                            "run `make lock`")
    return problems


def installed() -> dict[str, str]:
    """`pip freeze --all` of this interpreter (editable installs, i.e. the project itself, left out)."""
    out = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                         capture_output=True, text=True, check=True).stdout
    frozen: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, version = line.partition("==")
        if sep:
            frozen[canonicalize_name(name)] = version.strip()
        elif line.strip():
            frozen[canonicalize_name(line.split()[0])] = line.strip()
    frozen.pop(PROJECT, None)
    return frozen


def freeze_differences(lock: Path) -> list[str]:
    """How the installed packages differ from the lock (empty when they are equal)."""
    pins, frozen = read_lock(lock), installed()
    problems = []
    for name in sorted(pins.keys() | frozen.keys()):
        if name not in frozen:
            problems.append(f"{name}=={pins[name]} is locked but not installed")
        elif name not in pins:
            problems.append(f"{name} ({frozen[name]}) is installed but not locked")
        elif pins[name] != frozen[name]:
            problems.append(f"{name} is {frozen[name]}, the lock says {pins[name]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check", choices=["stale", "freeze"])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to check (default: this one)")
    args = parser.parse_args(argv)
    lock = args.root / LOCK
    problems = stale(args.root, lock) if args.check == "stale" else freeze_differences(lock)
    for problem in problems:
        print(f"check_lock {args.check}: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_lock {args.check}: {lock.name} OK ({len(read_lock(lock))} pins)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
