"""Recurrence rules (RFC 5545 RRULEs, through python-dateutil) and the next occurrence of a task."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, rrulestr

ALLOWED_FREQS = {DAILY, WEEKLY, MONTHLY, YEARLY}
_PERIOD_DAYS: dict[int, int] = {DAILY: 1, WEEKLY: 7}
"""The frequencies whose period is a fixed number of days (see `next_occurrence`)."""


def normalize_rrule(value: str) -> str:
    """Validate an RRULE and return it upper-cased without the `RRULE:` prefix.

    Raises ValueError with a human sentence when it is not a rule we can schedule.
    """
    text = value.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text or "DTSTART" in text:
        raise ValueError("recurrence must be a single RRULE such as FREQ=WEEKLY;BYDAY=MO")
    try:
        rule = rrulestr("RRULE:" + text, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError) as err:
        raise ValueError(f"recurrence is not a valid RRULE: {err}") from err
    count = getattr(rule, "_count", None)
    if count is not None and not 1 <= count <= 1000:
        raise ValueError("recurrence COUNT must be between 1 and 1000")
    freq = getattr(rule, "_freq", None)
    if freq not in ALLOWED_FREQS:
        raise ValueError("recurrence must repeat daily, weekly, monthly or yearly")
    return text


def next_occurrence(rule_text: str, due: date | None, today: date) -> date | None:
    """The first occurrence after `due` that is not in the past, or None when the rule has ended.

    The rule is anchored on the task's due date (or today when it has none), so
    "every month on the 31st" and BYDAY rules keep their rhythm.
    """
    anchor = due or today
    rule = rrulestr("RRULE:" + rule_text, dtstart=datetime.combine(anchor, time()))
    if anchor >= today:
        nxt = rule.after(datetime.combine(anchor, time()), inc=False)
    else:
        nxt = _caught_up(rule, anchor, today).after(datetime.combine(today, time()), inc=True)
    return nxt.date() if nxt else None


def _caught_up(rule: rrule | rruleset, anchor: date, today: date) -> rrule | rruleset:
    """The rule anchored on the last whole period before today, when its period is a fixed number of days
    and it has no COUNT: the same occurrences from today on. dateutil walks every occurrence from the
    anchor, which for a daily task left open for decades cost a completion a fifth of a second."""
    if not isinstance(rule, rrule) or getattr(rule, "_count", None) is not None:
        return rule
    days = _PERIOD_DAYS.get(getattr(rule, "_freq", -1))
    if days is None:
        return rule
    period = days * getattr(rule, "_interval", 1)
    start = anchor + timedelta(days=(today - anchor).days // period * period)
    return rule.replace(dtstart=datetime.combine(start, time()))


def first_occurrence(rule_text: str, today: date) -> date | None:
    """The first day on or after today that the rule falls on (a new recurring task's due date)."""
    rule = rrulestr("RRULE:" + rule_text, dtstart=datetime.combine(today, time()))
    first = rule.after(datetime.combine(today, time()), inc=True)
    return first.date() if first else None


def pin_count(rule_text: str, start: date) -> str:
    """Turn COUNT=n into the UNTIL date it implies from `start`.

    Completing a task re-anchors the rule on its new due date, which would restart a
    COUNT; an UNTIL date is absolute, so the series ends where the user meant it to.
    """
    parts = rule_text.split(";")
    count = next((p for p in parts if p.startswith("COUNT=")), None)
    if count is None:
        return rule_text
    rule = rrulestr("RRULE:" + rule_text, dtstart=datetime.combine(start, time()))
    last = list(rule)[-1].date()
    kept = [p for p in parts if p != count]
    return ";".join([*kept, f"UNTIL={last:%Y%m%d}"])
