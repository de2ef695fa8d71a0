"""Nashra's generators, one per family of pages, each run once for all languages.

Pelican's own generators read every file once; these build the editions from
what they read (``generate_context``) and write each edition's pages
(``generate_output``), only through the writer.
"""

from dataclasses import dataclass, field
from itertools import groupby

from pelican.contents import Article
from pelican.generators import Generator
from pelican.paginator import Paginator

from . import l10n
from .settings import save_as
from .site import build_site, content_key, paginated_key


class NashraGenerator(Generator):
    """Localised, autoescaping templates, and one way to write an edition's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Metadata comes from editors: it must never reach a page unescaped.
        self.env.autoescape = True
        l10n.install(self.env)

    @property
    def site(self):
        return self.context["site"]

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
        years = [(year, list(group)) for year, group in
                 groupby(articles, key=lambda article: article.date.year)]
        yield Listing("archives", "archives", edition.url("ARCHIVES_URL"), paginated=False,
                      variables={"years": years})

    def _paginator(self, listing):
        per_page = self.settings["PAGINATED_TEMPLATES"].get(listing.template) or \
            self.settings["DEFAULT_PAGINATION"]
        return Paginator(save_as(listing.url), listing.url, listing.articles, self.settings, per_page)

    def generate_context(self):
        for edition in self.site.editions.values():
            for listing in self.listings(edition):
                if not listing.paginated:
                    self.site.register(listing.key, edition.lang, listing.url)
                    continue
                paginator = self._paginator(listing)
                for number in paginator.page_range:
                    self.site.register(paginated_key(listing.key, number), edition.lang,
                                       paginator.page(number).url)

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


class SitemapGenerator(NashraGenerator):
    """sitemap.xml, listing every listed page with its language alternates, and
    the robots.txt that points to it."""

    def generate_output(self, writer):
        site = self.site
        pages = sorted((page for page in site.pages if page.listed), key=lambda p: p.url)
        for name in ("sitemap.xml", "robots.txt"):
            writer.write_file(name, self.env.get_template(name), self.context, url=name,
                              edition=site.default_edition, pages=pages)
