"""Working-day arithmetic for promised dates (承诺时限) and 容缺 due dates, and the one way a
date is written for a resident.

Why a tiny module: time limits in the catalogue are in working days. Weekends are skipped; the
State Council's holiday calendar changes yearly, so public holidays and make-up working days are
passed in by whoever has them (the platform can publish them) rather than hard-coded here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = (),
                     workdays: Collection[date] = ()) -> date:
    """The date `days` working days after `start` (0 → start itself)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays, workdays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: Collection[date] = (),
                         workdays: Collection[date] = ()) -> int:
    """How many working days come after `start` up to and including `end` (0 when end <= start).

    The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n. The
    fleet console counts a 差评 call-back's days left and days overdue with it, so "还剩 3 个工作日"
    and the due date it was computed from follow the same calendar."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current, holidays, workdays)
    return count


def chinese_date(day: date) -> str:
    """The one way a date is written for a resident, on paper, on screen and in speech:
    2026年12月7日 (no leading zeros: that is also how it is read aloud)."""
    return f"{day.year}年{day.month}月{day.day}日"
