"""Small sites built from files each test writes: what the sample content does not
show (untranslated pages, pagination, settings, drafts, rebuilds)."""

import datetime
import filecmp
import re
import shutil

import feedparser
import pytest

from conftest import SETTINGS, article, visible_text, write_files
from nashra.build import BuildFailed, build
from nashra.scaffold import write_article_pair

ASCII_DIGIT = re.compile(r"[0-9]")


def test_an_untranslated_article_says_so_and_switches_to_the_other_home(build_site):
    site = build_site({
        "articles/only-ar.ar.md": article("only-ar", "ar", "خبر بالعربية فقط"),
        "articles/only-en.en.md": article("only-en", "en", "English only", body="Text."),
    })
    arabic = site.page("articles/only-ar/")
    switch = arabic.find("nav", class_="language-switcher").find("a")
    assert (switch["href"], switch["hreflang"], switch["lang"]) == ("/en/", "en", "en")
    assert visible_text(arabic.find("p", class_="notice")) == "هذه الصفحة غير متاحة بالإنجليزية."
    english = site.page("en/articles/only-en/")
    assert english.find("nav", class_="language-switcher").find("a")["href"] == "/"
    assert visible_text(english.find("p", class_="notice")) == "This page is not available in Arabic."
    # x-default falls back to the only version there is.
    links = {link["hreflang"]: link["href"] for link in english.find_all("link", hreflang=True)
             if "type" not in link.attrs}
    assert links == {"en": "/en/articles/only-en/", "x-default": "/en/articles/only-en/"}
    # An English-only article is listed in English only.
    assert [a["href"] for a in site.page("").select("article.summary h2 a")] == ["/articles/only-ar/"]
    assert [a["href"] for a in site.page("en/").select("article.summary h2 a")] == ["/en/articles/only-en/"]


def test_a_translation_inherits_the_event_and_organisations(build_site):
    site = build_site({
        "articles/x.ar.md": article("x", "ar", "لقاء", organisations="ifla, qnl",
                                    event_start="2025-12-07 09:30", event_end="2025-12-07 11:00",
                                    event_timezone="Asia/Qatar", event_mode="hybrid",
                                    event_location="الدوحة"),
        "articles/x.en.md": article("x", "en", "Meeting", body="Text.", event_location="Doha"),
    })
    page = site.page("en/articles/x/")
    facts = {visible_text(dt): visible_text(dt.find_next_sibling("dd"))
             for dt in page.find("section", class_="event-facts").find_all("dt")}
    assert facts == {"When": "7 December 2025, 09:30 – 11:00 (Qatar Time)", "Where": "Doha",
                     "Attendance": "In person and online",
                     "Add to calendar": "Calendar file (.ics) Google Calendar Outlook"}
    names = [visible_text(li) for li in page.find("section", class_="organisations").find_all("li")]
    assert names == ["International Federation of Library Associations and Institutions (IFLA)",
                     "Qatar National Library (QNL)"]


def many_articles(count, lang, prefix="a"):
    return {f"articles/{prefix}{n:02}.{lang}.md": article(
        f"{prefix}{n:02}", lang, f"عنوان {n}" if lang == "ar" else f"Title {n}",
        body="نص." if lang == "ar" else "Text.", date=f"2025-01-{n:02}")
        for n in range(1, count + 1)}


def test_the_archives_list_a_hundred_articles_a_page_under_their_years(build_site):
    first_day = datetime.date(2023, 1, 1)
    files = {f"articles/a{n:03}.ar.md": article(f"a{n:03}", "ar", f"عنوان {n}", body="نص.",
                                                 date=str(first_day + datetime.timedelta(days=7 * n)))
             for n in range(101)}  # 53 in 2023, 48 in 2024
    site = build_site(files)
    first, second = site.page("archives/"), site.page("archives/page/2/")
    years = lambda page: [visible_text(h) for h in page.select("section.archive-year h2")]  # noqa: E731
    listed = lambda page: [a["href"] for a in page.select(".archive-list a")]  # noqa: E731
    assert (years(first), len(listed(first))) == (["2024", "2023"], 100)
    assert (years(second), listed(second)) == (["2023"], ["/articles/a000/"])  # the oldest
    assert first.find("nav", class_="pagination").find("a", rel="next")["href"] == "/archives/page/2/"


