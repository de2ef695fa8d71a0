"""The event an article reports on, read from its ``event-*`` metadata.

Field names follow Pelican's existing events plugins (``event-start``,
``event-end``, ``event-location``) plus ``event-timezone``, ``event-mode``,
``event-url`` and ``event-status``. Every field but the location describes the
event itself and so is shared by an article's translations; the location is
text in the article's own language.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from babel.core import get_global

from .dates import MONTH, parse_when
from .problems import ValueProblem

START, END, LOCATION, TIMEZONE, MODE, URL, STATUS = (
    "event-start",
    "event-end",
    "event-location",
    "event-timezone",
    "event-mode",
    "event-url",
    "event-status",
)
FIELDS = (START, END, LOCATION, TIMEZONE, MODE, URL, STATUS)
# Fields a translation inherits from, and must agree with, the other language.
SHARED_FIELDS = (START, END, TIMEZONE, MODE, URL, STATUS)

MODES = ("in-person", "online", "hybrid")
STATUSES = ("scheduled", "cancelled", "postponed", "rescheduled", "moved-online")


@dataclass(frozen=True)
class Event:
    start: object  # dates.When
    end: object = None  # dates.When or None
    location: str = ""
    timezone: str = ""
    mode: str = ""
    url: str = ""
    status: str = "scheduled"

    @property
    def is_online(self):
        return self.mode == "online"

    @property
    def spans_days(self):
        return self.end is not None and self.end.last_day > self.start.date

    @property
    def day_known(self):
        """False when the source gives only the month: the event has no day to be
        placed on, in a grid or in a calendar file."""
        return self.start.precision != MONTH

    @property
    def last_day(self):
        return (self.end or self.start).last_day

    def days(self):
        """Every day the event takes place on ([] when only the month is known)."""
        if not self.day_known:
            return []
        count = (self.last_day - self.start.date).days + 1
        return [self.start.date + datetime.timedelta(days=n) for n in range(count)]

    def months(self):
        """(year, month) of every month the event touches."""
        first, last = self.start.date, self.last_day
        months = []
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def is_upcoming(self, today):
        """Upcoming until its last day is over (an event under way is upcoming)."""
        return self.last_day >= today

    @property
    def country(self):
        """ISO code of the country of the event's time zone, or ''."""
        return get_global("zone_territories").get(self.timezone, "") if self.timezone else ""

    @property
    def place(self):
        return Place.parse(self.location)


PLACE_SEPARATOR = re.compile(r"\s*[,،]\s*")


@dataclass(frozen=True)
class Place:
    """A location written, as the README asks, 'venue, city, country' (or 'city,
    country', or 'country'), with commas or Arabic commas."""

    name: str
    locality: str = ""

    @classmethod
    def parse(cls, text):
        parts = [part for part in PLACE_SEPARATOR.split(text.strip()) if part] if text else []
        if len(parts) >= 3:
            return cls(name=parts[0], locality=parts[-2])
        if len(parts) == 2:
            return cls(name=text.strip(), locality=parts[0])
        return cls(name=text.strip())


def parse_field(name, text):
    """The typed value of one event field; raises ValueProblem when unusable."""
    text = text.strip()
    if name in (START, END):
        return parse_when(text)
    if name == TIMEZONE:
        return _parse_timezone(text)
    if name == MODE:
        return _parse_choice(text, MODES, "event-mode")
    if name == STATUS:
        return _parse_choice(text, STATUSES, "event-status")
    if name == URL:
        return _parse_url(text)
    return text


def event_from_fields(fields):
    """The Event described by already-parsed fields, or None when there is no start."""
    if START not in fields:
        return None
    return Event(
        start=fields[START],
        end=fields.get(END),
        location=fields.get(LOCATION, ""),
        timezone=fields.get(TIMEZONE, ""),
        mode=fields.get(MODE, ""),
        url=fields.get(URL, ""),
        status=fields.get(STATUS, "scheduled"),
    )


def event_problems(fields):
    """What is wrong with a set of parsed fields taken together: (field, what, fix)."""
    problems = []
    start, end = fields.get(START), fields.get(END)
    if start is None:
        for name in fields:
            problems.append(
                (name, f"{name} is given but event-start is not",
                 "add event-start, or remove the event fields for news without a date")
            )
        return problems
    if end is not None and end.last_moment < start.moment:
        problems.append(
            (END, f"event-end {end} is before event-start {start}",
             "correct the dates; the end may equal the start")
        )
    if (start.has_time or (end is not None and end.has_time)) and TIMEZONE not in fields:
        problems.append(
            (START, "a timed event needs event-timezone",
             "add e.g. 'event-timezone: Asia/Riyadh'")
        )
    if fields.get(MODE) == "online" and URL not in fields:
        problems.append(
            (MODE, "an online event needs event-url",
             "add the address where people join it")
        )
    return problems


def _parse_timezone(text):
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueProblem(
            f"'{text}' is not a time zone",
            "use an IANA name such as Asia/Qatar, Asia/Riyadh or Africa/Cairo",
        ) from None
    return text


def _parse_choice(text, choices, name):
    if text not in choices:
        raise ValueProblem(f"'{text}' is not a valid {name}", f"use one of: {', '.join(choices)}")
    return text


def _parse_url(text):
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueProblem(
            f"'{text}' is not a web address", "write the full address, starting with https://"
        )
    return text
