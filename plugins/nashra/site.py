"""The site Nashra writes: one edition per language, built from the content
Pelican read once, and a register of every page in every language.

The register is what lets each page name its translations (hreflang links, the
language switcher) and the sitemap list every page with its alternates: a page
is identified by a key shared by its versions, e.g. ``article:<slug>``,
``category:<slug>`` or ``index``.
"""

import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import attrgetter

from . import events
from .data import load_registry
from .ical import Calendars
from .dates import DAY
from .l10n import Localiser, load_translations
from .settings import language_prefix

# What a translation inherits from the other language when it leaves it out.
INHERITED_FIELDS = ("organisations",) + events.FIELDS
ARTICLE_STATUSES = {"published": "articles", "hidden": "hidden_articles", "draft": "drafts"}
PAGE_STATUSES = {"published": "pages", "hidden": "hidden_pages", "draft": "draft_pages"}


@dataclass(eq=False)
class Term:
    """A category or a tag, in one language."""

    kind: str
    slug: str
    name: str
    url: str
    articles: list = field(default_factory=list)

    @property
    def key(self):
        return f"{self.kind}:{self.slug}"

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class Feed:
    type: str  # "atom" or "rss"
    path: str
    title: str
    term: object = None

    @property
    def mime_type(self):
        return f"application/{self.type}+xml"

    @property
    def format_name(self):
        return {"atom": "Atom", "rss": "RSS"}[self.type]


@dataclass(frozen=True)
class PageRef:
    key: str
    lang: str
    url: str
    listed: bool = True
    updated: object = None


class Edition:
    """Everything one language's site shows, in that language."""

    def __init__(self, lang, settings, l10n, registry):
        self.lang = lang
        self.l10n = l10n
        self.settings = settings
        self.registry = registry
        self.prefix = language_prefix(settings, lang)
        self.overrides = settings["I18N_LANGUAGES"][lang]
        # One list per status, named as in Pelican's context (ARTICLE_STATUSES).
        self.articles, self.hidden_articles, self.drafts = [], [], []
        self.pages, self.hidden_pages, self.draft_pages = [], [], []
        self.categories = {}  # slug -> Term
        self.tags = {}  # slug -> Term

    def __repr__(self):
        return f"<Edition {self.lang}>"

    @property
    def dir(self):
        return self.l10n.direction

    def setting(self, name):
        return self.overrides.get(name, self.settings.get(name))

    @property
    def sitename(self):
        return self.setting("SITENAME")

    @property
    def subtitle(self):
        return self.setting("SITESUBTITLE") or ""

    def url(self, setting, **fields):
        """The URL of one of this edition's pages, from a *_URL setting."""
        return self.prefix + self.settings[setting].format(**fields)

    @property
    def home_url(self):
        return self.prefix

    def category(self, slug):
        if slug not in self.categories:
            self.categories[slug] = Term("category", slug,
                                         self.registry.category_name(slug, self.lang),
                                         self.url("CATEGORY_URL", slug=slug))
        return self.categories[slug]

    def tag(self, slug):
        if slug not in self.tags:
            self.tags[slug] = Term("tag", slug, self.registry.tag_name(slug, self.lang),
                                   self.url("TAG_URL", slug=slug))
        return self.tags[slug]

    @cached_property
    def section_keys(self):
        """The keys of the pages the main navigation links to, on which it marks
        that link current (macros.main_navigation): every other page shows it
        the same."""
        return frozenset([*(category.key for category in self.categories.values()),
                          "events", "organisations", "archives", "search",
                          *(f"page:{page.slug}" for page in self.pages)])

    def sorted_terms(self, terms):
        return sorted(terms.values(), key=lambda term: (term.name.casefold(), term.slug))

    def feeds(self, term=None):
        """The feeds of the whole edition, or of one category."""
        names = ("FEEDS_CATEGORY_ATOM", "FEEDS_CATEGORY_RSS") if term else ("FEEDS_ATOM", "FEEDS_RSS")
        found = []
        for name in names:
            path = self.settings[name]
            if path:
                found.append(Feed(
                    type="atom" if name.endswith("ATOM") else "rss",
                    path=self.prefix + path.format(slug=term.slug if term else ""),
                    title=term.name if term else "",
                    term=term,
                ))
        return found

    def contents(self):
        """Every article and page of this edition, whatever its status."""
        return chain(*(getattr(self, name) for name in
                       chain(ARTICLE_STATUSES.values(), PAGE_STATUSES.values())))


