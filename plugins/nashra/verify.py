"""After writing: is everything the content promises in the output?

The expectations come from the content files as the check reads them (slug,
language, status, dates) and from the settings, not from the model the
generators wrote from, so that an article lost anywhere between reading and
writing is found: every article and page in its language, translations linked
both ways, every feed and calendar. Any shortfall fails the build, by name.
"""

import os
from functools import partial
from typing import NamedTuple

from .check import check_sources, translation_groups
from .data import load_registry
from .parallel import build_processes, run_shares
from .settings import language_prefix, save_as
from .sources import ARTICLE


class OutputIncomplete(Exception):
    def __init__(self, shortfalls):
        self.shortfalls = shortfalls
        super().__init__("nashra: the built site lacks what the content promises:\n"
                         + "\n".join(f"  - {shortfall}" for shortfall in shortfalls))


# The fields of each source that verification reads: a build keeps only these
# from the check until then (thousands of files' headers are megabytes).
VERIFIED_FIELDS = ("lang", "slug", "status", "date", "category", "event-start")


def for_verification(sources):
    return [source.keeping(VERIFIED_FIELDS) for source in sources]


def verify_output(settings, output, sources=None, trusted=frozenset(), trusted_in=None):
    """Every shortfall of the output at `output`; [] when the site is complete.
    `sources` are the content as the check read it (read again if None);
    `trusted` the output files kept from the previous build, which passed this
    verification with the same content: they are not read again, and are in
    the folder `trusted_in` (the output itself unless it is updated in place)."""
    locate = _locator(output, trusted, trusted_in or output)
    if sources is None:
        _, sources = check_sources(settings)
    urls = {source.path: expected_url(settings, source) for source in sources}
    fresh = [url for url in urls.values() if save_as(url) not in trusted]
    parallel = build_processes(settings) > 1
    read = _read_pages(locate, fresh, settings["SITEURL"], parallel)
    shortfalls = []
    pages = {}
    for source in sources:
        url = urls[source.path]
        page = read[url] if url in read else TRUSTED
        pages[source.path] = (url, page)
        if page is None:
            shortfalls.append(f"{url} ({source.path}) was not written")
        elif page is not TRUSTED and page.lang != source.value("lang"):
            shortfalls.append(f"{url} ({source.path}) is in '{page.lang}', not "
                              f"'{source.value('lang')}'")
    shortfalls += _translation_shortfalls(sources, pages, locate, settings["SITEURL"])
    shortfalls += [f"{path} was not written" for path in expected_files(settings, sources)
                   if not os.path.isfile(locate(path))]
    return shortfalls


def _locator(output, trusted, trusted_in):
    """The full path of an output file, wherever this build keeps it."""
    def locate(relative):
        return os.path.join(trusted_in if relative in trusted else output, relative)
    return locate


def expected_url(settings, source):
    """The URL Pelican gives a file with this slug, language and status."""
    kind = "ARTICLE" if source.kind == ARTICLE else "PAGE"
    if source.value("status") == "draft":
        kind = "DRAFT" if source.kind == ARTICLE else "DRAFT_PAGE"
    lang = source.value("lang")
    key = f"{kind}_URL" if lang == settings["DEFAULT_LANG"] else f"{kind}_LANG_URL"
    date = source.value("date")
    return settings[key].format(slug=source.value("slug"), lang=lang,
                                date=date.moment if date else None,
                                category=source.value("category") or "")