def test_listings_are_paginated_with_arrows_that_follow_the_direction(build_site):
    site = build_site({**many_articles(12, "ar"), **many_articles(7, "en")}, DEFAULT_PAGINATION=5)
    assert [site.file_for(p) is not None for p in ("page/2/", "page/3/", "page/4/")] == [True, True, False]
    assert site.file_for("en/page/2/") is not None and site.file_for("en/page/3/") is None
    second = site.page("page/2/")
    nav = second.find("nav", class_="pagination")
    newer, older = nav.find("a", rel="prev"), nav.find("a", rel="next")
    assert (newer["href"], older["href"]) == ("/", "/page/3/")
    assert newer.find("span", class_="arrow").get_text() == "→"  # towards the start: right in Arabic
    assert older.find("span", class_="arrow").get_text() == "←"
    assert visible_text(nav.find("span", class_="position")) == "الصفحة 2 من 3"
    english = site.page("en/page/2/").find("nav", class_="pagination")
    assert english.find("a", rel="prev").find("span", class_="arrow").get_text() == "←"
    # Page 2 has an English page 2; page 3 has none, so it names no translation.
    assert second.find("link", hreflang="en")["href"] == "/en/page/2/"
    third = site.page("page/3/")
    assert third.find("link", hreflang="en") is None
    assert third.find("nav", class_="language-switcher").find("a")["href"] == "/en/"
    assert third.find("link", rel="canonical")["href"] == "/page/3/"


def test_arabic_indic_digits_everywhere_the_theme_prints_a_number(build_site):
    site = build_site({**many_articles(6, "ar"),
                       "articles/b.ar.md": article("b", "ar", "عنوان 2025", body="في عام 2025 عُقد.",
                                                   date="2024-03-11")},
                      DEFAULT_PAGINATION=3, I18N_DIGITS="arabic-indic", I18N_HIJRI=True)
    page = site.page("page/2/")
    for time in page.find_all("time"):
        assert not ASCII_DIGIT.search(time.get_text()), time.get_text()
    assert visible_text(page.find("span", class_="position")) == "الصفحة ٢ من ٣"
    article_page = site.page("articles/b/")
    meta = article_page.find("p", class_="meta")
    assert visible_text(meta) == "نُشر في ١١ مارس ٢٠٢٤ (١ رمضان ١٤٤٥ هـ)"
    # Editors' text keeps the digits they wrote.
    assert visible_text(article_page.find("div", class_="article-body")) == "في عام 2025 عُقد."
    assert visible_text(article_page.find("h1")) == "عنوان 2025"
    counts = site.page("category/meetings/").find("p", class_="count").get_text()
    assert counts == "٧ مقالات"


def test_feed_ids_survive_new_titles_dates_and_file_names(tmp_path, content_dir):
    def entry_ids(files):
        shutil.rmtree(content_dir / "articles")
        write_files(content_dir, files)
        output = tmp_path / "output"
        build(str(SETTINGS), content=str(content_dir), output=str(output))
        feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_text(encoding="utf-8"))
        return {entry.link: entry.id for entry in feed.entries}

    first = entry_ids({"articles/x.ar.md": article("x", "ar", "عنوان", date="2025-12-07"),
                       "articles/y.ar.md": article("y", "ar", "آخر", date="2025-12-08")})
    second = entry_ids({"articles/x.ar.md": article("x", "ar", "عنوان جديد", date="2025-12-09"),
                        "articles/renamed/y.ar.md": article("y", "ar", "آخر", date="2024-01")})
    assert first == second == {"/articles/x/": "tag:nashra.example,2025:ar/article/x",
                               "/articles/y/": "tag:nashra.example,2025:ar/article/y"}


def test_every_feed_has_an_id_of_its_own(build_site):
    site = build_site({"articles/x.ar.md": article("x", "ar", "عنوان", organisations="ifla"),
                       "articles/x.en.md": article("x", "en", "Title", body="Text.")})
    feeds = {path.relative_to(site.output).as_posix(): feedparser.parse(path.read_bytes())
             for path in site.output.rglob("*.atom*")}
    ids = {path: feed.feed.id for path, feed in feeds.items()}
    assert len(set(ids.values())) == len(ids) > 4
    assert ids["feeds/all.atom.xml"] == "tag:nashra.example,2025:ar/feed/feeds/all.atom.xml"
    assert ids["en/organisations/ifla/feed.atom"] == \
        "tag:nashra.example,2025:en/feed/organisations/ifla/feed.atom"


def test_a_feed_with_no_entries_is_dated_by_its_language_not_by_the_build(tmp_path, content_dir):
    """An organisation nobody has written about in a language still has a feed
    to subscribe to; two builds of the same content write it byte for byte."""
    write_files(content_dir, {
        "articles/x.ar.md": article("x", "ar", "عنوان", date="2025-12-07", organisations="ifla"),
        "articles/y.ar.md": article("y", "ar", "آخر", date="2025-12-09",
                                    modified="2025-12-10 09:30"),
        "articles/x.en.md": article("x", "en", "Title", body="Text.", date="2025-12-07")})
    builds = []
    for name in ("first", "second"):
        output = tmp_path / name
        build(str(SETTINGS), content=str(content_dir), output=str(output),
              overrides={"BUILD_CACHE": False, "SEARCH_INDEX": False})
        builds.append(output)
    empty = "organisations/las/feed.atom"
    assert (builds[0] / empty).read_bytes() == (builds[1] / empty).read_bytes()
    feed = feedparser.parse((builds[0] / empty).read_bytes())
    assert feed.entries == [] and feed.feed.updated == "2025-12-10T06:30:00+00:00"
    english = feedparser.parse((builds[0] / "en" / empty).read_bytes())
    assert english.feed.updated == "2025-12-06T21:00:00+00:00"  # midnight in Riyadh, in UTC
    assert filecmp.cmp(builds[0] / "feeds/all.rss.xml", builds[1] / "feeds/all.rss.xml",
                       shallow=False)