class Site:
    """The editions, and the register of every page they contain."""

    def __init__(self, settings, registry, editions):
        self.settings = settings
        self.registry = registry
        self.editions = editions
        self.calendars = Calendars(settings)
        self.fragments = {}  # rendered once, shown in many listings (generators.fragment)
        self.fragment_modules = {}  # the templates that render them, once per language
        self._pages = {}
        self._by_key = defaultdict(dict)

    @property
    def default_edition(self):
        return self.editions[self.settings["DEFAULT_LANG"]]

    def other_editions(self, lang):
        return [edition for code, edition in self.editions.items() if code != lang]

    def register(self, key, lang, url, listed=True, updated=None):
        ref = PageRef(key, lang, url, listed, updated)
        if (key, lang) in self._pages:
            raise ValueError(f"nashra: two pages claim {key!r} in {lang!r}: "
                             f"{self._pages[key, lang].url} and {url}")
        self._pages[key, lang] = ref
        self._by_key[key][lang] = ref
        return ref

    def alternates(self, key, number=1):
        """The versions of a page (its page `number` when paginated), by language,
        in the order of the editions."""
        versions = self._by_key.get(paginated_key(key, number), {})
        return [versions[lang] for lang in self.editions if lang in versions]

    def alternate(self, key, lang, number=1):
        return self._by_key.get(paginated_key(key, number), {}).get(lang)

    @property
    def pages(self):
        return list(self._pages.values())


def paginated_key(key, number):
    return key if number == 1 else f"{key}:page:{number}"


def content_key(content):
    """Versions of an article share slug, kind and status (as in Pelican, a draft
    is never a translation of a published article)."""
    kind = type(content).__name__.lower()
    status = "" if content.status == "published" else f"{content.status}:"
    return f"{kind}:{status}{content.slug}"


def build_site(settings, context):
    """The editions of everything Pelican's generators read into `context`."""
    registry, _ = load_registry(settings)
    catalogs = os.path.join(settings["THEME"], "translations")
    languages = [settings["DEFAULT_LANG"]] + [
        lang for lang in settings["I18N_LANGUAGES"] if lang != settings["DEFAULT_LANG"]]
    editions = {lang: Edition(lang, settings,
                              Localiser(lang, settings, load_translations(catalogs, lang)), registry)
                for lang in languages}
    site = Site(settings, registry, editions)
    articles = _with_translations(context, ARTICLE_STATUSES)
    pages = _with_translations(context, PAGE_STATUSES)
    for content in articles + pages:
        # Pelican recomputes a URL from its pattern at every access; it is final now.
        content.override_url = content.url
    for group in _translation_groups(articles + pages):
        _inherit_shared_fields(group)
    for content in articles:
        _place_article(site, content)
    for content in pages:
        getattr(editions[content.lang], PAGE_STATUSES[content.status]).append(content)
    for edition in editions.values():
        _sort_newest_first(edition)
    return site


def every_content(context):
    """Every article and page Pelican read, in every status and language."""
    return _with_translations(context, ARTICLE_STATUSES) + _with_translations(context, PAGE_STATUSES)


def _with_translations(context, statuses):
    found = []
    for name in statuses.values():
        for content in context.get(name, []):
            found += [content, *content.translations]
    return list({id(c): c for c in found}.values())


def _translation_groups(contents):
    groups = defaultdict(list)
    for content in contents:
        groups[type(content).__name__, content.slug].append(content)
    return groups.values()


def _inherit_shared_fields(group):
    """A translation inherits the event fields and organisations it leaves out.
    The content check has already made sure that those given agree."""
    for name in INHERITED_FIELDS:
        given = [content.metadata[name] for content in group if name in content.metadata]
        for content in group:
            if given and name not in content.metadata:
                content.metadata[name] = given[0]
    for content in group:
        fields = {name: content.metadata[name] for name in events.FIELDS if name in content.metadata}
        content.event = events.event_from_fields(fields)


def _place_article(site, article):
    """Give an article its edition's category, tags and organisations, and list it."""
    edition = site.editions[article.lang]
    article.date_precision = getattr(article, "date_precision", DAY)
    article.organisations = [site.registry.organisations[slug]
                             for slug in article.metadata.get("organisations", ())]
    article.category = edition.category(article.category.name)
    article.tags = [edition.tag(tag.name) for tag in getattr(article, "tags", [])]
    getattr(edition, ARTICLE_STATUSES[article.status]).append(article)
    if article.status == "published":
        article.category.articles.append(article)
        for tag in article.tags:
            tag.articles.append(article)


def _sort_newest_first(edition):
    """Articles newest first (the slug breaks ties, so the order never depends on
    the order files were read in); pages by slug."""
    newest_first = attrgetter("date", "slug")
    for name in ARTICLE_STATUSES.values():
        getattr(edition, name).sort(key=newest_first, reverse=True)
    for term in chain(edition.categories.values(), edition.tags.values()):
        term.articles.sort(key=newest_first, reverse=True)
    for name in PAGE_STATUSES.values():
        getattr(edition, name).sort(key=attrgetter("slug"))
