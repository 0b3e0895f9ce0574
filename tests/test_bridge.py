"""`run_blocking`: blocking work awaited from the asyncio loop, its arguments typed through a ParamSpec."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from mypy import api as mypy_api

from app.asyncbridge import run_blocking

pytestmark = pytest.mark.database_independent


def _scale(value: int, *, factor: int = 1) -> tuple[int, str]:
    return value * factor, threading.current_thread().name


def _fail(message: str) -> None:
    raise LookupError(message)


def test_positional_and_keyword_arguments_reach_the_function_off_the_loop_thread() -> None:
    result, thread = asyncio.run(run_blocking(_scale, 7, factor=3))
    assert result == 21
    assert thread != threading.current_thread().name


def test_an_exception_is_raised_in_the_awaiting_coroutine() -> None:
    with pytest.raises(LookupError, match="gone"):
        asyncio.run(run_blocking(_fail, "gone"))


def test_mypy_rejects_arguments_the_function_does_not_take() -> None:
    snippet = (
        "from app.asyncbridge import run_blocking\n"
        "def scale(value: int, *, factor: int = 1) -> int:\n    return value * factor\n"
        "async def main() -> None:\n"
        "    ok: int = await run_blocking(scale, 2, factor=3)\n"
        "    await run_blocking(scale, 'two')\n"
        "    await run_blocking(scale, 2, size=3)\n"
    )
    # The project's config names packages to check, which mypy will not combine with -c: none is read here.
    out, _err, status = mypy_api.run(["--config-file", os.devnull, "--python-version", "3.11", "--no-incremental",
                                      "--follow-imports=silent", "-c", snippet])
    assert status == 1, out
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 2, out
    assert 'incompatible type "str"; expected "int"' in errors[0]
    assert 'Unexpected keyword argument "size"' in errors[1]
