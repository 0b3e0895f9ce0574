"""Find due dates and times in free text and cut them out of it.

Only explicit, anchored phrases are recognised ("tomorrow at 7pm", "by wednesday", "on march 14",
"in 2 days", "at noon"), so a title such as "read 2 books" or "march in the parade" keeps its
words. Calendar arithmetic is done with python-dateutil; dateparser is the fallback for a trailing
"by/on/due ..." phrase that the patterns here do not know (it is slow on whole sentences, so it
only ever sees that short phrase, and its answers are cached).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

from .clock import Now
from .text import NUMBER_RE, number_value

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
RELATIVE_WEEKDAYS: tuple[weekday, ...] = (MO, TU, WE, TH, FR, SA, SU)
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
DAYPART_TIMES = {
    "morning": dt.time(9, 0),
    "afternoon": dt.time(15, 0),
    "evening": dt.time(18, 0),
    "night": dt.time(20, 0),
    "tonight": dt.time(20, 0),
    "tonite": dt.time(20, 0),
}

WD_FULL = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
WD_ABBR = r"(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)"
MONTH_RE = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
PRE = r"(?:(?:due|by|on|for|until|till|til|before|starting|from|no later than)\s+)*"
TOMORROW = r"(?:tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow|2morrow)"

DAYPART_TAIL = r"(?:\s+(?:in\s+the\s+)?(?:morning|afternoon|evening|night))?"

_I = re.IGNORECASE


@dataclass
class When:
    """A due date and/or time found in a message."""

    date: dt.date | None = None
    """The due date, or None."""
    time: dt.time | None = None
    """The due time (local wall clock), or None."""
    daypart: str | None = None
    """A part of the day ("morning", "tonight") that sets a default time and am/pm."""
    date_implied: bool = False
    """Whether the date was only inferred from a time ("at 3pm" means today or tomorrow)."""


Handler = Callable[[re.Match[str], Now], dt.date | None]


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def next_weekday(today: dt.date, index: int, *, strictly_after: bool = False) -> dt.date:
    """The coming day with that weekday index (today counts unless strictly_after)."""
    start = today + dt.timedelta(days=1) if strictly_after else today
    return start + relativedelta(weekday=RELATIVE_WEEKDAYS[index])


def next_month_day(today: dt.date, month: int, day: int, year: int | None = None) -> dt.date | None:
    """The next such month and day (this year, or next year once it has passed)."""
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(today.year, month, day)
        if found < today:
            found = dt.date(today.year + 1, month, day)
        return found
    except ValueError:
        return None


def _relative_day(m: re.Match[str], now: Now) -> dt.date | None:
    word = m.group(1).lower()
    return now.today + dt.timedelta(days=1 if re.fullmatch(TOMORROW, word) else 0)


def _in_n(m: re.Match[str], now: Now) -> dt.date | None:
    count = number_value(m.group(1)) or 1
    unit = m.group(2).lower()
    if unit == "fortnight":
        return now.today + dt.timedelta(weeks=2 * count)
    if unit in ("hour", "hr", "minute", "min"):
        return None
    delta = {"day": relativedelta(days=count), "week": relativedelta(weeks=count)}.get(
        unit, relativedelta(months=count) if unit == "month" else relativedelta(years=count)
    )
    return now.today + delta


def _n_from(m: re.Match[str], now: Now) -> dt.date | None:
    """ "two weeks from today", "a week from friday", "3 days after tomorrow": the count from that day."""
    base_said = m.group("base").lower()
    if base_said in ("now", "today"):
        base = now.today
    elif base_said.startswith("tom"):
        base = now.today + dt.timedelta(days=1)
    else:
        day = base_said.removeprefix("next").strip()
        base = next_weekday(now.today, WEEKDAYS[day.rstrip(".")], strictly_after=base_said.startswith("next"))
    count = number_value(m.group("n")) or 1
    unit = m.group("u").lower()
    delta = {"day": relativedelta(days=count), "week": relativedelta(weeks=count), "month": relativedelta(months=count)}
    return base + delta.get(unit, relativedelta(years=count))


def _day_of_next_month(m: re.Match[str], now: Now) -> dt.date | None:
    """ "next month on the 5th", "the 5th of next month"."""
    first = (now.today.replace(day=1) + relativedelta(months=1))
    try:
        return first.replace(day=int(m.group("d") or m.group("d2")))
    except ValueError:
        return None


def _weekday(m: re.Match[str], now: Now) -> dt.date | None:
    qualifier = (m.group(1) or "").lower()
    index = WEEKDAYS[m.group(2).lower().rstrip(".")]
    if m.group(3):
        return now.today + relativedelta(days=1 + index, weekday=MO(+1))
    return next_weekday(now.today, index, strictly_after=qualifier == "next")


def _period(m: re.Match[str], now: Now) -> dt.date | None:
    qualifier = (m.group(1) or "this").lower()
    unit = m.group(2).lower()
    today = now.today
    next_monday = today + relativedelta(days=1, weekday=MO(+1))
    if unit == "weekend":
        if qualifier == "next":
            return next_monday + dt.timedelta(days=5)
        return today if today.weekday() >= 5 else next_weekday(today, 5)
    if unit == "week":
        if qualifier == "next":
            return next_monday
        return max(today, today + dt.timedelta(days=4 - today.weekday()))
    if unit == "month":
        if qualifier == "next":
            return (today + relativedelta(months=1)).replace(day=1)
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if unit == "year":
        return dt.date(today.year + 1, 1, 1) if qualifier == "next" else dt.date(today.year, 12, 31)
    return today


def _end_of(m: re.Match[str], now: Now) -> dt.date | None:
    unit = m.group(2).lower()
    today = now.today
    shift = (
        relativedelta(weeks=1)
        if unit == "week"
        else relativedelta(months=1)
        if unit == "month"
        else relativedelta(years=1)
    )
    if (m.group(1) or "").lower() == "next":
        today = today + shift
    if unit == "week":
        return max(now.today, today + relativedelta(days=4 - today.weekday()))
    if unit == "month":
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if unit == "year":
        return dt.date(today.year, 12, 31)
    return now.today


def _month_day(m: re.Match[str], now: Now) -> dt.date | None:
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    return next_month_day(now.today, MONTHS[groups["month"].lower().rstrip(".")], int(groups["day"]), year)


def _ordinal_day(m: re.Match[str], now: Now) -> dt.date | None:
    day = int(m.group(1))
    today = now.today
    for months_ahead in range(3):
        base = today + relativedelta(months=months_ahead)
        try:
            found = base.replace(day=day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def _iso(m: re.Match[str], now: Now) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _numeric(m: re.Match[str], now: Now) -> dt.date | None:
    year = m.group(3)
    full_year = None if not year else int(year) + (2000 if len(year) == 2 else 0)
    return next_month_day(now.today, int(m.group(1)), int(m.group(2)), full_year)


def _day_after(m: re.Match[str], now: Now) -> dt.date | None:
    return now.today + dt.timedelta(days=2)


DATE_PATTERNS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (re.compile(rf"\b{PRE}(?P<n>{NUMBER_RE})\s+(?P<u>day|week|month|year)s?\s+(?:from|after)\s+"
                rf"(?P<base>now|today|{TOMORROW}|(?:next\s+)?{WD_FULL})\b", _I), _n_from),
    (re.compile(r"\b(?:next\s+month\s+on\s+the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?|(?:on\s+)?the\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?"
                r"\s+of\s+next\s+month)\b", _I), _day_of_next_month),
    (re.compile(rf"\b{PRE}(?:the\s+)?day\s+after\s+{TOMORROW}\b", _I), _day_after),
    (re.compile(rf"\b{PRE}(today|tonight|tonite|{TOMORROW})\b{DAYPART_TAIL}", _I), _relative_day),
    (
        re.compile(
            rf"\b(?:in|within)\s+(?:the\s+next\s+)?({NUMBER_RE})\s+(day|week|month|year|fortnight|hour|hr|minute|min)s?\b(?:\s+from\s+(?:now|today))?",
            _I,
        ),
        _in_n,
    ),
    (re.compile(rf"\b{PRE}({NUMBER_RE})\s+(day|week|month|year)s?\s+from\s+(?:now|today)\b", _I), _in_n),
    (re.compile(rf"\b{PRE}(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})\b", _I), _iso),
    (re.compile(rf"\b{PRE}(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}|\d{{2}}))?\b", _I), _numeric),
    (
        re.compile(
            rf"\b{PRE}(?:the\s+)?(?P<month>{MONTH_RE})\.?\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!:\d)(?:,?\s+(?P<year>\d{{4}})\b)?",
            _I,
        ),
        _month_day,
    ),
    (
        re.compile(
            rf"\b{PRE}(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{MONTH_RE})\b\.?(?:,?\s+(?P<year>\d{{4}})\b)?",
            _I,
        ),
        _month_day,
    ),
    (
        re.compile(
            rf"\b{PRE}(?:(next|this|coming|this\s+coming|upcoming)\s+)?({WD_FULL})\b(\s+next\s+week)?{DAYPART_TAIL}", _I
        ),
        _weekday,
    ),
    (
        re.compile(rf"\b(?:due|by|on|until|till|before|for)\s+(?:(next|this|coming)\s+)?({WD_ABBR})\b\.?()", _I),
        _weekday,
    ),
    (re.compile(rf"\b(?:next|this|coming)\s+()({WD_ABBR})\b\.?()", _I), _weekday),
    (re.compile(rf"\b{PRE}(?:the\s+)?end\s+of\s+(?:the\s+)?(this\s+|next\s+)?(week|month|year|day)\b", _I), _end_of),
    (re.compile(rf"\b{PRE}(next|this|the|over\s+the)\s+(weekend|week|month|year)\b", _I), _period),
    (re.compile(r"\b(?:on|by|due|before|until)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", _I), _ordinal_day),
)

_TIME_AMPM = re.compile(
    r"(?:\b(?:at|by|around|before|from|for)\s+|@\s*)?\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?", _I
)
_TIME_NOON = re.compile(r"(?:\b(?:at|by|around|before|for)\s+|@\s*)?\b(?:12\s+)?(noon|midday|midnight)\b", _I)
_TIME_COLON = re.compile(r"(?:\b(?:at|by|around|before)\s+|@\s*)?\b([01]?\d|2[0-3]):([0-5]\d)\b(?!\s*[ap]\.?m)", _I)
_TIME_BARE = re.compile(r"(?:\b(?:at|around)\s+|@\s*)(\d{1,2})(?:\s*o'?clock)?\b(?![:./\d])", _I)
_TIME_OCLOCK = re.compile(r"\b(\d{1,2})\s*o'?clock\b", _I)
_HOUR_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_TIME_SAID = re.compile(
    r"(?:\b(?:at|by|around|before|for)\s+(?P<half>half)|(?:\b(?:at|by|around|before|for)\s+)?\b"
    r"(?P<part>half\s+past|(?:a\s+)?quarter\s+(?:past|after|to|till|of)))\s+"
    r"(?P<h>\d{1,2}|" + "|".join(_HOUR_WORDS) + r")\b(?:\s*(?P<m>[ap])\.?\s?m\b\.?)?(?![:.]\d)", _I)
"""A clock time said in words: "half past 4", "at half 3" (British), "quarter to 9", "a quarter past ten"."""
_DAYPART = re.compile(
    r"\b(?:in\s+the\s+|this\s+|tomorrow\s+|at\s+)?(morning|afternoon|evening|night|tonight|tonite)\b", _I
)
_BARE_FOLLOWERS_TEXT = """
    today tonight tomorrow on in every and this next by for due then with tmrw please
