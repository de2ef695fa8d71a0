"""iCalendar files of events (RFC 5545, with RFC 7986 names and refresh
interval), written with the icalendar library; and the links that add an event
to Google Calendar or Outlook.

Identity and revisions, without any state kept between builds:

- UID is ``<slug>@<authority>``: it depends on nothing an editor corrects, so a
  moved event updates in place, and both languages share it.
- DTSTAMP, LAST-MODIFIED and SEQUENCE come from the article's ``Modified`` field
  (else its ``Date``): SEQUENCE is the minutes from 2000 to that moment, so it
  grows whenever an editor changes an event and sets ``Modified``, and a rebuild
  of unchanged content writes the same bytes.

An event known only to its month has no day to put in a calendar, so it is
left out of calendar files (its month page lists it as "date to be confirmed").
"""

import datetime
import zoneinfo
from urllib.parse import urlencode, urljoin, urlsplit

from markupsafe import Markup

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=UTC)
STATUS = {"scheduled": "CONFIRMED", "rescheduled": "CONFIRMED", "moved-online": "CONFIRMED",
          "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
ONE_DAY = datetime.timedelta(days=1)


def library():
    """The icalendar library, imported when calendars are made: a rebuild that
    keeps every calendar file of the previous build never needs it, and
    importing it takes longer than the rest of a small rebuild's start."""
    import icalendar  # noqa: PLC0415

    return icalendar


# RFC 5545 folds content lines longer than 75 octets; icalendar cuts each line
# into pieces of at most 74, before the octet that would make 75.
FOLD_AT = 74


def serialise(component):
    """The bytes of `component.to_ical()`, made from icalendar's own content
    lines, folded where icalendar folds them. icalendar folds every line
    character by character, encoding each: 40% of the time serialising a
    component took. Most lines need no folding, and the others are cut in their
    UTF-8 bytes, at the same places (test_events checks every calendar)."""
    return b"".join(_fold(line) + b"\r\n" for line in component.content_lines() if line)


def _fold(line):
    data = line.encode("utf-8")
    pieces, start = [], 0
    while len(data) - start > FOLD_AT:
        end = start + FOLD_AT
        while data[end] & 0xC0 == 0x80:  # not inside a character's bytes
            end -= 1
        if data[end - 1] in b"\\^":  # nor between an escape and what it escapes
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def absolute_url(settings, url):
    return urljoin(settings["SITEURL"] + "/", url)


def webcal_url(settings, url):
    """The webcal:// address of a calendar, or '' when SITEURL is not absolute."""
    address = urlsplit(absolute_url(settings, url))
    if address.scheme not in ("http", "https"):
        return ""
    return address._replace(scheme="webcal").geturl()


def event_uid(settings, article):
    return f"{article.slug}@{settings['FEEDS_ID_AUTHORITY'].split(',')[0]}"


def revised_at(article):
    """When the article (and so its event) was last revised, in UTC."""
    return getattr(article, "modified", article.date).astimezone(UTC)


def sequence(article):
    return int((revised_at(article) - EPOCH).total_seconds() // 60)


def span(event):
    """(start, end) of an event with a known day: dates for all-day events, the
    end exclusive as in iCalendar; aware datetimes for timed ones (end may be None)."""
    if not event.start.has_time:
        return event.start.date, event.last_day + ONE_DAY
    zone = zoneinfo.ZoneInfo(event.timezone)
    start = event.start.moment.replace(tzinfo=zone)
    if event.end is None:
        return start, None
    if event.end.has_time:
        return start, event.end.moment.replace(tzinfo=zone)
    return start, datetime.datetime.combine(event.end.last_day + ONE_DAY, datetime.time(), zone)


def plain(html):
    return Markup(html or "").striptags()


def new_calendar(name, description, edition, settings, path):
    icalendar = library()
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//Nashra//{edition.sitename}//{edition.lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for key in ("name", "x-wr-calname"):
        calendar.add(key, name)
    for key in ("description", "x-wr-caldesc"):
        calendar.add(key, description)
    calendar.add("refresh-interval", icalendar.vDuration.from_ical(settings["EVENTS_REFRESH_INTERVAL"]),
                 parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", settings["EVENTS_REFRESH_INTERVAL"])
    calendar.add("source", absolute_url(settings, path), parameters={"VALUE": "URI"})
    return calendar


def event_component(article, edition, settings):
    event = article.event
    language = {"LANGUAGE": edition.lang}
    component = library().Event()
    component.add("uid", event_uid(settings, article))
    component.add("dtstamp", revised_at(article))
    component.add("last-modified", revised_at(article))
    component.add("sequence", sequence(article))
    start, end = span(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    component.add("summary", plain(article.title), parameters=language)
    component.add("description", details(article, settings), parameters=language)
    if event.location or event.is_online:
        component.add("location", event.location or event.url, parameters=language)
    if event.url and event.mode in ("online", "hybrid"):
        component.add("conference", event.url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    component.add("url", absolute_url(settings, article.url), parameters={"VALUE": "URI"})
    component.add("status", STATUS[event.status])
    component.add("transp", "TRANSPARENT")  # news of an event: it does not make the reader busy
    component.add("categories", [article.category.name] + [tag.name for tag in article.tags],
                  parameters=language)
    for organisation in article.organisations:
        parameters = {"ALTREP": organisation.website} if organisation.website else {}
        component.add("contact", organisation.name(edition.lang), parameters=parameters)
    return component


def details(article, settings):
    """The text that describes an event in calendars: the summary, the event's
    own address if any, and the article's."""
    parts = [plain(article.summary), article.event.url, absolute_url(settings, article.url)]
    return "\n\n".join(part for part in parts if part)


def placeable(articles):
    """The articles whose event has a day, and so can be in a calendar file."""
    return [article for article in articles if article.event and article.event.day_known]


class Calendars:
    """Writes calendar files for one build. An event is in several calendars (its
    own, its language's, each of its organisations'), and a VTIMEZONE takes
    icalendar milliseconds to compute: each is serialised once and reused.
    Serialising a calendar's components one by one and joining them gives the
    bytes icalendar would give for the whole (lines end in CRLF either way)."""

    def __init__(self, settings):
        self.settings = settings
        self._zones = {}
        self._events = {}
        self._years = {}  # time zone -> (first, last) year of the site's events in it

    def cover(self, articles):
        """Take the years of every event of the site: each time zone is defined
        for those years in every calendar (see zone). The same span in every
        file, so that each zone is computed once a build."""
        self._years = zone_years(placeable(articles))

    def zone(self, name):
        """The VTIMEZONE of `name`, from 1 January of the first year of the
        site's events in it to 1 January after the last: the rules those years
        use. icalendar's own span, 1970 to 2038 (for a zone no event uses),
        is 2.6 KB of changes for a zone with daylight saving time, in every
        file, and none after 2037."""
        if name not in self._zones:
            years = self._years.get(name)
            span = {} if years is None else {"first_date": datetime.date(years[0], 1, 1),
                                             "last_date": datetime.date(years[1] + 1, 1, 1)}
            self._zones[name] = serialise(library().Timezone.from_tzid(name, **span))
        return self._zones[name]

    def event(self, article, edition):
        key = (id(article), edition.lang)
        if key not in self._events:
            self._events[key] = serialise(event_component(article, edition, self.settings))
        return self._events[key]

    def file(self, articles, name, description, edition, path):
        """The bytes of a calendar of the given articles' events."""
        events = [self.event(article, edition) for article in placeable(articles)]
        zones = sorted({article.event.timezone for article in placeable(articles)
                        if article.event.start.has_time})
        # RFC 5545 wants at least one component: before the first dated event,
        # the site's own time zone keeps a subscribed calendar valid.
        if not events:
            zones = [self.settings["TIMEZONE"]]
        end = b"END:VCALENDAR\r\n"
        head = serialise(new_calendar(name, description, edition, self.settings, path))
        return b"".join([head.removesuffix(end), *map(self.zone, zones), *events, end])


def zone_years(articles):
    """{time zone: (first year, last year)} of the timed events of `articles`."""
    years = {}
    for article in articles:
        if article.event.start.has_time:
            start, end = span(article.event)
            first, last = years.get(article.event.timezone, (start.year, start.year))
            years[article.event.timezone] = (min(first, start.year),
                                             max(last, (end or start).year))
    return years


def google_calendar_url(article, settings):
    event = article.event
    start, end = span(event)
    query = {"action": "TEMPLATE", "text": plain(article.title),
             "dates": f"{_compact(start)}/{_compact(end or start)}",
             "details": details(article, settings),
             "location": event.location or event.url}
    if event.start.has_time:
        query["ctz"] = event.timezone
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_url(article, settings):
    event = article.event
    start, end = span(event)
    query = {"path": "/calendar/action/compose", "rru": "addevent",
             "subject": plain(article.title), "startdt": start.isoformat(),
             "enddt": (end or start).isoformat(), "body": details(article, settings),
             "location": event.location or event.url}
    if not event.start.has_time:
        query["allday"] = "true"
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)


def _compact(moment):
    """Google's date form: 20251207, or 20251207T093000 (local time, with ctz)."""
    if isinstance(moment, datetime.datetime):
        return moment.strftime("%Y%m%dT%H%M%S")
    return moment.strftime("%Y%m%d")