def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(tmp_path, content_dir):
    (content_dir / "articles" / "x.ar.md").write_text(article("x", "ar", "عنوان"), encoding="utf-8")
    output = tmp_path / "output"
    build(str(SETTINGS), content=str(content_dir), output=str(output))
    snapshot = tmp_path / "snapshot"
    shutil.copytree(output, snapshot)
    (content_dir / "articles" / "x.ar.md").write_text(
        article("x", "ar", "عنوان", date="2025-02-30"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(str(SETTINGS), content=str(content_dir), output=str(output))
    comparison = filecmp.dircmp(output, snapshot)
    assert _identical(comparison)
    # No staging folder is left behind; the cache beside the output is by design.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "content", "output", "snapshot"]


def _identical(comparison):
    if comparison.left_only or comparison.right_only or comparison.diff_files or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right,
                                           comparison.common_files, shallow=False)
    return not mismatch and not errors and all(_identical(sub) for sub in comparison.subdirs.values())


def test_metadata_is_escaped_and_never_runs(build_site):
    title = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
    site = build_site({"articles/x.en.md": article("x", "en", title, body="Text.",
                                                   event_start="2025-12-07",
                                                   event_location="<b>Doha</b>")})
    page = site.page("en/articles/x/")
    assert [script["type"] for script in page.find_all("script")] == ["application/ld+json"]
    assert page.find("img") is None and page.find("b") is None
    assert "<script>alert(1)</script>" in visible_text(page.find("h1"))
    assert "<script>" in page.find("title").get_text()
    assert page.find("section", class_="event-facts").find("bdi").get_text() == "<b>Doha</b>"


def test_drafts_and_hidden_articles_are_written_but_never_listed(build_site):
    site = build_site({
        "articles/pub.ar.md": article("pub", "ar", "منشور"),
        "articles/draft.ar.md": article("draft", "ar", "مسودة", status="draft"),
        "articles/hidden.ar.md": article("hidden", "ar", "مخفي", status="hidden"),
    })
    assert site.page("drafts/draft/").find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert site.file_for("articles/hidden/") is not None
    listed = [a["href"] for a in site.page("").select("article.summary h2 a")]
    assert listed == ["/articles/pub/"]
    feed = feedparser.parse(site.text("feeds/all.atom.xml"))
    assert [entry.link for entry in feed.entries] == ["/articles/pub/"]
    assert "/drafts/draft/" not in site.text("sitemap.xml")


def test_the_scaffold_passes_the_check_and_builds_as_drafts(build_site, content_dir):
    write_article_pair(str(content_dir), "new-meeting", {"ar": "لقاء جديد", "en": "New meeting"},
                       "2026-11-22", "meetings")
    site = build_site({"articles/pub.ar.md": article("pub", "ar", "منشور")})
    page = site.page("en/drafts/new-meeting/")
    assert visible_text(page.find("h1")) == "New meeting"
    assert "never published" not in page.decode()  # the explanations stay in the source
    assert site.page("drafts/new-meeting/").find("link", hreflang="en")["href"] == "/en/drafts/new-meeting/"


def test_a_bom_and_crlf_line_endings_are_read_like_any_file(build_site):
    text = "\ufeff" + article("x", "ar", "عنوان", body="سطر أول.\n\nسطر ثان.").replace("\n", "\r\n")
    site = build_site({"articles/x.ar.md": text.encode("utf-8")})
    page = site.page("articles/x/")
    assert visible_text(page.find("h1")) == "عنوان"
    assert [p.get_text() for p in page.find("div", class_="article-body").find_all("p")] == [
        "سطر أول.", "سطر ثان."]


def test_each_source_file_is_read_once_for_both_languages(build_site, monkeypatch):
    """The design's promise: one Pelican run reads every file once, and both
    editions are built from that one reading."""
    from collections import Counter

    from nashra.reader import NashraMarkdownReader

    reads = Counter()
    original = NashraMarkdownReader.read

    def counting_read(self, source_path):
        reads[source_path] += 1
        return original(self, source_path)

    monkeypatch.setattr(NashraMarkdownReader, "read", counting_read)
    files = {**many_articles(3, "ar"), **many_articles(3, "en"),
             "pages/about.ar.md": "Title: عن\nSlug: about\nLang: ar\n\nنص.\n"}
    site = build_site(files)
    assert len(reads) == len(files) and set(reads.values()) == {1}
    assert site.file_for("en/articles/a01/") and site.file_for("articles/a01/")
