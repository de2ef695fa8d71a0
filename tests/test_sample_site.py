"""The real sample site, built once, checked the way readers' clients see it."""

import re
import unicodedata
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from conftest import SEEDS, visible_text

# Seed file -> slug, and how many of its first lines became metadata.
SEED_ARTICLES = {
    "000_c820369bab7d6a56.txt": ("libraries-commission-entrepreneurship-meeting", 0),
    "001_ef6893b7d026f197.txt": ("ineli-mena-egypt-second-forum", 2),
    "002_93178dd2392e77d4.txt": ("ineli-mena-egypt-second-cohort", 0),
    "003_17ae8ac9e19be0d3.txt": ("ifla-regional-offices-meeting-doha", 0),
    "004_2e97cecc18fc5f9d.txt": ("china-arab-library-experts-meeting-riyadh", 0),
}
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
LIST_MARKER = re.compile(r"^\s*(?:•|\d+\.)\s*", re.M)


def seed_words(name, metadata_lines):
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()[metadata_lines:]
    return LIST_MARKER.sub("", "\n".join(lines)).split()


def article_body(page):
    return page.find("div", class_="article-body")


@pytest.mark.parametrize("seed", sorted(SEED_ARTICLES))
def test_each_seed_article_is_published_in_arabic_word_for_word(sample_site, seed):
    slug, metadata_lines = SEED_ARTICLES[seed]
    page = sample_site.page(f"articles/{slug}/")
    assert visible_text(article_body(page)).split() == seed_words(seed, metadata_lines)


@pytest.mark.parametrize("slug", [slug for slug, _ in SEED_ARTICLES.values()])
def test_each_seed_article_has_an_english_translation_linked_both_ways(sample_site, slug):
    arabic = sample_site.page(f"articles/{slug}/")
    english = sample_site.page(f"en/articles/{slug}/")
    assert not ARABIC_LETTER.search(visible_text(english.find("h1")))
    assert len(visible_text(article_body(english)).split()) > 100
    assert english.find("link", rel="alternate", hreflang="ar")["href"] == f"/articles/{slug}/"
    assert arabic.find("link", rel="alternate", hreflang="en")["href"] == f"/en/articles/{slug}/"


def test_every_page_declares_its_language_and_direction(sample_site):
    for path, page in sample_site.pages():
        html = page.find("html")
        expected = ("en", "ltr") if path.startswith("en/") else ("ar", "rtl")
        assert (html.get("lang"), html.get("dir")) == expected, path


def test_every_page_has_title_description_canonical_and_open_graph(sample_site):
    for path, page in sample_site.pages():
        assert page.title.string.strip(), path
        assert page.find("meta", attrs={"name": "description"})["content"].strip(), path
        canonical = page.find("link", rel="canonical")["href"]
        assert sample_site.file_for(canonical) is not None, path
        assert sample_site.file_for(canonical) == sample_site.output / path, path
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name", "og:locale"):
            assert page.find("meta", property=prop)["content"].strip(), (path, prop)


def hreflang_links(page):
    return {link["hreflang"]: link["href"] for link in page.find_all("link", rel="alternate")
            if link.get("hreflang") and "type" not in link.attrs}


def test_hreflang_links_are_reciprocal_and_point_at_pages(sample_site):
    for path, page in sample_site.pages():
        links = hreflang_links(page)
        own_lang = page.find("html")["lang"]
        assert sample_site.file_for(links[own_lang]) == sample_site.output / path, path
        assert "x-default" in links, path
        for lang, href in links.items():
            target = sample_site.file_for(href)
            assert target is not None, (path, href)
            back = hreflang_links(sample_site.page(target.relative_to(sample_site.output).as_posix()))
            assert back.get(own_lang) == links[own_lang], (path, lang)
        if "ar" in links:
            assert links["x-default"] == links["ar"], path


def test_language_switcher_links_to_the_translation_of_the_same_page(sample_site):
    for path, page in sample_site.pages():
        own_lang = page.find("html")["lang"]
        switcher = page.find("nav", class_="language-switcher")
        link = switcher.find("a")
        other = "en" if own_lang == "ar" else "ar"
        assert (link["hreflang"], link["lang"]) == (other, other), path
        assert link["href"] == hreflang_links(page)[other], path


def local_references(page):
    for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                           ("source", "src"), ("iframe", "src")):
        for element in page.find_all(tag):
            if element.get(attribute):
                yield element[attribute]


