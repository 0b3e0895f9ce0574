"""Recurrence phrases ("every thursday", "daily", "every 2 weeks") as RFC 5545 RRULEs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.rrule import rrulestr

from .text import NUMBER_RE, ORDINALS, number_value

_I = re.IGNORECASE
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_INDEX = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
WD = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
WD_PLURAL = WD + r"s?"
WD_LIST = rf"{WD_PLURAL}(?:\s*(?:,|and|&|\+)\s*(?:and\s+)?{WD_PLURAL})*"
LEAD = (
    r"(?:(?:and\s+)?(?:that\s+|which\s+)?(?:should\s+)?"
    r"(?:repeats?|recurs?|recurring|repeating|happens|occurs|on\s+repeat)\s*(?:on\s+)?)?"
)
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
          "eighteenth", "nineteenth"]
ORDINAL_WORDS = {word: day for day, word in enumerate(_UNITS + _TEENS, 1)} | {"twentieth": 20, "thirtieth": 30} | {
    f"{tens}{sep}{unit}": base + day for tens, base in (("twenty", 20), ("thirty", 30))
    for day, unit in enumerate(_UNITS, 1) if base + day <= 31 for sep in ("-", " ")}
"""A day of the month in words ("the first", "the twenty-third")."""
ORDINAL_DAY = r"(\d{1,2}(?:st|nd|rd|th)?|" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + ")"


@dataclass
class Recurrence:
    """A recurrence rule and the defaults it implies."""

    rule: str
    """The RRULE, such as "FREQ=WEEKLY;BYDAY=TH"."""
    time: dt.time | None = None
    """A default due time implied by the phrase ("every morning"), or None."""


def _days(text: str) -> list[str]:
    found = [CODES[_DAY_INDEX[w[:3].lower()]] for w in re.findall(WD, text, _I)]
    return sorted(set(found), key=CODES.index)


_NTH = {**{word: n for word, n in ORDINALS.items() if n <= 4}, "last": -1}
"""The weekday of the month a phrase names ("the first monday", "the 3rd friday", "the last sunday")."""
_NTH_WORD = {str(n): word for word, n in _NTH.items() if word.isalpha()}
"""An RRULE's BYDAY prefix in words, for `describe` ("1" first, "-1" last)."""


def _nth_weekday(m: re.Match[str]) -> str:
    """ "the first monday of every month": FREQ=MONTHLY;BYDAY=1MO, "the last friday": -1FR."""
    return f"FREQ=MONTHLY;BYDAY={_NTH[m.group('nth').lower()]}{_days(m.group('day'))[0]}"


def _weekly(m: re.Match[str]) -> str:
    interval = ";INTERVAL=2" if m.group(1) else ""
    return f"FREQ=WEEKLY{interval};BYDAY={','.join(_days(m.group(2)))}"


def _every_n(m: re.Match[str]) -> str:
    count = number_value(m.group(1)) or 1
    freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}[m.group(2).lower()]
    return f"FREQ={freq}" + (f";INTERVAL={count}" if count > 1 else "")


def _simple(m: re.Match[str]) -> str:
    word = m.group(0).lower()
    interval = ";INTERVAL=2" if re.search(r"\bother\b|biweekly|fortnight|bi-weekly", word) else ""
    for key, freq in (("day", "DAILY"), ("daily", "DAILY"), ("night", "DAILY"), ("morning", "DAILY"),
                      ("evening", "DAILY"), ("week", "WEEKLY"), ("fortnight", "WEEKLY"),
                      ("month", "MONTHLY"), ("year", "YEARLY"), ("annual", "YEARLY")):  # fmt: skip
        if key in word:
            return f"FREQ={freq}{interval}"
    return "FREQ=DAILY"


def _monthday(m: re.Match[str]) -> str:
    said = next(g for g in m.groups() if g).lower()
    day = ORDINAL_WORDS.get(said) or int(re.sub(r"\D", "", said))
    return f"FREQ=MONTHLY;BYMONTHDAY={day}"


PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            rf"\b{LEAD}(?:every|each)\s+(?:work\s*day|week\s*day)s?\b|\b{LEAD}(?:on\s+)?weekdays\b|\bmonday\s+(?:to|through|thru|-)\s+friday\b",
            _I,
        ),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    ),
    (re.compile(rf"\b{LEAD}(?:every|each|on)\s+weekends?\b|\b{LEAD}weekends\b", _I), "FREQ=WEEKLY;BYDAY=SA,SU"),
    (
        re.compile(
            rf"\b{LEAD}(?:(?:every|each)\s+month\s+on\s+the\s+{ORDINAL_DAY}|on\s+the\s+{ORDINAL_DAY}\s+of\s+(?:every|each|the)\s+month|(?:every|each)\s+(\d{{1,2}})(?:st|nd|rd|th)(?:\s+of\s+(?:the|every|each)\s+month)?|monthly\s+on\s+the\s+{ORDINAL_DAY})\b",
            _I,
        ),
        _monthday,
    ),
    (re.compile(rf"\b{LEAD}(?:on\s+)?(?:the\s+)?(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+(?P<day>{WD})"
                rf"\s+(?:of\s+)?(?:every|each|the|a)\s+month\b", _I), _nth_weekday),
    (re.compile(rf"\b{LEAD}(?:every|each)\s+(other\s+)?({WD_LIST})\b", _I), _weekly),
    (re.compile(rf"\b{LEAD}(?:on\s+)()({WD}s(?:\s*(?:,|and|&)\s*(?:and\s+)?{WD}s)*)\b", _I), _weekly),
    (re.compile(rf"\b{LEAD}(?:every|each)\s+({NUMBER_RE})\s+(day|week|month|year)s\b", _I), _every_n),
    (
        re.compile(
            rf"\b{LEAD}(?:every|each)\s+(?:other\s+|single\s+)?(?:day|week|month|year|morning|night|evening|fortnight)\b"
            r"(?:\s+and\s+(?:every\s+)?(?:evening|night|afternoon))?"
            rf"|\b{LEAD}(?:daily|weekly|monthly|yearly|annually|nightly|bi-?weekly|fortnightly|everyday)\b"
            rf"|\b{LEAD}once\s+a\s+(?:day|week|month|year)\b",
            _I,
        ),
        _simple,
    ),
)
_DAYPART_TIMES = {"morning": dt.time(9, 0), "evening": dt.time(18, 0), "night": dt.time(20, 0)}
_LONE_LEAD = re.compile(r"\b(?:make\s+it\s+|and\s+)?(?:repeat|recur)(?:ring|s)?\b\s*$", _I)


def extract_recurrence(text: str) -> tuple[Recurrence | None, str]:
    """Find one recurrence phrase; return its rule and the text without it."""
    for pattern, produce in PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        rule = produce if isinstance(produce, str) else produce(m)
        time = None
        for part, default in _DAYPART_TIMES.items():
            if re.search(rf"\b(?:every|each)\s+{part}\b", m.group(0), _I) or (
                part == "night" and "nightly" in m.group(0).lower()
            ):
                time = default
                break
        rest = text[: m.start()] + " " + text[m.end() :]
        return Recurrence(rule=rule, time=time), _LONE_LEAD.sub(" ", rest)
    return None, text


def first_occurrence(rule: str, today: dt.date) -> dt.date | None:
    """The first date on or after today on which the rule fires."""
    try:
        start = dt.datetime.combine(today, dt.time(0, 0))
        found = rrulestr("RRULE:" + rule, dtstart=start).after(start, inc=True)
    except (ValueError, TypeError):
        return None
    return found.date() if found else None


def describe(rule: str | None) -> str:
    """A short English rendering of an RRULE ("every Thursday", "every 2 weeks")."""
    if not rule:
        return ""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    names = dict(
        zip(CODES, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
    )
    nth = re.fullmatch(r"(-?\d)([A-Z]{2})", parts.get("BYDAY", ""))
    if freq == "MONTHLY" and nth:
        which = _NTH_WORD.get(nth.group(1), nth.group(1))
        return f"on the {which} {names.get(nth.group(2), nth.group(2))} of every month"
    if parts.get("BYDAY"):
        days = parts["BYDAY"].split(",")
        if days == list(CODES[:5]):
            return "every weekday"
        label = ", ".join(names.get(d, d) for d in days)
        return ("every other " if interval == 2 else "every ") + label
    if parts.get("BYMONTHDAY"):
        return f"monthly on day {parts['BYMONTHDAY']}"
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, "time")
    return f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