"""
_BARE_FOLLOWERS = frozenset(_BARE_FOLLOWERS_TEXT.split())
_FALLBACK = re.compile(r"\b(?:due|by|on|before|until)\s+((?:the\s+)?[\w/.,-]+(?:\s+[\w/.,-]+){0,3})\s*$", _I)


def _hour(hour: int, minute: int, daypart: str | None, meridiem: str | None, pm_upto: int = 6) -> dt.time | None:
    """A wall-clock time; a bare 1 to pm_upto o'clock is taken as afternoon, as people mean it."""
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    elif (hour < 12 and daypart in ("afternoon", "evening", "night", "tonight", "tonite")) or (
        1 <= hour <= pm_upto and daypart != "morning"
    ):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _extract_time(text: str, daypart: str | None) -> tuple[dt.time | None, str]:
    m = _TIME_AMPM.search(text)
    if m:
        return _hour(int(m.group(1)), int(m.group(2) or 0), daypart, m.group(3)), _cut(text, m)
    m = _TIME_NOON.search(text)
    if m:
        return (dt.time(0, 0) if m.group(1).lower() == "midnight" else dt.time(12, 0)), _cut(text, m)
    m = _TIME_SAID.search(text)
    if m:
        said = m.group("h").lower()
        hour = int(said) if said.isdigit() else _HOUR_WORDS.index(said) + 1
        part = " ".join((m.group("part") or m.group("half")).lower().split()).removeprefix("a ")
        minute = 30 if part.startswith("half") else 15 if part.endswith(("past", "after")) else 45
        if minute == 45:
            hour = hour - 1 if hour > 1 else 12
        return _hour(hour, minute, daypart, m.group("m"), pm_upto=7), _cut(text, m)
    m = _TIME_COLON.search(text)
    if m:
        hour = int(m.group(1))
        pm_upto = 6 if len(m.group(1)) == 1 else 0
        return _hour(hour, int(m.group(2)), daypart, None, pm_upto=pm_upto), _cut(text, m)
    for pattern in (_TIME_BARE, _TIME_OCLOCK):
        for m in pattern.finditer(text):
            follower = re.match(r"\s*([A-Za-z]+)", text[m.end() :])
            if follower and follower.group(1).lower() not in _BARE_FOLLOWERS and pattern is _TIME_BARE:
                continue
            return _hour(int(m.group(1)), 0, daypart, None, pm_upto=7), _cut(text, m)
    return None, text


