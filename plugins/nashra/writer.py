"""Pelican's writer, with feeds fit for one language each.

Writing is deferred: generators describe every file (``write_file``,
``write_feed``, ``write_calendar``), and ``flush``, called once after the last
of them, writes them all, each language in its own process.

Pelican's feeds declare no language, link every feed to the site's root, and
identify entries by a tag: URI built from the article's URL and date, which
changes when the date is corrected. Here each feed declares its language and
links to its edition's home page, and every entry id is a tag: URI built only
from the authority setting, the language and the slug; a feed's own id, from
the language and the feed's path within it, so that no two feeds share one. A
feed with no entries says it was updated when its language last changed, not
when the build ran: the same content always gives the same bytes.
"""

import logging
import os
from dataclasses import dataclass
from functools import partial
from urllib.parse import urljoin

from feedgenerator import Atom1Feed, Rss201rev2Feed
from markupsafe import Markup
from pelican.contents import Content
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from . import ical
from .convert import CONVERSIONS
from .pagecache import IN_PLACE, REUSED_FILES, PageCache
from .parallel import build_processes, run_items

logger = logging.getLogger(__name__)


def entry_id(settings, content):
    """The id of an article in feeds: it never changes once published."""
    kind = type(content).__name__.lower()
    return f"tag:{settings['FEEDS_ID_AUTHORITY']}:{content.lang}/{kind}/{content.slug}"


def feed_id(settings, lang, path):
    """`path` is the feed's within its language's site (feeds/all.atom.xml)."""
    return f"tag:{settings['FEEDS_ID_AUTHORITY']}:{lang}/feed/{path}"


def last_change(edition):
    """When anything an edition lists was last revised (2000 if nothing)."""
    return max(map(ical.revised_at, edition.articles), default=ical.EPOCH)


