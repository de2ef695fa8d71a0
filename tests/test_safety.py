"""Hostile text in every metadata field reaches readers as text: in pages, feeds,
structured data and calendars, read with parsers, and in Chromium, which must
run no injected script and see no violation of the pages' Content-Security-Policy.
And a build that loses anything it should have written fails, naming it."""

import json

import feedparser
import icalendar
import pytest

from browser import serve
from conftest import article, visible_text
from nashra.build import BuildFailed

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '</script>', '{{ 7*7 }}']
HOSTILE = " ".join(PAYLOADS)


def untypeset(text):
    """English text gets curly quotes and no-break spaces; undo them to compare."""
    return text.replace("“", '"').replace("”", '"').replace("\xa0", " ")
YAML_HOSTILE = json.dumps(HOSTILE)  # a YAML double-quoted string


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from conftest import CONTENT, SETTINGS, BuiltSite, write_files
    from nashra.build import build
    import shutil

    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(CONTENT / "data", content / "data")
    data = content / "data"
    data.joinpath("tags.yaml").write_text(f"ifla:\n  ar: {YAML_HOSTILE}\n  en: {YAML_HOSTILE}\n",
                                          encoding="utf-8")
    data.joinpath("categories.yaml").write_text(
        f"meetings:\n  ar: {YAML_HOSTILE}\n  en: {YAML_HOSTILE}\n", encoding="utf-8")
    organisations = data.joinpath("organisations.yaml")
    organisations.write_text(organisations.read_text(encoding="utf-8").replace(
        "    en: Qatar National Library", f"    en: {YAML_HOSTILE}").replace(
        "    ar: مكتبة قطر الوطنية", f"    ar: {YAML_HOSTILE}"), encoding="utf-8")
    fields = dict(summary=HOSTILE, tags="ifla", organisations="qnl", event_start="2025-12-07",
                  event_location=HOSTILE, event_timezone="Asia/Qatar")
    write_files(content, {
        "articles/x.en.md": article("x", "en", HOSTILE, body="Text.", **fields),
        "articles/x.ar.md": article("x", "ar", HOSTILE, body="نص.", **fields),
    })
    build(str(SETTINGS), content=str(content), output=str(root / "output"))
    return BuiltSite(root / "output")


def test_pages_show_the_payloads_as_text_and_run_none(hostile_site):
    for path, page in hostile_site.pages():
        data = page.find_all("script", type="application/ld+json")
        code = [script.get("src") for script in page.find_all("script") if script not in data]
        assert code == (["/theme/js/search.js"] if path.endswith("search/index.html") else []), path
        for script in data:
            json.loads(script.string)  # still whole: no '</script>' ended it early
        for element in page.find_all(True):
            assert not any(name.startswith("on") for name in element.attrs), (path, element.name)
        assert page.find("img") is None, path
    article_page = hostile_site.page("articles/x/")  # Arabic: no typography to undo
    assert visible_text(article_page.find("h1")) == HOSTILE  # shown, not run, not evaluated
    english = hostile_site.page("en/articles/x/")
    assert untypeset(visible_text(english.find("h1"))) == HOSTILE
    assert visible_text(article_page.find("section", class_="event-facts").find("bdi")) == HOSTILE
    assert HOSTILE in visible_text(article_page.find("section", class_="organisations"))
    assert visible_text(article_page.find("p", class_="article-category")) == HOSTILE
    assert visible_text(article_page.find("ul", class_="tag-list")) == HOSTILE
    assert article_page.find("meta", attrs={"name": "description"})["content"] == HOSTILE


def test_structured_data_carries_the_payloads_as_strings(hostile_site):
    page = hostile_site.page("articles/x/")
    [data] = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    assert data["name"] == HOSTILE and data["description"] == HOSTILE
    assert data["location"]["name"] == HOSTILE
    assert data["organizer"]["name"] == HOSTILE


def test_feeds_and_calendars_carry_the_payloads_as_text(hostile_site):
    for path in ("feeds/all.atom.xml", "en/feeds/all.rss.xml", "en/organisations/qnl/feed.atom"):
        feed = feedparser.parse(hostile_site.text(path))
        assert not feed.bozo, path
        assert untypeset(feed.entries[0].title) == HOSTILE
    [event] = icalendar.Calendar.from_ical(
        (hostile_site.output / "en/events/calendar.ics").read_bytes()).walk("VEVENT")
    assert (untypeset(str(event["SUMMARY"])), str(event["LOCATION"])) == (HOSTILE, HOSTILE)
    assert str(event["CONTACT"]) == HOSTILE


@pytest.mark.parametrize("path", ["en/articles/x/", "articles/x/", "en/", "en/events/2025/12/",
                                  "en/organisations/qnl/", "tag/ifla/"])
def test_chromium_runs_no_injected_script_and_sees_no_policy_violation(browser, hostile_site, path):
    with serve(hostile_site.output) as base_url:
        page = browser.new_page()
        dialogs, violations = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        seen = page.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"])').length")
        page.close()
    assert (dialogs, violations, seen) == ([], [], 0)


def test_a_build_that_loses_an_article_fails_and_names_it(build_site, monkeypatch):
    from nashra.generators import EditionsGenerator

    original = EditionsGenerator.write_page

    def losing(self, writer, template, edition, key, url, **variables):
        if url != "en/articles/y/":
            original(self, writer, template, edition, key, url, **variables)

    monkeypatch.setattr(EditionsGenerator, "write_page", losing)
    with pytest.raises(BuildFailed) as failure:
        build_site({"articles/y.ar.md": article("y", "ar", "عنوان"),
                    "articles/y.en.md": article("y", "en", "Title", body="Text.")})
    lines = str(failure.value).splitlines()
    assert lines[0] == "nashra: the built site lacks what the content promises:"
    assert lines[1].startswith("  - en/articles/y/ (") and lines[1].endswith("y.en.md) was not written")


def test_a_build_that_loses_a_feed_fails_and_names_it(build_site, monkeypatch):
    from nashra.generators import FeedsGenerator

    monkeypatch.setattr(FeedsGenerator, "generate_output", lambda self, writer: None)
    with pytest.raises(BuildFailed) as failure:
        build_site({"articles/y.ar.md": article("y", "ar", "عنوان")})
    assert "  - feeds/all.atom.xml was not written" in str(failure.value).splitlines()


def test_the_browser_checks_can_fail(browser, tmp_path):
    """Controls for the test above: a script does open a dialog, and an inline
    script under the site's policy is reported as a violation."""
    (tmp_path / "open.html").write_text(
        "<!DOCTYPE html><title>x</title><script>alert('ran')</script>", encoding="utf-8")
    (tmp_path / "guarded.html").write_text(
        "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">"
        "<title>x</title><script>alert('ran')</script>", encoding="utf-8")
    with serve(tmp_path) as base_url:
        page = browser.new_page()
        dialogs, violations = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(base_url + "open.html")
        page.goto(base_url + "guarded.html")
        page.wait_for_load_state("load")
        page.close()
    assert dialogs == ["ran"] and len(violations) == 1
