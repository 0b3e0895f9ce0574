"""How the `sdk_*` shortcuts take the place of an Agents SDK function: by the name each SDK module looks it up by."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import Any


def rebind(modules: Iterable[str | ModuleType], name: str, shortcut: Any) -> None:
    """Bind `name` to `shortcut` in each module (by module or dotted name); idempotent.

    Fails loudly when a module no longer has the name: an SDK upgrade that moved it must not leave the
    shortcut silently unused."""
    for module in modules:
        found = importlib.import_module(module) if isinstance(module, str) else module
        if not hasattr(found, name):
            raise RuntimeError(f"openai-agents changed: {found.__name__}.{name} is gone")
        setattr(found, name, shortcut)
