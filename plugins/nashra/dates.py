"""Dates as precise as their source knows them: a month, a day, or a minute.

A news archive often knows that a forum took place "in February 2020" and no
more. Nashra keeps that precision instead of inventing a day: a ``When`` is
the first instant of the period it names, plus the precision it was given in.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from .problems import ValueProblem

MONTH = "month"
DAY = "day"
MINUTE = "minute"

_FORMS = (
    (re.compile(r"(\d{4})-(\d{2})"), MONTH),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), DAY),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})"), MINUTE),
)

DATE_FORMS_HELP = (
    "write YYYY-MM-DD, YYYY-MM-DD HH:MM, or YYYY-MM when only the month is known"
)


@dataclass(frozen=True, order=True)
class When:
    """The first instant of a month, a day or a minute, and which of them it is."""

    moment: datetime.datetime
    precision: str

    @property
    def date(self):
        return self.moment.date()

    @property
    def has_time(self):
        return self.precision == MINUTE

    @property
    def last_day(self):
        """The last day the period covers (the day itself unless month-precise)."""
        if self.precision == MONTH:
            days = calendar.monthrange(self.moment.year, self.moment.month)[1]
            return self.moment.date().replace(day=days)
        return self.moment.date()

    @property
    def last_moment(self):
        """The last minute the period covers."""
        if self.precision == MINUTE:
            return self.moment
        return datetime.datetime.combine(self.last_day, datetime.time(23, 59))

    def __str__(self):
        pattern = {MONTH: "%Y-%m", DAY: "%Y-%m-%d", MINUTE: "%Y-%m-%d %H:%M"}
        return self.moment.strftime(pattern[self.precision])


def parse_when(text):
    """Parse '2020-02', '2025-12-07' or '2025-12-07 09:30' into a When.

    Raises ValueProblem when the text is none of these or names no real date.
    """
    text = text.strip()
    for pattern, precision in _FORMS:
        match = pattern.fullmatch(text)
        if match:
            parts = [int(part) for part in match.groups()]
            if precision == MONTH:
                parts.append(1)
            try:
                return When(datetime.datetime(*parts), precision)
            except ValueError:
                raise ValueProblem(
                    f"'{text}' is not a real date", "check the month, day and time"
                ) from None
    raise ValueProblem(f"'{text}' is not a date", DATE_FORMS_HELP)
