"""Nashra's settings: defaults in one place (defaults.py), validated in one function.

Each feature has one prefix:

- ``I18N_*``: the languages of the site and how pages print dates and numbers;
- ``TYPOGRIFY_LANGUAGES``: which languages typogrify may touch;
- ``DATA_*``: the YAML registries under the content folder;
- ``FEEDS_*``: the Atom and RSS feeds of each language;
- ``EVENTS_*``: the event pages and the iCalendar files;
- ``ORGANISATIONS_*``: the organisation pages and their feeds;
- ``SAFE_*``: what HTML an article may carry, and the Content-Security-Policy;
- ``SEARCH_*``: the search pages and their Pagefind index.

Page addresses reuse Pelican's own ``*_URL`` settings. Nashra writes every page
itself, once per language, at its URL (``x/`` is written to ``x/index.html``);
Pelican's generators only read the content, so :func:`configure` turns their
output off and derives the ``*_LANG_URL`` settings from the ``*_URL`` ones.
"""

import datetime
import functools
import os
import re

from babel import Locale, UnknownLocaleError
from pelican.paginator import PaginationRule
from pelican.settings import DEFAULT_CONFIG

from .defaults import DEFAULTS, WEEK_DAYS
from .ical import webcal_url
from .l10n import FILTERS

PLUGIN = "nashra"

# Clean URLs that replace Pelican's defaults when the settings leave them as is.
URL_DEFAULTS = {
    "ARTICLE_URL": "articles/{slug}/",
    "PAGE_URL": "{slug}/",
    "DRAFT_URL": "drafts/{slug}/",
    "DRAFT_PAGE_URL": "drafts/pages/{slug}/",
    "CATEGORY_URL": "category/{slug}/",
    "TAG_URL": "tag/{slug}/",
}

# URL settings of the pages Nashra writes; each must be a clean URL ("x/").
CONTENT_URL_SETTINGS = ("ARTICLE_URL", "PAGE_URL", "DRAFT_URL", "DRAFT_PAGE_URL")
LISTING_URL_SETTINGS = ("CATEGORY_URL", "TAG_URL", "ARCHIVES_URL", "TAGS_URL", "EVENTS_URL",
                        "EVENTS_YEAR_URL", "EVENTS_MONTH_URL", "ORGANISATIONS_INDEX_URL",
                        "ORGANISATIONS_URL", "SEARCH_URL")
CALENDAR_SETTINGS = ("EVENTS_CALENDAR", "EVENTS_EVENT_CALENDAR", "EVENTS_ORGANISATION_CALENDAR")

# Pelican's own output, which Nashra replaces with one set of pages per language.
CORE_OUTPUT_OFF = {
    "ARTICLE_SAVE_AS": "",
    "ARTICLE_LANG_SAVE_AS": "",
    "DRAFT_SAVE_AS": "",
    "DRAFT_LANG_SAVE_AS": "",
    "PAGE_SAVE_AS": "",
    "PAGE_LANG_SAVE_AS": "",
    "DRAFT_PAGE_SAVE_AS": "",
    "DRAFT_PAGE_LANG_SAVE_AS": "",
    "CATEGORY_SAVE_AS": "",
    "TAG_SAVE_AS": "",
    "AUTHOR_SAVE_AS": "",
    "YEAR_ARCHIVE_SAVE_AS": "",
    "MONTH_ARCHIVE_SAVE_AS": "",
    "DAY_ARCHIVE_SAVE_AS": "",
    "DIRECT_TEMPLATES": [],
    "FEED_ATOM": None,
    "FEED_RSS": None,
    "FEED_ALL_ATOM": None,
    "FEED_ALL_RSS": None,
    "CATEGORY_FEED_ATOM": None,
    "CATEGORY_FEED_RSS": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "TAG_FEED_ATOM": None,
    "TAG_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None,
    "TRANSLATION_FEED_RSS": None,
}

ARCHIVES_PER_PAGE = 100

