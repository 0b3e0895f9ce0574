"""The targets `make loadtest` holds the server to, judged from Locust's stats when it quits.

Duck-typed over Locust's `RequestStats` (entries keyed by (name, method), a `total` entry, and
each entry's `response_times` histogram of rounded milliseconds), so this module never imports
Locust, which monkey-patches whatever process imports it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

TURN_P90_MS = 3000
"""90% of turns end to end under this, at 100 users with a 300 ms first token."""
ERROR_SHOWN_MS = 1000
"""A refused turn is shown to the user within this (p99)."""
MIN_SESSIONS = 10
"""Concurrent sessions one user must be able to stream in at once."""


class Entry(Protocol):
    """What is read of a Locust StatsEntry."""

    name: str
    method: str | None
    num_requests: int
    num_failures: int
    response_times: Mapping[int, int]
    total_content_length: int


class Stats(Protocol):
    """What is read of Locust's RequestStats."""

    @property
    def entries(self) -> Mapping[Any, Any]: ...

    @property
    def total(self) -> Any: ...


@dataclass
class Result:
    """One target's verdict."""

    target: str
    """What was required."""
    measured: str
    """What was measured."""
    met: bool
    """Whether it holds."""


def percentile(histogram: Mapping[int, int], fraction: float) -> int:
    """The response time (ms) under which `fraction` of the requests of a Locust histogram fall."""
    count = sum(histogram.values())
    if not count:
        return 0
    rank, seen = fraction * count, 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


def merged(entries: Iterable[Entry]) -> Counter[int]:
    """The response-time histograms of several entries, added up."""
    total: Counter[int] = Counter()
    for entry in entries:
        total.update(entry.response_times)
    return total


def check_targets(stats: Stats, sessions: int) -> list[Result]:
    """Every Locust-side target, met or not."""
    entries: list[Entry] = list(stats.entries.values())
    results: list[Result] = []
    total = stats.total
    results.append(Result("zero failed requests", f"{total.num_failures} of {total.num_requests}",
                          total.num_failures == 0 and total.num_requests > 0))
    turns = [e for e in entries if e.method == "TURN"]
    histogram = merged(turns)
    p90 = percentile(histogram, 0.9)
    results.append(Result(f"90% of turns < {TURN_P90_MS} ms end to end",
                          f"p90 {p90} ms over {sum(histogram.values())} turns", bool(histogram) and p90 < TURN_P90_MS))
    for entry in sorted(turns, key=lambda e: e.name):
        value = percentile(entry.response_times, 0.9)
        results.append(Result(f"  {entry.name}: p90 < {TURN_P90_MS} ms", f"p90 {value} ms ({entry.num_requests})",
                              value < TURN_P90_MS))
    refused = merged(e for e in entries if e.method == "ERROR")
    shown = percentile(refused, 0.99)
    results.append(Result(f"errors shown within {ERROR_SHOWN_MS} ms (p99)",
                          f"p99 {shown} ms over {sum(refused.values())} refused turns",
                          bool(refused) and shown < ERROR_SHOWN_MS))
    many = [e for e in entries if e.method == "SESSIONS"]
    rounds = sum(e.num_requests for e in many)
    failed = sum(e.num_failures for e in many)
    results.append(Result(f"{MIN_SESSIONS}+ concurrent sessions per user",
                          f"{sessions} sessions, {rounds} rounds, {failed} failed",
                          sessions >= MIN_SESSIONS and rounds > 0 and failed == 0))
    return results


def format_results(results: list[Result]) -> str:
    """The verdicts as a plain table for the console."""
    width = max(len(r.target) for r in results)
    lines = ["", "Targets:"]
    lines += [f"  {'ok  ' if r.met else 'MISS'}  {r.target:<{width}}  {r.measured}" for r in results]
    return "\n".join(lines)