def test_every_internal_link_and_asset_resolves_and_every_fragment_exists(sample_site):
    broken, ids = [], {}

    def ids_of(path):
        if path not in ids:
            ids[path] = {element["id"] for element in sample_site.page(path).find_all(id=True)}
        return ids[path]

    for path, page in sample_site.pages():
        for reference in local_references(page):
            parts = urlsplit(reference)
            if parts.scheme or parts.netloc:
                continue
            target = sample_site.file_for(unquote(parts.path)) if parts.path else \
                sample_site.output / path
            if target is None:
                broken.append((path, reference))
            elif parts.fragment and target.suffix == ".html" and \
                    parts.fragment not in ids_of(target.relative_to(sample_site.output).as_posix()):
                broken.append((path, reference))
    assert broken == []


def test_no_url_contains_dot_dot_and_all_are_clean(sample_site):
    for path, page in sample_site.pages():
        for reference in local_references(page):
            assert ".." not in reference, (path, reference)
        for link in page.find_all("a", href=True):
            address = urlsplit(link["href"])
            target = address.path
            if address.netloc or address.scheme or not target or target.startswith("/theme/"):
                continue  # another site, a fragment of this page, or a file
            if "." not in target.rsplit("/", 1)[-1]:
                assert target.endswith("/"), (path, target)


def test_no_request_leaves_the_site_and_no_page_needs_javascript(sample_site):
    for path, page in sample_site.pages():
        scripts = [script for script in page.find_all("script") if script.get("type") != "application/ld+json"]
        if path.endswith("search/index.html"):  # search runs in the browser
            assert [s.get("src") for s in scripts] == ["/theme/js/search.js"], path
        else:
            assert scripts == [], path  # only data, never code
        for element in page.find_all(["img", "iframe", "source", "video", "audio"]):
            assert not urlsplit(element.get("src", "")).netloc, path
        for link in page.find_all("link", href=True):
            if set(link.get("rel", [])) & {"stylesheet", "icon", "preload", "prefetch"}:
                assert not urlsplit(link["href"]).netloc, (path, link["href"])


def all_feeds(site):
    paths = [p for p in site.output.rglob("*") if p.suffix in (".atom", ".xml") and p.name != "sitemap.xml"]
    return sorted(p.relative_to(site.output).as_posix() for p in paths)


def test_every_feed_parses_declares_its_language_and_holds_only_it(sample_site):
    feeds = all_feeds(sample_site)
    assert len(feeds) == 2 * (2 + 3 * 2 + 10)  # per language: the site, 3 categories x 2, 10 organisations
    for path in feeds:
        lang = "en" if path.startswith("en/") else "ar"
        feed = feedparser.parse(sample_site.text(path))
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.feed.language == lang, path
        for entry in feed.entries:
            assert entry.link.startswith("/en/") == (lang == "en"), path
            assert bool(ARABIC_LETTER.search(entry.title)) == (lang == "ar"), path


FEEDS = {"ar": ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/meetings.atom.xml",
                "feeds/programmes.rss.xml"],
         "en": ["en/feeds/all.atom.xml", "en/feeds/all.rss.xml", "en/feeds/meetings.atom.xml",
                "en/feeds/cooperation.rss.xml"]}


@pytest.mark.parametrize("lang,path", [(lang, path) for lang, paths in FEEDS.items() for path in paths])
def test_feeds_carry_whole_articles_with_stable_ids(sample_site, lang, path):
    feed = feedparser.parse(sample_site.text(path))
    assert feed.entries
    for entry in feed.entries:
        assert entry.id.startswith(f"tag:nashra.example,2025:{lang}/article/")
        content = entry.content[0].value if "content" in entry else entry.summary
        assert len(content) > 500  # the whole article, not a summary


def test_the_arabic_feed_holds_every_arabic_article_newest_first(sample_site):
    feed = feedparser.parse(sample_site.text("feeds/all.atom.xml"))
    slugs = [entry.id.rsplit("/", 1)[1] for entry in feed.entries]
    assert sorted(slugs) == sorted(slug for slug, _ in SEED_ARTICLES.values())
    assert slugs[0] == "libraries-commission-entrepreneurship-meeting"  # dated 2026-11-22
    assert slugs[-1] == "ineli-mena-egypt-second-forum"  # dated 2020-02-04


def test_every_page_announces_its_language_feeds(sample_site):
    for path, page in sample_site.pages():
        feeds = page.find_all("link", rel="alternate", type="application/atom+xml")
        prefix = "/en/" if path.startswith("en/") else "/"
        assert f"{prefix}feeds/all.atom.xml" in [feed["href"] for feed in feeds], path