@lru_cache(maxsize=512)
def _dateparser_date(phrase: str, today: dt.date) -> dt.date | None:
    import dateparser

    settings = {
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12, 0)),
        "PREFER_DATES_FROM": "future",
        "REQUIRE_PARTS": ["day"],
        "STRICT_PARSING": False,
    }
    found = dateparser.parse(phrase, languages=["en"], settings=settings)
    return found.date() if found else None


def extract_when(text: str, now: Now) -> tuple[When, str]:
    """Find one due date and one due time in text; return them and the text without them."""
    when = When()
    for pattern, handler in DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        found = handler(m, now)
        if found is None and handler is not _in_n:
            continue
        if handler is _in_n and found is None:
            count = number_value(m.group(1)) or 1
            unit = m.group(2).lower()
            moment = now.moment + (dt.timedelta(hours=count) if unit in ("hour", "hr") else dt.timedelta(minutes=count))
            when.date, when.time = moment.date(), moment.time()
            return when, _cut(text, m)
        word = m.group(0).lower()
        for part in DAYPART_TIMES:
            if re.search(rf"\b{part}\b", word):
                when.daypart = part
        when.date = found
        text = _cut(text, m)
        break
    dm = _DAYPART.search(text)
    if dm and (dm.group(0).lower() != dm.group(1).lower() or dm.group(1).lower() in ("tonight", "tonite")):
        when.daypart = dm.group(1).lower()
        if when.date is None and (when.daypart in ("tonight", "tonite") or dm.group(0).lower().startswith("this")):
            when.date = now.today
        text = _cut(text, dm)
    when.time, text = _extract_time(text, when.daypart)
    if when.date is None:
        fm = _FALLBACK.search(text)
        if fm and re.search(r"\d", fm.group(1)):
            found = _dateparser_date(fm.group(1).strip(" .,"), now.today)
            if found is not None and found >= now.today - dt.timedelta(days=1):
                when.date = found
                text = _cut(text, fm)
    if when.time is None and when.daypart:
        when.time = DAYPART_TIMES.get(when.daypart)
    if when.time is not None and when.date is None:
        when.date = now.today if when.time > now.time else now.today + dt.timedelta(days=1)
        when.date_implied = True
    return when, text


def warm_up() -> None:
    """Load dateparser's language data once, so a user's first turn does not pay for it."""
    _dateparser_date("the 3rd of january 2030", dt.date(2026, 1, 1))
