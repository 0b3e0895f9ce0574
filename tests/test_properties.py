"""Property tests (hypothesis) of recurrence, validation and the task service."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.tasks.recurrence import first_occurrence, next_occurrence, normalize_rrule, pin_count
from app.tasks.schemas import TaskCreate
from tests.support.accounts import AuthActions

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
rules = st.one_of(
    st.builds(lambda n: f"FREQ=DAILY;INTERVAL={n}", st.integers(1, 30)),
    st.builds(lambda days, n: f"FREQ=WEEKLY;INTERVAL={n};BYDAY={','.join(days)}",
              st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True), st.integers(1, 4)),
    st.builds(lambda d: f"FREQ=MONTHLY;BYMONTHDAY={d}", st.integers(1, 28)),
    st.just("FREQ=YEARLY"),
)


@given(rule=rules, due=dates, today=dates)
def test_next_occurrence_is_after_due_and_not_in_the_past(rule: str, due: date, today: date) -> None:
    nxt = next_occurrence(rule, due, today)
    assert nxt is not None
    assert nxt > due
    assert nxt >= today


fixed_period_rules = st.builds(
    lambda freq, n, days, until: ";".join([f"FREQ={freq}", f"INTERVAL={n}",
                                           *([f"BYDAY={','.join(days)}"] if days else []),
                                           *([f"UNTIL={until:%Y%m%d}"] if until else [])]),
    st.sampled_from(["DAILY", "WEEKLY"]), st.integers(1, 10),
    st.lists(st.sampled_from(DAYS), max_size=7, unique=True),
    st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)


@settings(deadline=None)  # the reference is dateutil's walk from the anchor: the slow path the shortcut avoids
@given(rule=fixed_period_rules, due=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
       days_later=st.integers(-400, 1500))
def test_next_occurrence_of_a_rule_anchored_long_ago_is_dateutils_walk(rule: str, due: date, days_later: int
                                                                        ) -> None:
    """A daily or weekly rule is moved forward by whole periods before dateutil is asked: the same answer
    as walking every occurrence from the task's old due date."""
    today = due + timedelta(days=days_later)
    walked = rrulestr("RRULE:" + rule, dtstart=datetime.combine(due, time())).after(
        datetime.combine(max(due, today), time()), inc=due < today)
    assert next_occurrence(rule, due, today) == (walked.date() if walked else None)


@given(rule=rules, today=dates)
def test_first_occurrence_is_today_or_later_and_matches_weekdays(rule: str, today: date) -> None:
    first = first_occurrence(rule, today)
    assert first is not None and first >= today
    if "BYDAY=" in rule:
        days = rule.split("BYDAY=")[1].split(";")[0].split(",")
        assert DAYS[first.weekday()] in days


@given(count=st.integers(1, 60), start=dates, rule=st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY"]))
def test_pinned_count_completes_exactly_count_times(count: int, start: date, rule: str) -> None:
    pinned = pin_count(f"{rule};COUNT={count}", start)
    assert "COUNT" not in pinned and "UNTIL=" in pinned
    due, occurrences = start, 1
    while (nxt := next_occurrence(pinned, due, start)) is not None:
        due, occurrences = nxt, occurrences + 1
        assert occurrences <= count
    assert occurrences == count


@given(text=st.text(max_size=80))
def test_rrule_validation_never_crashes(text: str) -> None:
    try:
        normalized = normalize_rrule(text)
    except ValueError:
        return
    assert normalized == normalized.upper() and not normalized.startswith("RRULE:")


@given(body=st.dictionaries(st.sampled_from(["title", "description", "priority", "due_date", "due_time", "tags",
                                             "recurrence", "other"]),
                            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30),
                                      st.lists(st.text(max_size=10), max_size=3))))
def test_task_validation_accepts_or_refuses_never_crashes(body: dict[str, Any]) -> None:
    try:
        task = TaskCreate.model_validate(body)
    except ValidationError:
        return
    assert 1 <= len(task.title) <= 200 and task.title == task.title.strip()
    assert all(t == t.lower() and not t.startswith("#") for t in task.tags)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs=st.lists(st.tuples(st.sampled_from(["none", "low", "medium", "high"]),
                                st.one_of(st.none(), st.integers(0, 40)), st.booleans()), min_size=1, max_size=12),
       limit=st.integers(1, 5), sort=st.sampled_from(["created", "due", "priority", "title"]),
       order=st.sampled_from(["asc", "desc"]))
def test_pages_partition_the_filtered_list(client: Any, specs: list[tuple[str, int | None, bool]], limit: int,
                                           sort: str, order: str) -> None:
    acct = AuthActions(client).signup()
    for i, (priority, days, done) in enumerate(specs):
        due = (date(2030, 1, 1) + timedelta(days=days)).isoformat() if days is not None else None
        task = acct.add_task(title=f"t{i % 3} {i}", priority=priority, due_date=due)
        if done:
            acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True})
    whole = acct.request("GET", f"/tasks?status=pending&sort={sort}&order={order}&limit=100").get_json()["tasks"]
    seen, cursor = [], None
    while True:
        url = f"/tasks?status=pending&sort={sort}&order={order}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = acct.request("GET", url).get_json()
        assert len(page["tasks"]) <= limit
        seen += page["tasks"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [t["id"] for t in seen] == [t["id"] for t in whole]
    assert len(whole) == sum(1 for *_, done in specs if not done)
