"""Search, in headless Chromium on the built sample site: what readers type in
Arabic and English finds what they mean, in their language only; filters
narrow; the page works without JavaScript; a first query stays light."""

import json
from urllib.parse import urlsplit

import pytest

from browser import ARTIFACTS

DOHA = "articles/ifla-regional-offices-meeting-doha/"
RIYADH = "articles/china-arab-library-experts-meeting-riyadh/"
FORUM = "articles/ineli-mena-egypt-second-forum/"
COHORT = "articles/ineli-mena-egypt-second-cohort/"
NEWS = "articles/libraries-commission-entrepreneurship-meeting/"


@pytest.fixture(scope="module")
def search_page(browser, sample_server):
    pages = {}

    def open_page(lang):
        if lang not in pages:
            page = browser.new_page()
            page.goto(sample_server + ("" if lang == "ar" else "en/") + "search/")
            page.wait_for_selector("[data-search]:not([hidden])")
            pages[lang] = page
        return pages[lang]

    yield open_page
    for page in pages.values():
        page.close()


def results(page, query=None, **filters):
    """The paths of what a search finds, in order."""
    for name in ("type", "category", "organisation", "year"):
        page.select_option(f"[data-filter={name}]", filters.get(name, ""))
    page.select_option("[data-sort]", filters.get("order", ""))
    page.fill("#search-terms", query or "")
    page.wait_for_function("() => document.querySelector('[data-count]').textContent !== ''"
                           " || !document.querySelector('#search-terms').value", timeout=5000)
    page.wait_for_timeout(400)  # the search is debounced
    links = page.eval_on_selector_all("[data-results] h2 a", "links => links.map(a => a.href)")
    return [urlsplit(link).path.lstrip("/") for link in links]


@pytest.mark.parametrize("query", ["الافلا", "الإفلا", "والإفلا"])
def test_arabic_spellings_of_ifla_find_the_doha_meeting(search_page, query):
    assert DOHA in results(search_page("ar"), query)


def test_the_national_library_of_china_finds_the_riyadh_meeting_first(search_page):
    assert results(search_page("ar"), "المكتبة الوطنية الصينية")[0] == RIYADH


def test_harakat_change_nothing(search_page):
    page = search_page("ar")
    assert results(page, "المَكتبات") == results(page, "المكتبات") != []


def test_ineli_finds_both_ineli_articles_in_arabic(search_page):
    assert set(results(search_page("ar"), "INELI")) >= {FORUM, COHORT}


def test_english_queries(search_page):
    page = search_page("en")
    assert results(page, "IFLA Doha")[0] == "en/" + DOHA
    assert set(results(page, "emerging library innovators")) >= {"en/" + FORUM, "en/" + COHORT}


def test_each_language_finds_only_its_own_pages(search_page):
    for query in ("IFLA", "INELI", "2025"):
        assert all(not path.startswith("en/") for path in results(search_page("ar"), query))
        assert all(path.startswith("en/") for path in results(search_page("en"), query))


def test_filters_narrow_the_results(search_page):
    page = search_page("ar")
    everything = results(page, "المكتبات")
    by_organisation = results(page, "المكتبات", organisation="مكتبة قطر الوطنية")
    assert by_organisation == [DOHA] and len(everything) > 1
    assert results(page, organisation="جامعة الدول العربية") == [RIYADH]  # filters alone
    assert results(page, year="2023") == [RIYADH]
    assert set(results(page, category="برامج")) == {FORUM, COHORT}
    assert results(page, type="الأخبار") == [NEWS]
    events = results(page, type="الفعاليات", order="desc")
    assert events == [DOHA, COHORT, RIYADH, FORUM]  # newest first
    assert results(page, type="الفعاليات", order="asc") == events[::-1]


def test_the_count_is_said_in_the_page_language(search_page):
    page = search_page("ar")
    results(page, organisation="مكتبة قطر الوطنية")
    assert page.inner_text("[data-count]") == "نتيجة واحدة"
    results(page, "زرافة")  # giraffe: nowhere on the site
    assert page.inner_text("[data-count]").startswith("لم يُعثر على شيء")


def test_without_javascript_the_page_says_what_search_needs(browser, sample_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sample_server + "search/")
    notice = page.locator("noscript p, p.notice").first
    assert "JavaScript" in notice.inner_text()
    assert notice.locator("a").get_attribute("href") == "/archives/"
    assert not page.locator("form.search").is_visible()
    context.close()


def test_a_first_query_downloads_under_150_kb(browser, sample_server):
    page = browser.new_page()
    downloaded = {}
    page.on("response", lambda r: downloaded.__setitem__(urlsplit(r.url).path, len(r.body()))
            if r.ok and ("/pagefind/" in r.url or r.url.endswith("search.js")) else None)
    page.goto(sample_server + "search/")
    page.wait_for_selector("[data-search]:not([hidden])")
    page.fill("#search-terms", "الإفلا")
    page.wait_for_selector("[data-results] li")
    page.wait_for_timeout(300)
    page.close()
    total = sum(downloaded.values())
    ARTIFACTS.parent.joinpath("search-first-query.json").write_text(
        json.dumps({"bytes": total, "files": downloaded}, indent=1), encoding="utf-8")
    assert total < 150 * 1024, downloaded