def test_arabic_text_gets_no_english_typography(sample_site):
    for slug, _ in SEED_ARTICLES.values():
        page = sample_site.page(f"articles/{slug}/")
        for part in (page.find("h1"), article_body(page)):
            assert part.find("span", class_="caps") is None
            text = part.get_text()
            assert not set(text) & set("‘’“”") - _curly_quotes_in_seed(slug), slug
            assert "—" not in text and "–" not in text.replace("الناشئين –", "")


def _curly_quotes_in_seed(slug):
    name = next(seed for seed, (s, _) in SEED_ARTICLES.items() if s == slug)
    return set((SEEDS / name).read_text(encoding="utf-8")) & set("‘’“”")


def test_english_text_gets_typography(sample_site):
    page = sample_site.page("en/articles/ifla-regional-offices-meeting-doha/")
    body = article_body(page)
    assert body.find("span", class_="caps").get_text() == "IFLA"
    assert "IFLA’s" in body.get_text()
    assert "“This meeting" in body.get_text()


def test_latin_runs_in_arabic_text_are_isolated_and_labelled(sample_site):
    body = article_body(sample_site.page("articles/ineli-mena-egypt-second-cohort/"))
    isolated = {span.get_text(): (span["lang"], span["dir"]) for span in body.find_all("span", lang=True)}
    assert isolated["IDEAs NGO"] == ("en", "ltr")
    forum = article_body(sample_site.page("articles/ineli-mena-egypt-second-forum/"))
    runs = [span.get_text() for span in forum.find_all("span", lang="en")]
    assert "INELI-MENA-EGYPT" in runs and "INELI" in runs


def test_theme_inserted_metadata_is_isolated(sample_site):
    page = sample_site.page("en/articles/china-arab-library-experts-meeting-riyadh/")
    organisations = page.find("section", class_="organisations")
    assert [visible_text(bdi) for bdi in organisations.find_all("bdi")][:2] == [
        "National Library of China", "NLC"]
    place = page.find("section", class_="event-facts").find("bdi")
    assert visible_text(place) == "King Abdulaziz Public Library, Riyadh, Saudi Arabia"


def facts(page):
    section = page.find("section", class_="event-facts")
    return {visible_text(dt): visible_text(dt.find_next_sibling("dd")) for dt in section.find_all("dt")}


def test_article_pages_show_the_event_in_the_page_language(sample_site):
    assert facts(sample_site.page("articles/ifla-regional-offices-meeting-doha/")) == {
        "الموعد": "7–9 ديسمبر 2025",
        "المكان": "مكتبة قطر الوطنية، الدوحة، قطر",
        "طريقة الحضور": "حضوري",
        "أضِف إلى التقويم": "ملف التقويم (.ics) Google Calendar Outlook",
    }
    assert facts(sample_site.page("en/articles/ifla-regional-offices-meeting-doha/")) == {
        "When": "7–9 Dec 2025",
        "Where": "Qatar National Library, Doha, Qatar",
        "Attendance": "In person",
        "Add to calendar": "Calendar file (.ics) Google Calendar Outlook",
    }


def test_a_month_known_event_is_shown_as_the_month_only(sample_site):
    arabic = facts(sample_site.page("articles/ineli-mena-egypt-second-forum/"))
    english = facts(sample_site.page("en/articles/ineli-mena-egypt-second-forum/"))
    assert arabic["الموعد"] == "فبراير 2020 (لم يُعلَن اليوم)"
    assert english["When"] == "February 2020 (day not announced)"
    assert english["Where"] == "Cairo and Luxor, Egypt"
    assert english["Attendance"] == "In person"  # inherited from the Arabic file


def test_a_month_known_publication_date_is_shown_as_the_month(sample_site):
    page = sample_site.page("articles/ineli-mena-egypt-second-cohort/")
    time = page.find("p", class_="meta").find("time")
    assert (time["datetime"], time.get_text()) == ("2024-01", "يناير 2024")
    english = sample_site.page("en/articles/ineli-mena-egypt-second-cohort/")
    assert english.find("p", class_="meta").find("time").get_text() == "January 2024"


def test_news_without_an_event_shows_no_event(sample_site):
    page = sample_site.page("articles/libraries-commission-entrepreneurship-meeting/")
    assert page.find("section", class_="event-facts") is None


