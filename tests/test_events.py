"""Event pages, calendars and structured data, read with real clients:
icalendar and recurring-ical-events for calendars, extruct for JSON-LD,
html5lib for pages, headless Chromium for screenshots."""

import datetime
import random
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import extruct
import icalendar
import pytest
import recurring_ical_events
from icalendar.parser import Contentline

from browser import screenshot
from conftest import article, visible_text
from nashra import ical

DOHA = "ifla-regional-offices-meeting-doha"
RIYADH = "china-arab-library-experts-meeting-riyadh"
FORUM = "ineli-mena-egypt-second-forum"  # known only to the month: February 2020


def calendar(site, path):
    return icalendar.Calendar.from_ical(site.output.joinpath(path).read_bytes())


def events_between(site, path, start, end):
    return recurring_ical_events.of(calendar(site, path)).between(start, end)


def json_ld(site, path):
    data = extruct.extract(site.text(path), syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [item for item in data if item.get("@type") == "Event"]


# -- calendars of the sample site ---------------------------------------------

def test_every_calendar_parses_and_folds_lines_at_75_octets(sample_site):
    files = sorted(sample_site.output.rglob("*.ics"))
    assert len(files) >= 10
    for file in files:
        data = file.read_bytes()
        parsed = icalendar.Calendar.from_ical(data)
        assert parsed.name == "VCALENDAR"
        assert all(len(line) <= 75 for line in data.split(b"\r\n")), file
        assert data.endswith(b"\r\n")


def test_calendars_are_the_bytes_icalendar_would_write(sample_site):
    """Nashra folds icalendar's content lines itself (see ical.serialise)."""
    for file in sorted(sample_site.output.rglob("*.ics")):
        parsed = icalendar.Calendar.from_ical(file.read_bytes())
        assert ical.serialise(parsed) == parsed.to_ical(), file


def test_lines_are_folded_where_icalendar_folds_them():
    """Multi-byte characters never cut, nor an escape cut from what it escapes."""
    randomness = random.Random(5545)
    characters = "a ,;:\\^" + "مكتبة" + "é€" + "\U0001F4DA"
    for _ in range(3000):
        line = "".join(randomness.choice(characters) for _ in range(randomness.randrange(300)))
        assert ical._fold(line) == Contentline(line).to_ical(), line


@pytest.mark.parametrize("lang,prefix", [("ar", ""), ("en", "en/")])
def test_the_doha_and_riyadh_meetings_have_their_dates(sample_site, lang, prefix):
    path = f"{prefix}events/calendar.ics"
    december_2025 = events_between(sample_site, path, (2025, 12, 1), (2026, 1, 1))
    assert [(e["UID"], e.start, e.end) for e in december_2025] == [
        (f"{DOHA}@nashra.example", datetime.date(2025, 12, 7), datetime.date(2025, 12, 10))]
    december_2023 = events_between(sample_site, path, (2023, 12, 1), (2024, 1, 1))
    assert [(e["UID"], e.start, e.end) for e in december_2023] == [
        (f"{RIYADH}@nashra.example", datetime.date(2023, 12, 5), datetime.date(2023, 12, 7))]
    event = december_2025[0]
    assert event["DTSTART"].params.get("VALUE") == "DATE"  # all day: no time zone to get wrong
    assert event["SUMMARY"].params["LANGUAGE"] == lang


def test_both_languages_share_uids_and_month_only_events_stay_out(sample_site):
    def uids(path):
        return sorted(str(e["UID"]) for e in calendar(sample_site, path).walk("VEVENT"))

    assert uids("events/calendar.ics") == uids("en/events/calendar.ics") == [
        f"{RIYADH}@nashra.example", f"{DOHA}@nashra.example"]
    assert not sample_site.output.joinpath(f"events/{FORUM}.ics").exists()


def test_calendars_name_themselves_and_ask_to_be_refreshed(sample_site):
    arabic = calendar(sample_site, "events/calendar.ics")
    assert arabic["X-WR-CALNAME"] == arabic["NAME"] == "نشرة – الفعاليات"
    assert calendar(sample_site, "en/events/calendar.ics")["NAME"] == "Nashra – Events"
    assert arabic["REFRESH-INTERVAL"].dt == datetime.timedelta(days=1)
    assert arabic["METHOD"] == "PUBLISH" and arabic["VERSION"] == "2.0"
    event = arabic.walk("VEVENT")[0]
    assert event["DTSTAMP"].to_ical().endswith(b"Z")  # UTC
    assert event["STATUS"] == "CONFIRMED" and event["URL"].endswith(f"/articles/{event['UID'].split('@')[0]}/")


def test_organisation_calendars_hold_only_their_organisations_events(sample_site):
    qnl = calendar(sample_site, "organisations/qnl/calendar.ics")
    assert [str(e["UID"]) for e in qnl.walk("VEVENT")] == [f"{DOHA}@nashra.example"]
    las = calendar(sample_site, "en/organisations/las/calendar.ics")
    assert [str(e["UID"]) for e in las.walk("VEVENT")] == [f"{RIYADH}@nashra.example"]
    contacts = [str(c) for c in las.walk("VEVENT")[0].get("CONTACT")]
    assert contacts == ["National Library of China", "League of Arab States",
                        "King Abdulaziz Public Library"]


# -- structured data ------------------------------------------------------------

def test_event_json_ld_has_what_search_engines_ask_for(sample_site):
    [event] = json_ld(sample_site, f"articles/{RIYADH}/index.html")
    assert event["name"] == "الدورة الخامسة لاجتماع الخبراء في مجال المكتبات والمعلومات بين الصين والدول العربية في مدينة الرياض"
    assert (event["startDate"], event["endDate"]) == ("2023-12-05", "2023-12-06")
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["location"] == {
        "@type": "Place", "name": "مكتبة الملك عبد العزيز العامة",
        "address": {"@type": "PostalAddress", "addressLocality": "الرياض", "addressCountry": "SA"}}
    assert [o["name"] for o in event["organizer"]] == [
        "المكتبة الوطنية الصينية", "جامعة الدول العربية", "مكتبة الملك عبد العزيز العامة"]
    assert event["inLanguage"] == "ar" and event["description"]
    assert event["url"] == f"/articles/{RIYADH}/"
    [english] = json_ld(sample_site, f"en/articles/{RIYADH}/index.html")
    assert english["location"]["address"]["addressLocality"] == "Riyadh"


def test_json_ld_of_an_event_known_only_to_the_month(sample_site):
    [event] = json_ld(sample_site, f"en/articles/{FORUM}/index.html")
    assert event["startDate"] == "2020-02" and "endDate" not in event
    assert event["location"]["address"] == {"@type": "PostalAddress",
                                            "addressLocality": "Cairo and Luxor",
                                            "addressCountry": "EG"}


# -- event pages of the sample site --------------------------------------------

def test_event_pages_exist_for_every_month_and_year_in_both_languages(sample_site):
    for prefix in ("", "en/"):
        for path in ("events/", "events/2020/", "events/2020/02/", "events/2023/12/",
                     "events/2024/01/", "events/2025/", "events/2025/12/"):
            assert sample_site.file_for(prefix + path) is not None, prefix + path
        assert sample_site.file_for(prefix + "events/2025/11/") is None


def grid_headers(page):
    return [visible_text(th.find("span", class_="visually-hidden"))
            for th in page.find("table", class_="month-grid").find("thead").find_all("th")]


def test_month_grids_start_the_week_where_the_locale_does(sample_site):
    arabic = sample_site.page("events/2025/12/")
    assert arabic.find("html")["dir"] == "rtl"
    assert grid_headers(arabic)[0] == "الأحد"  # ar_SA: Sunday
    assert grid_headers(sample_site.page("en/events/2025/12/"))[0] == "Monday"  # en_GB


def days_with(page, slug):
    grid = page.find("table", class_="month-grid")
    return [cell.find("time")["datetime"] for cell in grid.find_all("td")
            if cell.find("a", href=lambda href: href and href.endswith(f"/articles/{slug}/"))]


def test_a_multi_day_event_is_on_every_day_it_spans(sample_site):
    page = sample_site.page("events/2025/12/")
    assert days_with(page, DOHA) == ["2025-12-07", "2025-12-08", "2025-12-09"]
    assert "(جمادى الآخرة – رجب 1447 هـ)" in visible_text(page.find("caption"))


def test_a_month_only_event_is_listed_as_to_be_confirmed_not_placed(sample_site):
    page = sample_site.page("en/events/2020/02/")
    assert days_with(page, FORUM) == []
    heading = page.find("h2", id="unconfirmed-heading")
    assert visible_text(heading) == "Date to be confirmed"
    links = [a["href"] for a in heading.find_parent("section").select("h3 a")]
    assert links == [f"/en/articles/{FORUM}/"]


def test_the_article_offers_its_event_to_calendars(sample_site):
    page = sample_site.page(f"en/articles/{DOHA}/")
    link = page.find("link", type="text/calendar")
    assert sample_site.file_for(link["href"]) is not None
    calendars = page.find("ul", class_="calendar-links")
    hrefs = {visible_text(a): a["href"] for a in calendars.find_all("a")}
    assert hrefs["Calendar file (.ics)"] == f"/en/events/{DOHA}.ics"
    assert "Subscribe" not in hrefs  # no webcal:// without an absolute SITEURL
    google = parse_qs(urlsplit(hrefs["Google Calendar"]).query)
    assert google["dates"] == ["20251207/20251210"] and google["action"] == ["TEMPLATE"]
    outlook = parse_qs(urlsplit(hrefs["Outlook"]).query)
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == (
        ["2025-12-07"], ["2025-12-10"], ["true"])
    assert page.find("ul", class_="calendar-links") is not None
    assert sample_site.page(f"articles/{FORUM}/").find("ul", class_="calendar-links") is None


# -- fixture sites ---------------------------------------------------------------

EVENTS = {
    "articles/crossing.ar.md": article("crossing", "ar", "ملتقى", organisations="afli",
                                       event_start="2026-01-30", event_end="2026-02-02",
                                       event_location="تونس، تونس", event_timezone="Africa/Tunis",
                                       event_mode="in-person"),
    "articles/crossing.en.md": article("crossing", "en", "Forum", body="Text.",
                                       event_location="Tunis, Tunisia"),
    "articles/leap.ar.md": article("leap", "ar", "يوم كبيس", event_start="2024-02-29"),
    "articles/webinar.en.md": article("webinar", "en", "Webinar </script><!-- \"quoted\"",
                                      body="Text.", event_start="2026-03-10 18:00",
                                      event_end="2026-03-10 19:30", event_timezone="Asia/Riyadh",
                                      event_mode="online", event_url="https://example.org/join"),
    "articles/called-off.ar.md": article("called-off", "ar", "ألغي", event_start="2026-01-05",
                                         event_status="cancelled"),
    "articles/later.ar.md": article("later", "ar", "لاحقًا", event_start="2026-06"),
}


@pytest.fixture
def events_site(build_site):
    return build_site(EVENTS, EVENTS_TODAY="2026-01-31")


def test_a_month_crossing_event_is_on_both_month_pages(events_site):
    assert days_with(events_site.page("events/2026/01/"), "crossing") == ["2026-01-30", "2026-01-31"]
    assert days_with(events_site.page("events/2026/02/"), "crossing") == ["2026-02-01", "2026-02-02"]
    january = events_site.page("events/2026/01/")
    assert january.find("td", attrs={"aria-current": "date"}).find("time")["datetime"] == "2026-01-31"


def test_a_leap_day_event_is_on_the_29th(events_site):
    assert days_with(events_site.page("events/2024/02/"), "leap") == ["2024-02-29"]


def test_upcoming_events_come_first_soonest_first_then_past_newest_first(events_site):
    page = events_site.page("events/")
    upcoming = page.find("h2", id="upcoming-heading").find_parent("section")
    past = page.find("h2", id="past-heading").find_parent("section")
    slugs = lambda section: [a["href"].split("/")[-2] for a in section.select("h3 a")]  # noqa: E731
    assert slugs(upcoming) == ["crossing", "later"]  # under way on the 31st, then June
    assert slugs(past) == ["called-off", "leap"]
    assert "أُلغيت" in visible_text(past)


def test_past_events_come_page_after_page_and_upcoming_ones_on_the_first(build_site):
    site = build_site(EVENTS, EVENTS_TODAY="2026-01-31", DEFAULT_PAGINATION=1)
    first, second = site.page("events/"), site.page("events/page/2/")
    slugs = lambda page, part: [a["href"].split("/")[-2] for a in  # noqa: E731
                                page.find("h2", id=f"{part}-heading").find_parent("section").select("h3 a")]
    assert slugs(first, "upcoming") == ["crossing", "later"]
    assert slugs(first, "past") == ["called-off"]
    assert first.find("a", rel="next")["href"] == "/events/page/2/"
    assert second.find("h2", id="upcoming-heading") is None
    assert slugs(second, "past") == ["leap"]
    assert second.find("a", rel="prev")["href"] == "/events/"
    assert second.find("a", rel="next") is None
    assert second.find("link", rel="canonical")["href"] == "/events/page/2/"
    events, site_name = visible_text(first.find("title")).split(" – ")
    assert visible_text(second.find("title")) == f"{events} – الصفحة 2 – {site_name}"


def test_a_timed_event_keeps_its_time_zone(events_site):
    [event] = calendar(events_site, "en/events/webinar.ics").walk("VEVENT")
    riyadh = zoneinfo.ZoneInfo("Asia/Riyadh")
    assert event["DTSTART"].params["TZID"] == "Asia/Riyadh"
    assert event.start == datetime.datetime(2026, 3, 10, 18, 0, tzinfo=riyadh)
    assert event.end == datetime.datetime(2026, 3, 10, 19, 30, tzinfo=riyadh)
    zones = [str(tz["TZID"]) for tz in calendar(events_site, "en/events/webinar.ics").walk("VTIMEZONE")]
    assert zones == ["Asia/Riyadh"]
    assert event["CONFERENCE"] == "https://example.org/join"
    found = events_between(events_site, "en/events/calendar.ics",
                           datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.timezone.utc),
                           datetime.datetime(2026, 3, 10, 15, 30, tzinfo=datetime.timezone.utc))
    assert [str(e["UID"]) for e in found] == ["webinar@nashra.example"]  # 18:00 in Riyadh is 15:00 UTC


