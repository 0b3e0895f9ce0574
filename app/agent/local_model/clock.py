"""The user's "now", read from the agent instructions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NOW_RE = re.compile(
    r"Current date and time:\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})"
    r"(?:\s*\([A-Za-z]+\))?(?:,\s*timezone:\s*([A-Za-z0-9_+\-/]+))?"
)


@dataclass(frozen=True)
class Now:
    """The current local date and time of the user the model talks to."""

    moment: dt.datetime
    """Local date and time, naive, to the minute."""
    timezone: str = "UTC"
    """IANA time zone name the moment is expressed in."""

    @property
    def today(self) -> dt.date:
        """The user's local date."""
        return self.moment.date()

    @property
    def time(self) -> dt.time:
        """The user's local wall-clock time."""
        return self.moment.time()


def now_from_instructions(instructions: str | None) -> Now:
    """Find the "Current date and time" line; fall back to the current UTC time."""
    match = _NOW_RE.search(instructions or "")
    if match:
        day, hour, minute, zone = match.groups()
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(int(hour), int(minute)))
            return Now(moment=moment, timezone=zone or "UTC")
        except ValueError:
            pass
    return Now(moment=dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0))
