"""Nashra's settings' defaults, in one place. settings.py fills them in and
validates every setting."""

DEFAULTS = {
    # Languages of the site, each with the settings it overrides in its pages
    # (SITENAME, SITESUBTITLE, ...). DEFAULT_LANG lives at "/", the others
    # under "/<lang>/".
    "I18N_LANGUAGES": {"ar": {}, "en": {}},
    # Digits the theme prints on Arabic pages: "western" (0-9) or
    # "arabic-indic" (٠-٩). Other languages always use western digits.
    "I18N_DIGITS": "western",
    # Show the Umm al-Qura (Hijri) date beside the Gregorian one on Arabic pages.
    "I18N_HIJRI": False,
    # Babel date format: "short", "medium", "long", "full" or a CLDR pattern.
    "I18N_DATE_FORMAT": "long",
    # Languages typogrify is applied to (never Arabic: it would put English
    # quotes, dashes and "caps" spans into it).
    "TYPOGRIFY_LANGUAGES": ("en",),
    # Registries, relative to PATH.
    "DATA_ORGANISATIONS": "data/organisations.yaml",
    "DATA_CATEGORIES": "data/categories.yaml",
    "DATA_TAGS": "data/tags.yaml",
    # Feeds of each language, under that language's prefix. None turns one off.
    "FEEDS_ATOM": "feeds/all.atom.xml",
    "FEEDS_RSS": "feeds/all.rss.xml",
    "FEEDS_CATEGORY_ATOM": "feeds/{slug}.atom.xml",
    "FEEDS_CATEGORY_RSS": "feeds/{slug}.rss.xml",
    # Authority of the tag: URIs that identify feed entries, e.g.
    # "example.org,2025". Set it once and never change it.
    "FEEDS_ID_AUTHORITY": None,
    # Listing pages Pelican has no URL setting for.
    "ARCHIVES_URL": "archives/",
    "TAGS_URL": "tags/",
    # Event pages and calendars, under each language's prefix.
    "EVENTS_URL": "events/",
    "EVENTS_YEAR_URL": "events/{year}/",
    "EVENTS_MONTH_URL": "events/{year}/{month:02}/",
    "EVENTS_CALENDAR": "events/calendar.ics",
    "EVENTS_EVENT_CALENDAR": "events/{slug}.ics",
    "EVENTS_ORGANISATION_CALENDAR": "organisations/{slug}/calendar.ics",
    # "Today", to tell upcoming from past events: None for the day of the build
    # (in TIMEZONE), or a date "YYYY-MM-DD" for reproducible builds.
    "EVENTS_TODAY": None,
    # First day of the week in month grids: None for each language's locale
    # (Babel), or "saturday", "sunday", "monday".
    "EVENTS_WEEK_START": None,
    # How often calendar apps should refresh a subscription (RFC 7986, ISO 8601).
    "EVENTS_REFRESH_INTERVAL": "P1D",
    # Organisation pages, under each language's prefix.
    "ORGANISATIONS_INDEX_URL": "organisations/",
    "ORGANISATIONS_URL": "organisations/{slug}/",
    "ORGANISATIONS_FEED_ATOM": "organisations/{slug}/feed.atom",
    # Past events an organisation's page lists, the latest first: every one of
    # them is also among its news, below them, page after page. Listing all of
    # them would make the page grow with the archive (100 KB at 1,000 article pairs).
    "ORGANISATIONS_PAST_EVENTS": 10,
    # Raw HTML in an article's Markdown: "sanitise" (allowed, cleaned by nh3 to
    # what articles need) or "refuse" (a content error). Scripts, frames, event
    # handlers and javascript: links are refused either way.
    "SAFE_RAW_HTML": "sanitise",
    # The policy every page declares (and _headers sends, with frame-ancestors).
    # 'wasm-unsafe-eval' lets the search page compile Pagefind's WebAssembly; it
    # allows no JavaScript eval, and no inline script.
    "SAFE_CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'"
    ),
    # Search: a page per language, and a Pagefind index of every article, built
    # after the site is written and verified.
    "SEARCH_INDEX": True,
    "SEARCH_URL": "search/",
    # Keep converted articles, valid registries and written pages in CACHE_PATH, so that a rebuild
    # only redoes what changed (`invoke build --no-cache` turns it off).
    "BUILD_CACHE": True,
    # Processes that write the site (each language in its own while there are
    # no more processes than languages); None for one per CPU core.
    "BUILD_PROCESSES": None,
}

# The days EVENTS_WEEK_START may name.
WEEK_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
