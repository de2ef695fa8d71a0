"""Settings of the Nashra sample site, for local builds (`make build`).

Every Nashra setting is listed, with its meaning, in README.md ("Settings").
publishconf.py imports this file and changes only what production needs.
"""

SITENAME = "نشرة"
SITESUBTITLE = "أخبار لقاءات المكتبات وورشها وتعاونها الدولي"
SITEURL = ""

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Nashra's content is Markdown; other formats in the content folders are an error.
READERS = {"rst": None, "html": None, "htm": None}

TIMEZONE = "Asia/Riyadh"
DEFAULT_LANG = "ar"

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["nashra"]

# Languages: Arabic at /, English under /en/. Each language overrides the
# settings its pages show; LOCALE is the Babel locale its dates use.
I18N_LANGUAGES = {
    "ar": {"LOCALE": "ar_SA"},
    "en": {
        "LOCALE": "en_GB",
        "SITENAME": "Nashra",
        "SITESUBTITLE": "News of library meetings, workshops and international cooperation",
    },
}
I18N_DIGITS = "western"  # or "arabic-indic" (٠-٩) on Arabic pages
I18N_HIJRI = True  # the Umm al-Qura date beside the Gregorian one on Arabic pages
I18N_DATE_FORMAT = "long"

# Typography (curly quotes, dashes, widows) for English only: never for Arabic.
TYPOGRIFY = False
TYPOGRIFY_LANGUAGES = ["en"]

# Clean URLs; pages in other languages than DEFAULT_LANG live under /<lang>/.
ARTICLE_URL = "articles/{slug}/"
PAGE_URL = "{slug}/"
CATEGORY_URL = "category/{slug}/"
TAG_URL = "tag/{slug}/"
ARCHIVES_URL = "archives/"
TAGS_URL = "tags/"
DEFAULT_PAGINATION = 10

# Nashra writes the feeds of each language (FEEDS_* in README.md). Pelican's
# own feeds are off: left on, it would warn that development builds have no
# absolute SITEURL for them.
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

# Feeds carry each article in full (Pelican's RSS default is the summary), the
# latest 20: what feed readers fetch, at a size that does not grow with the archive.
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 20

# Feed entry ids are tag: URIs under this authority: set once, never change.
FEEDS_ID_AUTHORITY = "nashra.example,2025"

# Pelican's cache keys on file times only, so a change to the plugin would be
# served stale: every build reads the content afresh.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
