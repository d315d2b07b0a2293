"""Working days: the one rule forms, the kiosk's receipts and the fleet console's 差评 call-backs
count with (forms/workdays.py)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from forms.workdays import add_working_days, is_working_day, working_days_between

FRIDAY = date(2026, 12, 4)
MONDAY = date(2026, 12, 7)


def test_weekends_are_not_counted() -> None:
    assert working_days_between(FRIDAY, MONDAY) == 1            # Sat, Sun skipped; Monday counts
    assert working_days_between(FRIDAY, FRIDAY + timedelta(days=2)) == 0
    assert working_days_between(MONDAY, MONDAY + timedelta(days=14)) == 10


def test_nothing_between_a_day_and_itself_or_an_earlier_day() -> None:
    assert working_days_between(MONDAY, MONDAY) == 0
    assert working_days_between(MONDAY, FRIDAY) == 0


def test_holidays_and_make_up_days_are_honoured() -> None:
    holiday, make_up = date(2026, 12, 8), date(2026, 12, 12)     # a Tuesday off, a Saturday worked
    assert working_days_between(MONDAY, date(2026, 12, 13), [holiday], [make_up]) == 4
    assert not is_working_day(holiday, [holiday]) and is_working_day(make_up, workdays=[make_up])


def test_the_console_due_date_is_fifteen_working_days_out() -> None:
    """The 差评整改 rule: a call-back due 15 working days after the rating, counted back the same."""
    rated = date(2026, 12, 3)                                     # a Thursday
    due = add_working_days(rated, 15)
    assert due == date(2026, 12, 24)
    assert working_days_between(rated, due) == 15
    assert working_days_between(due, due + timedelta(days=3)) == 1   # Fri 25th; the weekend skipped


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)), st.integers(0, 400))
def test_counting_undoes_adding(start: date, days: int) -> None:
    assert working_days_between(start, add_working_days(start, days)) == days
