"""Nashra's generators, one per family of pages, each run once for all languages.

Pelican's own generators read every file once; these build the editions from
what they read (``generate_context``) and write each edition's pages
(``generate_output``), only through the writer.
"""

import os
import shutil
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain
from pathlib import Path

from jinja2 import FileSystemBytecodeCache, pass_context, select_autoescape
from markupsafe import Markup
from pelican.contents import Article
from pelican.generators import ArticlesGenerator, Generator, PagesGenerator
from pelican.paginator import Paginator

from . import ical, l10n
from .agenda import Agenda, build_today, first_weekday
from .fingerprint import code_fingerprint, forget_other_versions
from .jsonld import event_script, organisation_data, script_json
from .organisations import Directory
from .parallel import build_processes
from .precompile import SharedCompilation
from .l10n import N_
from .settings import save_as
from .site import build_site, content_key, paginated_key


@pass_context
def fragment(context, name, item):
    """The HTML that fragments/<name>.html renders for `item` (an article in a
    listing), once per build: an article shows in half a dozen listings, and
    rendering its summary is most of what a listing page costs."""
    site = context["site"]
    key = (name, id(item))
    if key not in site.fragments:
        site.fragments[key] = Markup(_fragment_module(context, name).render(item))
    return site.fragments[key]


@pass_context
def render_once(context, *key, caller):
    """What a `{% call render_once(...) %}` block renders, once per build for each
    language and `key`: the navigation and the footer are the same on every
    page of a language but the one whose link they mark current, and that
    page's key is part of `key`."""
    fragments = context["site"].fragments
    key = ("shared", context["edition"].lang, *key)
    if key not in fragments:
        fragments[key] = Markup(caller())
    return fragments[key]


def _fragment_module(context, name):
    """fragments/<name>.html as a module, made once per language: making it
    imports the theme's macros, which costs more than rendering one item."""
    modules = context["site"].fragment_modules
    key = (name, context["edition"].lang)
    if key not in modules:
        template = context.environment.get_template(f"fragments/{name}.html")
        modules[key] = template.make_module(context.get_all())
    return modules[key]