# Pagination of listings (page 1 at the listing's URL, then ".../page/2/"), and
# what else Nashra fixes in Pelican's settings.
FIXED = {
    "PAGINATION_PATTERNS": [
        PaginationRule(1, "{url}", "{save_as}"),
        PaginationRule(2, "{url}page/{number}/", "{url}page/{number}/index.html"),
    ],
    # Summaries are plain text, escaped like titles: only the body is HTML.
    "FORMATTED_FIELDS": [],
    # The archives list titles only: a hundred to a page (30 KB), not the whole
    # archive on one page (300 KB at 1,000 article pairs, and growing).
    "PAGINATED_TEMPLATES": {"index": None, "category": None, "tag": None, "organisation": None,
                            "events": None, "archives": ARCHIVES_PER_PAGE},
    # Nashra groups translations by slug itself (site.py). Pelican's grouping
    # looks every article up in the list of originals, a cost that grows with
    # the square of the archive (0.23 s at 4,000 article pairs), for lists that
    # Nashra does not use.
    "ARTICLE_TRANSLATION_ID": None,
    "PAGE_TRANSLATION_ID": None,
}

DIGITS = ("western", "arabic-indic")
RAW_HTML_POLICIES = ("sanitise", "refuse")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AUTHORITY_RE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,},\d{4}(-\d{2}(-\d{2})?)?$")


class SettingsError(Exception):
    """The settings cannot build a correct site; the message says what to change."""


def configure(settings):
    """Fill in Nashra's defaults, validate everything, and switch Pelican's own
    output off. Raises SettingsError listing every problem found."""
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    for key, value in URL_DEFAULTS.items():
        if settings.get(key, DEFAULT_CONFIG[key]) == DEFAULT_CONFIG[key]:
            settings[key] = value
    problems = _problems(settings)
    if problems:
        raise SettingsError(
            f"{PLUGIN}: the settings need changes:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    for key in CONTENT_URL_SETTINGS:
        # One rule for every language but the default: the same path under /<lang>/.
        settings[key.replace("_URL", "_LANG_URL")] = "{lang}/" + settings[key]
    settings.update(CORE_OUTPUT_OFF)
    settings.update(FIXED)
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **template_filters(settings)}
    return settings


def _problems(settings):
    problems = []
    problems += _language_problems(settings)
    problems += _url_problems(settings)
    if settings.get("RELATIVE_URLS"):
        problems.append(
            "RELATIVE_URLS is not supported: pages link from the site root, which "
            "works both with an empty SITEURL (local builds) and an absolute one."
        )
    if settings.get("TYPOGRIFY"):
        problems.append(
            "TYPOGRIFY must stay False: Pelican would typogrify Arabic too. "
            "List the languages to typogrify in TYPOGRIFY_LANGUAGES instead."
        )
    if settings["I18N_DIGITS"] not in DIGITS:
        problems.append(
            f"I18N_DIGITS is {settings['I18N_DIGITS']!r}: use one of {', '.join(DIGITS)}."
        )
    if not isinstance(settings["I18N_HIJRI"], bool):
        problems.append("I18N_HIJRI must be True or False.")
    authority = settings["FEEDS_ID_AUTHORITY"]
    if not (isinstance(authority, str) and AUTHORITY_RE.match(authority)):
        problems.append(
            f"FEEDS_ID_AUTHORITY is {authority!r}: set it to a domain you own and "
            "the year you started the site, e.g. 'example.org,2025', and never "
            "change it (feed readers identify entries by it)."
        )
    problems += _event_problems(settings)
    past = settings["ORGANISATIONS_PAST_EVENTS"]
    if isinstance(past, bool) or not isinstance(past, int) or past < 0:
        problems.append(f"ORGANISATIONS_PAST_EVENTS is {past!r}: use a number from 0.")
    processes = settings["BUILD_PROCESSES"]
    if processes is not None and not (isinstance(processes, int) and processes >= 1):
        problems.append(f"BUILD_PROCESSES is {processes!r}: use None (one per core) or a number from 1.")
    if settings["SAFE_RAW_HTML"] not in RAW_HTML_POLICIES:
        problems.append(f"SAFE_RAW_HTML is {settings['SAFE_RAW_HTML']!r}: use 'sanitise' or 'refuse'.")
    if "unsafe-inline" in settings["SAFE_CONTENT_SECURITY_POLICY"]:
        problems.append("SAFE_CONTENT_SECURITY_POLICY must not allow 'unsafe-inline'.")
    for key in ("DATA_ORGANISATIONS", "DATA_CATEGORIES", "DATA_TAGS"):
        if not os.path.isfile(os.path.join(settings["PATH"], settings[key])):
            problems.append(
                f"{key}: no file {settings[key]!r} in the content folder {settings['PATH']!r}."
            )
    return problems