def test_a_calendar_file_defines_its_time_zone_for_the_years_of_its_events(build_site):
    """A client that reads the zone from the file (as Outlook does, knowing no
    zone by name) must find London's summer time in July 2040, past 2037, where
    icalendar's own VTIMEZONE stops; and the file holds only those years' rules."""
    site = build_site({"articles/summer.en.md": article(
        "summer", "en", "Summer meeting", body="Text.", event_start="2040-07-02 10:00",
        event_timezone="Europe/London", event_location="London, United Kingdom",
        event_mode="in-person")})
    for path in ("en/events/summer.ics", "en/events/calendar.ics"):
        file = calendar(site, path)
        [zone], [event] = file.walk("VTIMEZONE"), file.walk("VEVENT")
        assert str(zone["TZID"]) == "Europe/London" == event["DTSTART"].params["TZID"]
        from_the_file = zone.to_tz(lookup_tzid=False)
        start = event.decoded("DTSTART").replace(tzinfo=from_the_file)
        assert start.utcoffset() == datetime.timedelta(hours=1)
        assert start.astimezone(datetime.UTC).hour == 9
        assert {observance.decoded("DTSTART").year for observance in zone.subcomponents} == {2040}


def test_online_and_cancelled_events_in_structured_data(events_site):
    [online] = json_ld(events_site, "en/articles/webinar/index.html")
    headline = visible_text(events_site.page("en/articles/webinar/").find("h1"))
    assert " ".join(online["name"].split()) == headline  # escaped in the page, read back whole
    assert "</script><!" in headline
    assert online["startDate"] == "2026-03-10T18:00:00+03:00"
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"] == {"@type": "VirtualLocation", "url": "https://example.org/join"}
    [cancelled] = json_ld(events_site, "articles/called-off/index.html")
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    [called_off] = calendar(events_site, "events/called-off.ics").walk("VEVENT")
    assert called_off["STATUS"] == "CANCELLED"


