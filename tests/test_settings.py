"""Settings: the production build, and settings that cannot build a correct site."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from conftest import ROOT, SETTINGS, BuiltSite
from nashra.build import build, load_settings
from nashra.settings import SettingsError, configure

PUBLISH = ROOT / "publishconf.py"


@pytest.fixture(scope="module")
def published(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("NASHRA_SITEURL", "https://news.example.org")
    monkeypatch_module.chdir(ROOT)
    output = tmp_path_factory.mktemp("published") / "output"
    build(str(PUBLISH), output=str(output))
    return BuiltSite(output)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_production_pages_use_absolute_addresses(published):
    page = published.page("en/articles/ifla-regional-offices-meeting-doha/")
    assert page.find("link", rel="canonical")["href"] == (
        "https://news.example.org/en/articles/ifla-regional-offices-meeting-doha/")
    assert page.find("link", hreflang="x-default")["href"] == (
        "https://news.example.org/articles/ifla-regional-offices-meeting-doha/")
    assert page.find("link", type="application/atom+xml")["href"] == (
        "https://news.example.org/en/feeds/all.atom.xml")


def test_production_feeds_link_to_their_edition(published):
    feed = feedparser.parse(published.text("en/feeds/all.atom.xml"))
    assert not feed.bozo
    assert feed.feed.link == "https://news.example.org/en/"
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == ["https://news.example.org/en/feeds/all.atom.xml"]
    assert all(entry.link.startswith("https://news.example.org/en/articles/") for entry in feed.entries)


def test_production_sitemap_and_robots_use_absolute_addresses(published):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.fromstring(published.text("sitemap.xml")).iterfind("s:url/s:loc", ns)]
    assert locations and all(loc.startswith("https://news.example.org/") for loc in locations)
    assert "Sitemap: https://news.example.org/sitemap.xml" in published.text("robots.txt").splitlines()


@pytest.mark.parametrize("overrides,problem", [
    ({"I18N_DIGITS": "hindi"}, "I18N_DIGITS is 'hindi': use one of western, arabic-indic."),
    ({"TYPOGRIFY": True}, "TYPOGRIFY must stay False"),
    ({"RELATIVE_URLS": True}, "RELATIVE_URLS is not supported"),
    ({"FEEDS_ID_AUTHORITY": None}, "FEEDS_ID_AUTHORITY is None"),
    ({"ARTICLE_URL": "news/{slug}.html"}, "ARTICLE_URL is 'news/{slug}.html': Nashra writes clean URLs"),
    ({"ARTICLE_SAVE_AS": "news/{slug}.html"}, "ARTICLE_SAVE_AS is not used"),
    ({"I18N_LANGUAGES": {"en": {}}}, "I18N_LANGUAGES must map each language code"),
    ({"I18N_LANGUAGES": {"ar": {}, "xx-nowhere": {}}}, "'xx-nowhere' is not a language Babel knows"),
    ({"TYPOGRIFY_LANGUAGES": ["fr"]}, "TYPOGRIFY_LANGUAGES names fr, not in I18N_LANGUAGES."),
    ({"DATA_TAGS": "data/none.yaml"}, "DATA_TAGS: no file 'data/none.yaml'"),
    ({"ORGANISATIONS_PAST_EVENTS": "all"}, "ORGANISATIONS_PAST_EVENTS is 'all': use a number from 0."),
])
def test_settings_that_cannot_build_a_correct_site_are_refused(overrides, problem):
    with pytest.raises(SettingsError) as error:
        configure(load_settings(str(SETTINGS), overrides=overrides))
    assert problem in str(error.value)


def test_configure_is_idempotent():
    settings = configure(load_settings(str(SETTINGS)))
    assert configure(settings)["ARTICLE_LANG_URL"] == "{lang}/articles/{slug}/"