def _event_problems(settings):
    problems = []
    today = settings["EVENTS_TODAY"]
    if today is not None:
        try:
            datetime.date.fromisoformat(str(today))
        except ValueError:
            problems.append(f"EVENTS_TODAY is {today!r}: use None or a date 'YYYY-MM-DD'.")
    start = settings["EVENTS_WEEK_START"]
    if start is not None and start not in WEEK_DAYS:
        problems.append(f"EVENTS_WEEK_START is {start!r}: use None, 'saturday', 'sunday' or 'monday'.")
    for key in CALENDAR_SETTINGS:
        if not str(settings[key]).endswith(".ics"):
            problems.append(f"{key} is {settings[key]!r}: a calendar's path ends in '.ics'.")
    if not re.fullmatch(r"P(?:\d+[DW]|T\d+[HM])", str(settings["EVENTS_REFRESH_INTERVAL"])):
        problems.append("EVENTS_REFRESH_INTERVAL must be an ISO 8601 duration like 'P1D' or 'PT6H'.")
    return problems


def _language_problems(settings):
    languages = settings["I18N_LANGUAGES"]
    default = settings["DEFAULT_LANG"]
    problems = []
    if not isinstance(languages, dict) or default not in languages:
        return [
            "I18N_LANGUAGES must map each language code to its setting overrides "
            f"and include DEFAULT_LANG ({default!r})."
        ]
    for lang, overrides in languages.items():
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            problems.append(f"I18N_LANGUAGES: {lang!r} is not a language Babel knows.")
        if not isinstance(overrides, dict):
            problems.append(f"I18N_LANGUAGES[{lang!r}] must be a dict of settings.")
    unknown = set(settings["TYPOGRIFY_LANGUAGES"]) - set(languages)
    if unknown:
        problems.append(
            f"TYPOGRIFY_LANGUAGES names {', '.join(sorted(unknown))}, not in I18N_LANGUAGES."
        )
    return problems


def _url_problems(settings):
    problems = []
    for key in CONTENT_URL_SETTINGS + LISTING_URL_SETTINGS:
        url = settings[key]
        if not (isinstance(url, str) and url.endswith("/") and not url.startswith("/")):
            problems.append(
                f"{key} is {url!r}: Nashra writes clean URLs; use a relative path "
                "ending in '/', like 'articles/{slug}/'."
            )
    for key, off in CORE_OUTPUT_OFF.items():
        value = settings.get(key, off)
        if value not in (off, DEFAULT_CONFIG.get(key)):
            problems.append(
                f"{key} is not used: Nashra writes every page at its URL, once per "
                "language. Remove it from the settings."
            )
    for key in CONTENT_URL_SETTINGS:
        lang_key = key.replace("_URL", "_LANG_URL")
        if settings.get(lang_key, DEFAULT_CONFIG[lang_key]) not in (
            DEFAULT_CONFIG[lang_key],
            "{lang}/" + str(settings[key]),
        ):
            problems.append(
                f"{lang_key} is derived from {key} ('{{lang}}/' + {key}); remove it."
            )
    return problems


def template_filters(settings):
    """Nashra's Jinja filters: the localising ones, and webcal (which needs SITEURL)."""
    return {**FILTERS, "webcal": functools.partial(webcal_url, settings)}


def language_prefix(settings, lang):
    """The path every page of `lang` lives under: '' for DEFAULT_LANG, else 'xx/'."""
    return "" if lang == settings["DEFAULT_LANG"] else f"{lang}/"


def save_as(url):
    """Where a page with a clean URL is written: 'x/' -> 'x/index.html'."""
    return url + "index.html"


def reserved_slugs(settings):
    """First path segments that pages may not take as their slug."""
    urls = [settings[key] for key in LISTING_URL_SETTINGS + CONTENT_URL_SETTINGS]
    urls += [settings[key] for key in ("FEEDS_ATOM", "FEEDS_RSS") + CALENDAR_SETTINGS if settings[key]]
    firsts = {url.split("/", 1)[0] for url in urls}
    firsts |= set(settings["I18N_LANGUAGES"]) | {"page", "theme", "sitemap.xml", "pagefind"}
    return {segment for segment in firsts if "{" not in segment}