class _SteadyDates:
    """A feed whose date, when it has no entries, is `quiet_since()` rather
    than the time of the build (feedgenerator's fallback)."""

    def __init__(self, *args, quiet_since, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiet_since = quiet_since

    def latest_post_date(self):
        return super().latest_post_date() if self.items else self.quiet_since()


class AtomFeed(_SteadyDates, Atom1Feed):
    pass


class RssFeed(_SteadyDates, Rss201rev2Feed):
    pass


@dataclass(eq=False, slots=True)
class Job:
    """One deferred write: `run()` renders and writes `weight` files, the first
    at `name`; `bodies` are the contents whose whole text it shows; `load()`,
    if given, loads a library `run()` needs. A `movable` job shares nothing
    with the other jobs of its language (an article's own page): any process
    may take it."""

    run: object
    name: str
    lang: str
    bodies: list
    weight: int = 1
    load: object = None
    movable: bool = False


class NashraWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self._jobs = []
        self._job_files = []
        self._feed_path = None  # the feed being written, for _create_new_feed

    def write_file(self, name, template, context, *args, **kwargs):
        if not name:
            return  # Pelican's generators ask for the pages Nashra switched off
        edition = kwargs.get("edition") or context.get("edition")
        shown = [kwargs[key] for key in ("article", "page") if kwargs.get(key) is not None]
        pages = self._pages_of(kwargs)
        self._defer(partial(super().write_file, name, template, context, *args, **kwargs),
                    name, edition, shown, pages, movable=bool(shown) and pages == 1)

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        shown = elements[:self.settings["FEED_MAX_ITEMS"]]
        self._defer(partial(self._write_feed_now, elements, context, path, *args, **kwargs),
                    path, context.get("edition"), shown)

    def _write_feed_now(self, elements, context, path, *args, **kwargs):
        self._feed_path = path
        return super().write_feed(elements, context, path, *args, **kwargs)

    def write_calendar(self, path, make, edition):
        """Write the iCalendar file that `make()` returns (bytes from the icalendar
        library), with the same protection against writing one file twice as
        every other output."""
        self._defer(partial(self._write_calendar_now, path, make), path, edition, [],
                    load=ical.library)

    def _write_calendar_now(self, path, make):
        full_path = sanitised_join(self.output_path, path)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with self._open_w(full_path, "utf-8") as stream:
            stream.write(make().decode("utf-8"))
        logger.info("nashra: writing %s", full_path)

    def _defer(self, run, name, edition, bodies, weight=1, load=None, movable=False):
        self._jobs.append(Job(run, name, edition.lang if edition else "", bodies, weight, load,
                              movable))

    def _pages_of(self, kwargs):
        """How many files a write_file call makes: one per page of a listing."""
        paginated = kwargs.get("paginated") or {}
        per_page = self.settings["PAGINATED_TEMPLATES"].get(kwargs.get("template_name")) or \
            self.settings["DEFAULT_PAGINATION"]
        items = max((len(values) for values in paginated.values()), default=0)
        return max(1, -(-items // per_page)) if per_page else 1

    def flush(self):
        """Write every deferred file: what the previous build wrote from the same
        inputs is linked from it (see pagecache.py), the rest is rendered, the
        languages shared out among BUILD_PROCESSES processes. A file written
        twice is an error even when two processes wrote it."""
        jobs, self._jobs = self._jobs, []
        cache = PageCache.open(self.settings, self.settings.get(CONVERSIONS))
        keys = {job: cache.key(job) for job in jobs} if cache else {}
        reusable = {job for job in jobs if cache and cache.reusable(job, keys[job])}
        in_place = bool(cache) and cache.updates_in_place(len(reusable), len(jobs))
        for job in jobs:
            if job in reusable:
                cache.reuse(job, link=not in_place)
        to_render = [job for job in jobs if job not in reusable]
        logger.debug("nashra: %d of %d jobs reused", len(reusable), len(jobs))
        if cache:
            # A kept file is the previous output's: Pelican's guard must refuse
            # to write it again, in every process.
            self._written_files |= {sanitised_join(self.output_path, path) for path in cache.reused}
        # Loaded here, a library is in memory the rendering processes share;
        # loaded in each, it would take memory in each.
        for load in {job.load for job in to_render if job.load}:
            load()
        shares = share_out(to_render, build_processes(self.settings))
        seen = set(self._written_files)
        for share, written in zip(shares, run_items(shares, self._run_job,
                                                    movable=lambda job: job.movable)):
            for job, paths in zip(share, written):
                twice = seen.intersection(paths)
                if twice:
                    raise FileOverwriteFailedError(f"nashra: {min(twice)} was written twice")
                seen.update(paths)
                if cache:
                    cache.record(job, keys[job], paths)
        self._written_files = seen
        if cache:
            cache.save(in_place)
            self.settings[REUSED_FILES] = frozenset(cache.reused)
            self.settings[IN_PLACE] = in_place

    def _run_job(self, job):
        """The files the job wrote."""
        self._job_files = []
        job.run()
        forget_shown_bodies()
        return self._job_files

    def _open_w(self, filename, encoding, override=False):
        stream = super()._open_w(filename, encoding, override)
        self._job_files.append(filename)
        return stream

    def _create_new_feed(self, feed_type, feed_title, context):
        edition = context["edition"]
        feed_class = RssFeed if feed_type == "rss" else AtomFeed
        title = f"{edition.sitename} - {feed_title}" if feed_title else edition.sitename
        return feed_class(
            title=Markup(title).striptags(),
            link=urljoin(self.site_url + "/", edition.home_url),
            feed_url=self.feed_url,
            description=edition.subtitle,
            subtitle=edition.subtitle or None,
            language=edition.lang,
            author_name=edition.sitename,
            feed_guid=feed_id(self.settings, edition.lang,
                              self._feed_path.removeprefix(edition.prefix)),
            quiet_since=partial(last_change, edition),
        )

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        entry["unique_id"] = entry_id(self.settings, item)
        # A tag: URI is not an address; RSS readers must not follow it.
        entry["unique_id_is_permalink"] = False


def forget_shown_bodies():
    """Pelican keeps every body it was asked for (Content.get_content is
    memoized, for as long as the process lives). Bodies loaded back for their
    pages (see convert.Bodies) must go once those are written, or each
    rendering process would end up holding every body it rendered."""
    Content.get_content.cache.clear()


def share_out(jobs, processes):
    """Split jobs into at most `processes` shares of about equal weight, keeping
    each language's jobs together while there are no more processes than
    languages (a language's listings reuse what its other pages rendered).
    Each share's movable jobs come last: a process that is done with its own
    share takes them from the end of another's (see parallel.run_items)."""
    groups = {}
    for job in jobs:
        groups.setdefault(job.lang, []).append(job)
    units = list(groups.values()) if processes <= len(groups) else [[job] for job in jobs]
    shares = [[] for _ in range(max(1, min(processes, len(units))))]
    loads = [0] * len(shares)
    for unit in sorted(units, key=lambda unit: -sum(job.weight for job in unit)):
        lightest = loads.index(min(loads))
        shares[lightest] += unit
        loads[lightest] += sum(job.weight for job in unit)
    return [sorted(share, key=lambda job: job.movable) for share in shares if share]