def test_uids_survive_a_move_and_sequence_grows(tmp_path, content_dir):
    from conftest import SETTINGS, write_files
    from nashra.build import build

    def event_after(files):
        write_files(content_dir, files)
        build(str(SETTINGS), content=str(content_dir), output=str(tmp_path / "out"))
        return calendar_at(tmp_path / "out" / "events" / "x.ics").walk("VEVENT")[0]

    first = event_after({"articles/x.ar.md": article("x", "ar", "لقاء", event_start="2026-05-01")})
    moved = event_after({"articles/x.ar.md": article(
        "x", "ar", "لقاء بعنوان جديد", event_start="2026-05-03", modified="2026-04-20 10:30")})
    assert first["UID"] == moved["UID"] == "x@nashra.example"
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    assert moved["LAST-MODIFIED"].dt > first["LAST-MODIFIED"].dt
    assert moved.start == datetime.date(2026, 5, 3)


def calendar_at(path):
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_rebuilding_writes_the_same_calendars(build_site, tmp_path):
    first = build_site(EVENTS, EVENTS_TODAY="2026-01-31")
    before = {p: p.read_bytes() for p in first.output.rglob("*.ics")}
    again = build_site({}, EVENTS_TODAY="2026-01-31")
    assert {p: p.read_bytes() for p in again.output.rglob("*.ics")} == before


