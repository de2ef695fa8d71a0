"""An edition's events as its event pages show them: upcoming and past, by
year, and by month with a week grid.

A month "has" an event when the event takes place on any of its days, so an
event from 30 January to 2 February is on both month pages. An event known only
to the month has no day: it is listed on its month's page as "date to be
confirmed", never placed in the grid.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, partial

from .defaults import WEEK_DAYS


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    articles: list = field(default_factory=list)
    # What the grid shows of a day of its month, made with the rest of the
    # grid: worked out in the template, cell by cell, they took half the time
    # of a month page.
    iso: str = ""
    number: str = ""  # the day of the month, in the edition's digits
    hijri: str = ""  # the day of the Hijri month ('' where Hijri is off)


@dataclass
class Month:
    year: int
    month: int
    dated: list = field(default_factory=list)  # articles with a day in this month
    unconfirmed: list = field(default_factory=list)  # articles known only to the month
    previous: object = None  # the Month before this one that has events
    next: object = None
    make_weeks: object = None  # () -> its weeks (see weeks)

    @cached_property
    def weeks(self):
        """Lists of 7 Days, from the week's first day. Made when a page shows
        them, so in the process that renders it, not before the rendering
        processes start."""
        return self.make_weeks()

    @property
    def key(self):
        return (self.year, self.month)

    @property
    def first_day(self):
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self):
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def count(self):
        return len(self.dated) + len(self.unconfirmed)


def first_weekday(settings, locale):
    """0 (Monday) to 6 (Sunday): EVENTS_WEEK_START, or what the locale says."""
    start = settings["EVENTS_WEEK_START"]
    return WEEK_DAYS.index(start) if start else locale.first_week_day


def build_today(settings):
    """The day that separates upcoming from past events."""
    import zoneinfo  # noqa: PLC0415

    if settings["EVENTS_TODAY"]:
        return datetime.date.fromisoformat(str(settings["EVENTS_TODAY"]))
    return datetime.datetime.now(zoneinfo.ZoneInfo(settings["TIMEZONE"])).date()


def by_start(article):
    return (article.event.start, article.slug)


class Agenda:
    """The events of a list of articles, from the point of view of `today`;
    `labels(date)` gives what a grid shows of a day (see Day)."""

    def __init__(self, articles, today, week_start, labels):
        self.today = today
        self.week_start = week_start
        self.labels = labels
        events = [article for article in articles if article.event]
        self.upcoming = sorted((a for a in events if a.event.is_upcoming(today)), key=by_start)
        self.past = sorted((a for a in events if not a.event.is_upcoming(today)),
                           key=by_start, reverse=True)

    @cached_property
    def months(self):
        """{(year, month): Month} of every month an event touches, with its grid:
        made for the pages that show them, not for every organisation's agenda."""
        return self._months(self.upcoming + self.past)

    @property
    def events(self):
        return self.upcoming + self.past

    @property
    def weekdays(self):
        """Weekday numbers (0 = Monday) in the order the grid shows them."""
        return [(self.week_start + offset) % 7 for offset in range(7)]

    def years(self):
        """{year: [Month, ...]} in order."""
        years = defaultdict(list)
        for month in self.months.values():
            years[month.year].append(month)
        return dict(years)

    def _months(self, events):
        months = {}
        by_day = defaultdict(list)
        for article in sorted(events, key=by_start):
            for key in article.event.months():
                month = months.setdefault(key, Month(*key))
                bucket = month.dated if article.event.day_known else month.unconfirmed
                bucket.append(article)
            for day in article.event.days():
                by_day[day].append(article)
        ordered = [months[key] for key in sorted(months)]
        for previous, following in zip(ordered, ordered[1:]):
            previous.next, following.previous = following, previous
        grid = calendar.Calendar(self.week_start)
        for month in ordered:
            month.make_weeks = partial(self._weeks, grid, month, by_day)
        return {month.key: month for month in ordered}

    def _weeks(self, grid, month, by_day):
        return [[self._day(day, month, by_day) for day in week]
                for week in grid.monthdatescalendar(month.year, month.month)]

    def _day(self, day, month, by_day):
        # Days of the neighbouring months fill the first and last weeks, empty:
        # their events are on their own month's page.
        if day.month != month.month:
            return Day(day, False, False)
        number, hijri = self.labels(day)
        return Day(day, True, day == self.today, by_day.get(day, []), day.isoformat(), number, hijri)