def test_organisations_show_in_the_page_language(sample_site):
    def names(path):
        section = sample_site.page(path).find("section", class_="organisations")
        return [visible_text(item) for item in section.find_all("li")]

    assert names("articles/ifla-regional-offices-meeting-doha/") == [
        "الاتحاد الدولي لجمعيات ومؤسسات المكتبات (الإفلا)", "مكتبة قطر الوطنية"]
    assert names("en/articles/ifla-regional-offices-meeting-doha/") == [
        "International Federation of Library Associations and Institutions (IFLA)",
        "Qatar National Library (QNL)"]


def test_the_hijri_date_is_shown_beside_the_gregorian_on_arabic_pages(sample_site):
    meta = sample_site.page("articles/ifla-regional-offices-meeting-doha/").find("p", class_="meta")
    assert meta.find("span", class_="hijri").get_text() == "(16 جمادى الآخرة 1447 هـ)"
    english = sample_site.page("en/articles/ifla-regional-offices-meeting-doha/")
    assert english.find("span", class_="hijri") is None


def test_each_edition_has_every_page_type(sample_site):
    for prefix in ("", "en/"):
        for path in ("", "archives/", "tags/", "about/", "category/meetings/", "tag/ifla/"):
            assert sample_site.file_for(prefix + path) is not None, prefix + path


def test_listings_hold_only_their_language_newest_first(sample_site):
    for prefix, lang in (("", "ar"), ("en/", "en")):
        page = sample_site.page(prefix)
        links = [a["href"] for a in page.select("article.summary h2 a")]
        assert len(links) == 5
        assert all(link.startswith(f"/{prefix}articles/") for link in links)
        dates = [t["datetime"] for t in page.select("article.summary p.meta time")]
        assert dates == sorted(dates, reverse=True)


def test_categories_show_their_name_in_each_language(sample_site):
    assert sample_site.page("category/meetings/").find("h1").get_text() == "لقاءات"
    assert sample_site.page("en/category/meetings/").find("h1").get_text() == "Meetings"
    count = sample_site.page("category/meetings/").find("p", class_="count").get_text()
    assert count == "مقالتان"


def test_the_current_section_is_marked(sample_site):
    page = sample_site.page("en/category/programmes/")
    current = page.select('nav.site-nav a[aria-current="page"]')
    assert [a.get_text() for a in current] == ["Programmes"]


def test_on_every_page_the_navigation_marks_current_exactly_its_links_to_that_page(sample_site):
    """Each language's navigation and footer are rendered once, and again only
    for the pages they link to: no page may show another's current link."""
    marked_somewhere = set()
    for path, page in sample_site.pages():
        url = "/" + path.removesuffix("index.html")
        links = page.select("nav.site-nav a, footer.site-footer a")
        current = {link["href"] for link in links if link.get("aria-current") == "page"}
        assert current == {link["href"] for link in links if link["href"] == url}, path
        marked_somewhere |= current
    # Sections of both languages, pages, events, archives, tags...
    assert {"/en/category/programmes/", "/events/", "/en/archives/", "/tags/"} <= marked_somewhere


def test_sitemap_lists_every_page_with_its_alternates(sample_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(sample_site.text("sitemap.xml"))
    urls = {url.find("s:loc", ns).text: url for url in root.findall("s:url", ns)}
    pages = {"/" + path.removesuffix("index.html") for path, page in sample_site.pages()
             if not page.find("meta", attrs={"name": "robots", "content": "noindex"})}
    assert set(urls) == pages and "/search/" not in pages
    doha = urls["/en/articles/ifla-regional-offices-meeting-doha/"]
    alternates = {link.get("hreflang"): link.get("href") for link in doha.findall("x:link", ns)}
    assert alternates == {"ar": "/articles/ifla-regional-offices-meeting-doha/",
                          "en": "/en/articles/ifla-regional-offices-meeting-doha/",
                          "x-default": "/articles/ifla-regional-offices-meeting-doha/"}


def test_the_arabic_interface_is_in_arabic(sample_site):
    page = sample_site.page("articles/ifla-regional-offices-meeting-doha/")
    chrome = [page.find("a", class_="skip-link"), page.find("nav", class_="site-nav"),
              page.find("section", class_="event-facts").find("h2")]
    for part in chrome:
        assert not re.search(r"[A-Za-z]", visible_text(part)), visible_text(part)


def test_text_is_stored_in_normalised_form(sample_site):
    text = sample_site.text("articles/ifla-regional-offices-meeting-doha/index.html")
    assert unicodedata.is_normalized("NFC", text)