def expected_files(settings, sources):
    """Feeds and calendars each language's published content calls for."""
    registry, _ = load_registry(settings)
    languages = set(settings["I18N_LANGUAGES"])
    published = [s for s in sources if s.kind == ARTICLE and s.value("status") in (None, "published")]
    files = {"sitemap.xml"}
    if settings["SEARCH_INDEX"]:
        files.add("pagefind/pagefind.js")
    for lang in languages:
        prefix = language_prefix(settings, lang)
        files |= {prefix + settings[key] for key in ("FEEDS_ATOM", "FEEDS_RSS") if settings[key]}
        files.add(prefix + settings["EVENTS_CALENDAR"])
        files.add(prefix + save_as(settings["SEARCH_URL"]))
        files |= {prefix + settings["ORGANISATIONS_FEED_ATOM"].format(slug=slug)
                  for slug in registry.organisations}
        for source in (s for s in published if s.value("lang") == lang):
            for key in ("FEEDS_CATEGORY_ATOM", "FEEDS_CATEGORY_RSS"):
                if settings[key] and source.value("category"):
                    files.add(prefix + settings[key].format(slug=source.value("category")))
    for group in translation_groups(published):
        event_fields = next((s for s in group if s.value("event-start")), None)
        if event_fields and event_fields.value("event-start").precision != "month":
            for source in group:
                files.add(language_prefix(settings, source.value("lang"))
                          + settings["EVENTS_EVENT_CALENDAR"].format(slug=source.value("slug")))
    return sorted(files)


def _translation_shortfalls(sources, pages, locate, siteurl):
    shortfalls = []
    for group in translation_groups(sources):
        if all(pages[source.path][1] is TRUSTED for source in group):
            continue
        for source in group:
            url, page = pages[source.path]
            if page is TRUSTED:
                page = _read_page(locate, url, siteurl)
            for other in group:
                if other is source or other.value("status") != source.value("status") or page is None:
                    continue
                other_url = pages[other.path][0]
                if page.alternates.get(other.value("lang")) != other_url:
                    shortfalls.append(f"{url} does not link to its translation {other_url}")
    return shortfalls


# A page linked from the previous build, verified there with the same content.
TRUSTED = object()
# Below this many pages, a second process costs more than it saves.
PARALLEL_FROM = 200


class PageFacts(NamedTuple):
    lang: str
    alternates: dict


def _read_pages(locate, urls, siteurl, parallel=True):
    """{url: what _read_page finds} for many pages, read in two processes
    when `parallel`."""
    split = parallel and len(urls) >= PARALLEL_FROM
    halves = [urls[:len(urls) // 2], urls[len(urls) // 2:]] if split else [urls]
    # Imported before the fork, lxml is in memory once for both processes.
    import lxml.etree  # noqa: F401, PLC0415
    found = {}
    for half, pages in zip(halves, run_shares(halves, partial(_read_some, locate, siteurl))):
        found.update(zip(half, pages))
    return found


def _read_some(locate, siteurl, urls):
    return [_read_page(locate, url, siteurl) for url in urls]


def _read_page(locate, url, siteurl):
    """The language and hreflang alternates of a page (URLs relative to the
    site): both are in its <head>, so the parser stops there instead of reading
    the whole page. libxml2's parser, through lxml, does this in a third of the
    time Python's html.parser took, for thousands of pages a build."""
    path = locate(save_as(url))
    if not os.path.isfile(path):
        return None
    facts = PageFacts(None, {})
    with open(path, "rb") as stream:
        for event, element in _head_events(stream):
            if event == "start" and element.tag == "html":
                facts = facts._replace(lang=element.get("lang"))
            elif event == "end" and element.tag == "link" and _is_hreflang(element):
                href = element.get("href", "")
                facts.alternates[element.get("hreflang")] = href.removeprefix(siteurl + "/")
    return facts


def _head_events(stream):
    """lxml's (event, element) pairs for a page, up to the end of its <head>."""
    # Imported once the site is written: imported with this module, lxml's 5 MB
    # would be in memory, twice over in part, while the two processes render.
    from lxml import etree  # noqa: PLC0415

    parser = etree.HTMLPullParser(events=("start", "end"), encoding="utf-8")
    for line in stream:
        parser.feed(line)
        for event, element in parser.read_events():
            yield event, element
            if event == "end" and element.tag == "head":
                return


def _is_hreflang(link):
    """A link to a version of the page in another language (not a feed)."""
    return link.get("rel") == "alternate" and link.get("hreflang") is not None \
        and link.get("type") is None