def test_the_week_start_setting_and_webcal_links(build_site):
    site = build_site(EVENTS, EVENTS_TODAY="2026-01-31", EVENTS_WEEK_START="saturday",
                      SITEURL="https://news.example.org")
    assert grid_headers(site.page("events/2026/01/"))[0] == "السبت"
    assert grid_headers(site.page("en/events/2026/01/"))[0] == "Saturday"
    hrefs = [a["href"] for a in site.page("events/").find("p", class_="subscribe").find_all("a")]
    assert hrefs == ["webcal://news.example.org/events/calendar.ics",
                     "https://news.example.org/events/calendar.ics"]


def test_an_empty_calendar_is_still_a_valid_one(build_site):
    site = build_site({"articles/news.ar.md": article("news", "ar", "خبر")})
    empty = calendar(site, "events/calendar.ics")
    assert list(empty.walk("VEVENT")) == [] and [str(z["TZID"]) for z in empty.walk("VTIMEZONE")] == [
        "Asia/Riyadh"]


# -- screenshots -------------------------------------------------------------------

@pytest.mark.parametrize("path,name", [("events/2025/12/", "events-month-ar"),
                                       ("en/events/2025/12/", "events-month-en")])
@pytest.mark.parametrize("width", [360, 1280])
def test_month_pages_in_chromium(browser, sample_server, path, name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(sample_server + path)
        headers = page.locator("table.month-grid thead th")
        first, last = headers.first.bounding_box(), headers.last.bounding_box()
        if path.startswith("en/"):
            assert first["x"] < last["x"]
        else:
            assert first["x"] > last["x"]  # the week runs from right to left
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot = screenshot(page, f"{name}-{width}")
        assert shot.stat().st_size > 10_000
    finally:
        page.close()