def _template_cache_folder(settings):
    """CACHE_PATH/templates-<version>, for compiled templates kept between
    builds. Jinja checks each template's source against the one it compiled,
    but not the options it compiled with: the version covers them (the
    JINJA_ENVIRONMENT setting, Jinja's and Pelican's versions, and Nashra's
    code, which set up the environment). Older versions are removed, and so
    is the code of Pelican's own templates that earlier versions kept."""
    fingerprint = code_fingerprint(("jinja2", "pelican"))
    fingerprint.update(repr(settings["JINJA_ENVIRONMENT"]).encode())
    folder = Path(settings["CACHE_PATH"]) / f"templates-{fingerprint.hexdigest()[:16]}"
    folder.mkdir(parents=True, exist_ok=True)
    forget_other_versions(folder)
    for stale in folder.parent.glob("pelican_templates-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return str(folder)


def defer_pelicans_templates(generator):
    """Pelican's own generators still ask for the templates of the pages Nashra
    switched off (their writes do nothing), and so would compile six of them
    at every build, on the one busy core (18 ms of a cold build at 250 pairs):
    each is loaded only if a page is ever rendered with it."""
    if isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        generator.get_template = partial(TemplateOnDemand, generator.get_template)


class TemplateOnDemand:
    """Stands for the template `load(name)` returns, loaded when first rendered."""

    def __init__(self, load, name):
        self._load = partial(load, name)
        self._template = None

    def render(self, *args, **kwargs):
        if self._template is None:
            self._template = self._load()
        return self._template.render(*args, **kwargs)


class NashraGenerator(Generator):
    """Localised, autoescaping templates, and one way to write an edition's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One environment for all of Nashra's generators (kept in this build's
        # context), so that each template is compiled once per build.
        shared = self.context.get("nashra_jinja_env")
        if shared is not None:
            self.env = shared
            return
        # Metadata comes from editors: it must never reach a page unescaped. Only
        # plain-text templates (robots.txt, _headers), which hold settings and no
        # content, are written as they are.
        self.env.autoescape = select_autoescape(disabled_extensions=("txt",), default=True)
        # Every build makes a new environment, so no template changes while it
        # lives: Jinja need not stat each template's source at every use (a page
        # and its fragments ask for a dozen).
        self.env.auto_reload = False
        l10n.install(self.env)
        self.env.globals["fragment"] = fragment
        self.env.globals["render_once"] = render_once
        self._use_compiled_templates()
        self.context["nashra_jinja_env"] = self.env

    def _use_compiled_templates(self):
        """The templates compiled by earlier builds (with BUILD_CACHE); else,
        when there are none and a core to spare, those a helper compiles while
        this build reads (see precompile.py)."""
        kept, compiled_before = None, False
        if self.settings["BUILD_CACHE"]:
            folder = _template_cache_folder(self.settings)
            kept, compiled_before = FileSystemBytecodeCache(folder), any(Path(folder).iterdir())
        self.env.bytecode_cache = kept
        if not compiled_before and build_processes(self.settings) > 1:
            SharedCompilation(kept).start(self.env, self._templates_path)

    @property
    def site(self):
        return self.context["site"]

    def paginator(self, template, url, items):
        """Pelican's paginator for a listing of `items` written with `template`
        at `url`, with as many items a page as the writer will put on each."""
        per_page = self.settings["PAGINATED_TEMPLATES"].get(template) or \
            self.settings["DEFAULT_PAGINATION"]
        return Paginator(save_as(url), url, items, self.settings, per_page)

    def register_pages(self, key, lang, paginator):
        for number in paginator.page_range:
            self.site.register(paginated_key(key, number), lang, paginator.page(number).url)

    def write_page(self, writer, template, edition, key, url, **variables):
        writer.write_file(
            save_as(url),
            self.get_template(template),
            self.context,
            url=url,
            edition=edition,
            page_key=key,
            page_url=url,
            **variables,
        )


class EditionsGenerator(NashraGenerator):
    """Builds one edition per language and writes its articles and pages."""

    def generate_context(self):
        site = build_site(self.settings, self.context)
        self.context["site"] = site
        for edition in site.editions.values():
            for content in edition.contents():
                site.register(content_key(content), edition.lang, content.url,
                              listed=content.status == "published",
                              updated=getattr(content, "modified", getattr(content, "date", None)))

    def generate_output(self, writer):
        for edition in self.site.editions.values():
            for content in edition.contents():
                variables = ({"article": content, "category": content.category}
                             if isinstance(content, Article) else {"page": content})
                self.write_page(writer, content.template, edition, content_key(content),
                                content.url, **variables)


@dataclass
class Listing:
    """A listing page of an edition, paginated when it lists articles."""

    template: str
    key: str
    url: str
    articles: list = field(default_factory=list)
    paginated: bool = True
    variables: dict = field(default_factory=dict)


class ListingsGenerator(NashraGenerator):
    """The home page, category, tag and archive pages of each edition."""

    def listings(self, edition):
        articles = edition.articles
        yield Listing("index", "index", edition.home_url, articles)
        for category in edition.sorted_terms(edition.categories):
            yield Listing("category", category.key, category.url, category.articles,
                          variables={"category": category})
        for tag in edition.sorted_terms(edition.tags):
            yield Listing("tag", tag.key, tag.url, tag.articles, variables={"tag": tag})
        yield Listing("tags", "tags", edition.url("TAGS_URL"), paginated=False,
                      variables={"tags": edition.sorted_terms(edition.tags)})
        yield Listing("archives", "archives", edition.url("ARCHIVES_URL"), articles)

    def generate_context(self):
        for edition in self.site.editions.values():
            for listing in self.listings(edition):
                if not listing.paginated:
                    self.site.register(listing.key, edition.lang, listing.url)
                    continue
                self.register_pages(listing.key, edition.lang,
                                    self.paginator(listing.template, listing.url, listing.articles))

    def generate_output(self, writer):
        for edition in self.site.editions.values():
            for listing in self.listings(edition):
                variables = dict(listing.variables)
                if listing.paginated:
                    variables["paginated"] = {"articles": listing.articles}
                    variables["template_name"] = listing.template
                self.write_page(writer, listing.template, edition, listing.key, listing.url,
                                articles=listing.articles, **variables)


class FeedsGenerator(Generator):
    """The Atom and RSS feeds of each edition, and of each of its categories."""

    def generate_output(self, writer):
        site = self.context["site"]
        for edition in site.editions.values():
            context = dict(self.context, edition=edition)
            feeds = [(feed, edition.articles) for feed in edition.feeds()]
            for category in edition.sorted_terms(edition.categories):
                feeds += [(feed, category.articles) for feed in edition.feeds(category)]
            for feed, articles in feeds:
                writer.write_feed(articles, context, feed.path, feed.path,
                                  feed_type=feed.type, feed_title=feed.title)


class SiteFilesGenerator(NashraGenerator):
    """The files for crawlers and hosts: sitemap.xml (every listed page with its
    language alternates), the robots.txt that points to it, and _headers (the
    security headers, for hosts that read one). Last, it has the writer write
    every file the generators described."""

    def generate_output(self, writer):
        site = self.site
        pages = sorted((page for page in site.pages if page.listed), key=lambda p: p.url)
        for name, template in (("sitemap.xml", "sitemap.xml"), ("robots.txt", "robots.txt"),
                               ("_headers", "_headers.txt")):
            writer.write_file(name, self.env.get_template(template), self.context, url=name,
                              edition=site.default_edition, pages=pages)
        # The last generator to write: now every file is known, and written.
        if isinstance(self.env.bytecode_cache, SharedCompilation):
            self.env.bytecode_cache.stop()
        writer.flush()


class EventLinks:
    """Ways to add one event to a calendar, shown on its article: worked out
    only when a page shows them (a rebuild that reuses the page never does).
    The Google and Outlook links, a kilobyte each and shown once, are not kept
    for the rest of the build."""

    def __init__(self, article, ics, settings):
        self.ics = ics
        self._article = article
        self._settings = settings

    @cached_property
    def webcal(self):
        return ical.webcal_url(self._settings, self.ics)

    @property
    def google(self):
        return ical.google_calendar_url(self._article, self._settings)

    @property
    def outlook(self):
        return ical.outlook_url(self._article, self._settings)


class Deferred:
    """HTML made when a template prints it (once, on the page it belongs to),
    and not kept for the rest of the build."""

    def __init__(self, make):
        self._make = make

    def __html__(self):
        return self._make()

    __str__ = __html__


class EventsGenerator(NashraGenerator):
    """Each edition's event pages (upcoming and past, years, month grids) and its
    calendars: all events, each event, each organisation's events."""

    def generate_context(self):
        today = build_today(self.settings)
        for edition in self.site.editions.values():
            edition.agenda = Agenda(edition.articles, today,
                                    first_weekday(self.settings, edition.l10n.locale),
                                    edition.l10n.grid_labels)
            self._register_pages(edition)
            for article in edition.contents():
                if getattr(article, "event", None):
                    self._describe_event(article, edition)
        self.site.calendars.cover(chain.from_iterable(
            edition.agenda.events for edition in self.site.editions.values()))

    def _register_pages(self, edition):
        register = self.site.register
        self.register_pages("events", edition.lang, self.paginator(
            "events", edition.url("EVENTS_URL"), edition.agenda.past))
        for year, months in edition.agenda.years().items():
            register(f"events:{year}", edition.lang, edition.url("EVENTS_YEAR_URL", year=year))
            for month in months:
                register(f"events:{year}:{month.month}", edition.lang, self._month_url(edition, month))

    def _month_url(self, edition, month):
        return edition.url("EVENTS_MONTH_URL", year=month.year, month=month.month)

    def _describe_event(self, article, edition):
        """The structured data and calendar links an article page shows."""
        article.event_json_ld = Deferred(partial(event_script, article, edition.lang, self.settings))
        article.event_links = EventLinks(
            article, edition.url("EVENTS_EVENT_CALENDAR", slug=article.slug), self.settings,
        ) if article.event.day_known else None

    def generate_output(self, writer):
        for edition in self.site.editions.values():
            self._write_pages(writer, edition)
            self._write_calendars(writer, edition)

    def _write_pages(self, writer, edition):
        agenda = edition.agenda
        # Upcoming events on the first page; past events, which pile up with
        # the years, page after page like any listing.
        self.write_page(writer, "events", edition, "events", edition.url("EVENTS_URL"),
                        agenda=agenda, paginated={"articles": agenda.past},
                        template_name="events")
        for year, months in agenda.years().items():
            self.write_page(writer, "events_year", edition, f"events:{year}",
                            edition.url("EVENTS_YEAR_URL", year=year), agenda=agenda,
                            year=year, months=months)
            for month in months:
                self.write_page(writer, "events_month", edition, f"events:{year}:{month.month}",
                                self._month_url(edition, month), agenda=agenda, month=month)

    def _write_calendars(self, writer, edition):
        gettext, settings = edition.l10n.gettext, self.settings
        events = edition.agenda.events
        path = edition.url("EVENTS_CALENDAR")
        name = f"{edition.sitename} – {gettext(N_('Events'))}"
        calendars = self.site.calendars
        writer.write_calendar(path, partial(calendars.file, events, name, edition.subtitle,
                                            edition, path), edition)
        for article in events:
            if article.event_links:
                writer.write_calendar(article.event_links.ics, partial(
                    calendars.file, [article], ical.plain(article.title),
                    ical.plain(article.summary), edition, article.event_links.ics), edition)


class OrganisationsGenerator(NashraGenerator):
    """Each edition's directory of organisations, a page for each organisation
    (its names, relations, events and articles), and its Atom feed and calendar."""

    def generate_context(self):
        for edition in self.site.editions.values():
            agenda = edition.agenda
            edition.directory = Directory(edition, self.site.registry,
                                          lambda articles, a=agenda: Agenda(
                                              articles, a.today, a.week_start, a.labels))
            self.site.register("organisations", edition.lang, edition.url("ORGANISATIONS_INDEX_URL"))
            for entity in edition.directory.sorted():
                self._describe(entity, edition)
                self.register_pages(entity.key, edition.lang,
                                    self.paginator("organisation", entity.url, entity.articles))

    def _describe(self, entity, edition):
        entity.feed = edition.url("ORGANISATIONS_FEED_ATOM", slug=entity.slug)
        # A calendar only where there is a dated event to put in it.
        entity.calendar = (edition.url("EVENTS_ORGANISATION_CALENDAR", slug=entity.slug)
                           if ical.placeable(entity.articles) else "")
        entity.json_ld = script_json(organisation_data(entity, self.settings))

    def generate_output(self, writer):
        for edition in self.site.editions.values():
            directory = edition.directory
            self.write_page(writer, "organisations", edition, "organisations",
                            edition.url("ORGANISATIONS_INDEX_URL"), directory=directory)
            for entity in directory.sorted():
                self.write_page(writer, "organisation", edition, entity.key, entity.url,
                                entity=entity, articles=entity.articles,
                                paginated={"articles": entity.articles},
                                template_name="organisation")
                self._write_feed_and_calendar(writer, edition, entity)

    def _write_feed_and_calendar(self, writer, edition, entity):
        writer.write_feed(entity.articles, dict(self.context, edition=edition), entity.feed,
                          entity.feed, feed_title=entity.name)
        if entity.calendar:
            description = edition.l10n.gettext(N_("Events of %(organisation)s")) % {
                "organisation": entity.name}
            writer.write_calendar(entity.calendar, partial(
                self.site.calendars.file, entity.articles, f"{edition.sitename} – {entity.name}",
                description, edition, entity.calendar), edition)


class SearchGenerator(NashraGenerator):
    """Each edition's search page. The index it searches is written after the
    site, by Pagefind (see search.py)."""

    def generate_context(self):
        for edition in self.site.editions.values():
            self.site.register("search", edition.lang, edition.url("SEARCH_URL"), listed=False)

    def generate_output(self, writer):
        for edition in self.site.editions.values():
            self.write_page(writer, "search", edition, "search", edition.url("SEARCH_URL"))
