"""The event an article reports on, read from its ``event-*`` metadata.

Field names follow Pelican's existing events plugins (``event-start``,
``event-end``, ``event-location``) plus ``event-timezone``, ``event-mode``,
``event-url`` and ``event-status``. Every field but the location describes the
event itself and so is shared by an article's translations; the location is
text in the article's own language.
"""

import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from .dates import parse_when
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
        raise ValueProblem(f"'{text}' is not a {name}", f"use one of: {', '.join(choices)}")
    return text


def _parse_url(text):
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueProblem(
            f"'{text}' is not a web address", "write the full address, starting with https://"
        )
    return text
