"""Organisation pages, feeds and structured data on the built site; the Arabic
sort order; the mention matcher and the editors' hints; the registry rules."""

import feedparser
import pytest
import extruct

from conftest import SETTINGS, BuiltSite, article, visible_text, write_files
from nashra.build import BuildFailed, build, load_settings
from nashra.check import check_sources, fix_organisations
from nashra import data, registries
from nashra.data import Organisation, keep_registry, load_registry, reading_ahead
from nashra.organisations import Matcher, sort_key
from nashra.settings import configure

DOHA = "/articles/ifla-regional-offices-meeting-doha/"
FORUM = "/articles/ineli-mena-egypt-second-forum/"
COHORT = "/articles/ineli-mena-egypt-second-cohort/"


def listed_articles(page):
    section = page.find("section", class_="organisation-articles")
    return [a["href"] for a in section.select("article.summary h2 a")]


def test_ifla_has_a_page_in_both_languages_with_its_news(sample_site):
    arabic = sample_site.page("organisations/ifla/")
    english = sample_site.page("en/organisations/ifla/")
    assert listed_articles(arabic) == [DOHA, FORUM]
    assert listed_articles(english) == ["/en" + DOHA, "/en" + FORUM]
    assert visible_text(arabic.find("h1")) == "الاتحاد الدولي لجمعيات ومؤسسات المكتبات (الإفلا)"
    assert visible_text(english.find("h1")) == (
        "International Federation of Library Associations and Institutions (IFLA)")
    other = english.find("p", class_="other-name").find("bdi")
    assert (other["lang"], visible_text(other)) == ("ar", "الاتحاد الدولي لجمعيات ومؤسسات المكتبات")
    assert arabic.find("link", hreflang="en")["href"] == "/en/organisations/ifla/"


def test_afli_lists_both_ineli_articles(sample_site):
    assert listed_articles(sample_site.page("organisations/afli/")) == [COHORT, FORUM]


def test_the_organisation_page_shows_its_events_and_facts(sample_site):
    page = sample_site.page("en/organisations/qnl/")
    facts = {visible_text(dt): visible_text(dt.find_next_sibling("dd"))
             for dt in page.find("dl", class_="facts").find_all("dt")}
    assert facts == {"Website": "https://www.qnl.qa/", "Country": "Qatar"}
    past = page.find("h2", id="past-heading").find_parent("section")
    assert [a["href"] for a in past.select("h3 a")] == ["/en" + DOHA]
    assert visible_text(sample_site.page("organisations/qnl/").find("dl", class_="facts")).endswith("قطر")


def test_an_organisation_page_lists_its_latest_past_events_and_all_its_news(tmp_path):
    build(str(SETTINGS), output=str(tmp_path / "output"),
          overrides={"ORGANISATIONS_PAST_EVENTS": 1, "SEARCH_INDEX": False})
    page = BuiltSite(tmp_path / "output").page("organisations/afli/")
    past = page.find("h2", id="past-heading").find_parent("section")
    assert [a["href"] for a in past.select("h3 a")] == [COHORT]  # January 2024, not February 2020
    assert listed_articles(page) == [COHORT, FORUM]


def test_articles_link_to_the_pages_of_their_organisations(sample_site):
    section = sample_site.page("en" + DOHA).find("section", class_="organisations")
    assert [a["href"] for a in section.find_all("a")] == ["/en/organisations/ifla/",
                                                         "/en/organisations/qnl/"]


def test_organisation_feeds_hold_only_their_articles_in_one_language(sample_site):
    for prefix, lang in (("", "ar"), ("en/", "en")):
        feed = feedparser.parse(sample_site.text(f"{prefix}organisations/afli/feed.atom"))
        assert not feed.bozo and feed.feed.language == lang
        assert [entry.link for entry in feed.entries] == [f"/{prefix}{COHORT[1:]}", f"/{prefix}{FORUM[1:]}"]
    page = sample_site.page("organisations/afli/")
    announced = page.find("link", type="application/atom+xml", href="/organisations/afli/feed.atom")
    assert announced is not None


def test_calendars_are_announced_only_where_they_exist(sample_site):
    ifla = sample_site.page("organisations/ifla/").find("link", type="text/calendar")
    assert sample_site.file_for(ifla["href"]) is not None
    # AFLI's events are known only to the month: no calendar file, no link.
    assert sample_site.page("organisations/afli/").find("link", type="text/calendar") is None
    assert sample_site.file_for("organisations/afli/calendar.ics") is None


def test_organisation_json_ld(sample_site):
    data = extruct.extract(sample_site.text("en/organisations/ifla/index.html"),
                           syntaxes=["json-ld"], uniform=True)["json-ld"]
    [organisation] = [item for item in data if item["@type"] == "Organization"]
    assert organisation["name"] == "International Federation of Library Associations and Institutions"
    assert "الاتحاد الدولي لجمعيات ومؤسسات المكتبات" in organisation["alternateName"]
    assert "IFLA" in organisation["alternateName"]
    assert organisation["url"] == "/en/organisations/ifla/"
    assert organisation["sameAs"] == ["https://www.ifla.org/"]


def test_the_index_groups_by_country_in_the_page_language(sample_site):
    page = sample_site.page("organisations/")
    groups = [visible_text(h2) for h2 in page.select("section.country-group h2")]
    assert groups == ["الصين", "قطر", "المملكة العربية السعودية", "الولايات المتحدة",
                      "جهات دولية وإقليمية"]
    saudi = page.find("h2", string="المملكة العربية السعودية").find_parent("section")
    assert [visible_text(a) for a in saudi.select("li a")] == ["مكتبة الملك عبد العزيز العامة",
                                                             "هيئة المكتبات"]
    english = [visible_text(h2) for h2 in sample_site.page("en/organisations/").select("section h2")]
    assert english == ["China", "Qatar", "Saudi Arabia", "United States", "International and regional"]


def test_the_index_counts_articles_and_upcoming_events(build_site):
    site = build_site({"articles/soon.ar.md": article("soon", "ar", "لقاء", organisations="qnl",
                                                      event_start="2026-12-01")},
                      EVENTS_TODAY="2026-11-22")
    item = site.page("organisations/").find("a", href="/organisations/qnl/").find_parent("li")
    assert visible_text(item.find("span", class_="count")) == "(مقالة واحدة، فعالية قادمة واحدة)"


def test_parent_and_child_organisations(build_site, content_dir):
    registry = content_dir / "data" / "organisations.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + """
ifla-mena:
  name:
    ar: المكتب الإقليمي للإفلا في الشرق الأوسط وشمال أفريقيا
    en: IFLA Regional Office for the Middle East and North Africa
  parent: ifla
""", encoding="utf-8")
    site = build_site({})
    child = site.page("en/organisations/ifla-mena/")
    assert child.find("dt", string="Part of").find_next_sibling("dd").find("a")["href"] == (
        "/en/organisations/ifla/")
    parent = site.page("en/organisations/ifla/")
    assert parent.find("dt", string="Includes").find_next_sibling("dd").find("a")["href"] == (
        "/en/organisations/ifla-mena/")
    data = extruct.extract(site.text("en/organisations/ifla-mena/index.html"),
                           syntaxes=["json-ld"], uniform=True)["json-ld"]
    assert data[0]["parentOrganization"]["url"] == "/en/organisations/ifla/"


# -- sorting -------------------------------------------------------------------

def test_arabic_order_ignores_the_article_hamza_and_harakat_and_puts_latin_last():
    names = ["المكتبة الوطنية", "IFLA", "أكاديمية", "بيت الحكمة", "الاتحاد العربي",
             "إدارة المعلومات", "مَكتبة قطر", "آفاق", "جامعة الدول العربية", "AFLI", "الشبكة",
             "هيئة المكتبات", "ياقوت"]
    # Keys: اتحاد، اداره، افاق، اكاديميه (ا then ت، د، ف، ك), بيت, جامعه, شبكه,
    # مكتبه الوطنيه before مكتبه قطر (ا before ق), هيئه, ياقوت; then Latin.
    assert sorted(names, key=lambda name: sort_key(name, "ar")) == [
        "الاتحاد العربي", "إدارة المعلومات", "آفاق", "أكاديمية", "بيت الحكمة",
        "جامعة الدول العربية", "الشبكة", "المكتبة الوطنية", "مَكتبة قطر", "هيئة المكتبات",
        "ياقوت", "AFLI", "IFLA"]


def test_english_order_ignores_case_and_accents_and_puts_arabic_last():
    names = ["qatar National Library", "Émergence", "IFLA", "League of Arab States", "الإفلا", "afli"]
    assert sorted(names, key=lambda name: sort_key(name, "en")) == [
        "afli", "Émergence", "IFLA", "League of Arab States", "qatar National Library", "الإفلا"]


# -- the matcher ------------------------------------------------------------------

IFLA = Organisation("ifla", {"ar": "الاتحاد الدولي لجمعيات ومؤسسات المكتبات",
                             "en": "International Federation of Library Associations and Institutions"},
                    {"ar": "الإفلا", "en": "IFLA"}, aliases=("الإفلا",))
QNL = Organisation("qnl", {"ar": "مكتبة قطر الوطنية", "en": "Qatar National Library"}, {"en": "QNL"})
AFLI = Organisation("afli", {"ar": "الاتحاد العربي للمكتبات والمعلومات",
                             "en": "Arab Federation for Libraries and Information"},
                    {"ar": "اعلم", "en": "AFLI"})
MATCHER = Matcher({"ifla": IFLA, "qnl": QNL, "afli": AFLI})


@pytest.mark.parametrize("text,slugs", [
    ("اجتماع الإفلا في الدوحة", ["ifla"]),
    ("والإفلا", ["ifla"]),                     # و attached
    ("بالإفلا", ["ifla"]),                     # ب attached
    ("للإفلا", ["ifla"]),                      # ل + ال written لل
    ("وللإفلا", ["ifla"]),
    ("الافلا", ["ifla"]),                      # hamza left out
    ("الإِفْلا", ["ifla"]),                     # with harakat
    ("الإفـــلا", ["ifla"]),                    # with tatweel
    ("استضافت مكتبةُ قطرَ الوطنيةِ", ["qnl"]),   # harakat on every word of a long name
    ("ومكتبة قطر الوطنية", ["qnl"]),
    ("مكتبة قطر", []),                         # part of a name is not the name
    ("الإفلاطون", []),                         # no match inside a longer word
    ("IFLA's regional offices", ["ifla"]),
    ("the ifla meeting", ["ifla"]),            # English: case does not matter
    ("IFLAX and SIFLA", []),                   # word boundaries
    ("the Qatar National Library", ["qnl"]),
    ("والله اعلم", []),                        # an Arabic abbreviation that is also a word
    ("مؤتمر AFLI", ["afli"]),                  # Latin abbreviations inside Arabic text
])
def test_the_matcher(text, slugs):
    assert sorted({organisation.slug for organisation, _ in MATCHER.find(text)}) == slugs


# -- hints for editors ----------------------------------------------------------------

def hints(content_dir, files):
    write_files(content_dir, files)
    settings = configure(load_settings(str(SETTINGS), content=str(content_dir)))
    problems, sources = check_sources(settings, hints=True)
    return [p for p in problems if p.warning], [p for p in problems if not p.warning], sources


def test_a_mention_without_the_organisation_listed_is_a_warning(content_dir):
    warnings, errors, _ = hints(content_dir, {
        "articles/x.ar.md": article("x", "ar", "لقاء", organisations="qnl",
                                    body="نص أول.\n\nوشاركت مكتبة قطر الوطنية والإفلا."),
        "articles/x.en.md": article("x", "en", "Meeting", body="With IFLA."),
    })
    assert errors == []
    assert [str(w) for w in warnings] == [
        f"{content_dir / 'articles' / 'x.ar.md'}:10: warning: mentions IFLA (\"الإفلا\") but does "
        "not list it in Organisations (add 'ifla' to Organisations, or run "
        "`invoke check --fix-organisations`)",
        f"{content_dir / 'articles' / 'x.en.md'}:7: warning: mentions IFLA (\"IFLA\") but does "
        "not list it in Organisations (add 'ifla' to Organisations, or run "
        "`invoke check --fix-organisations`)"]


def test_fix_organisations_adds_them_where_they_are_declared(content_dir):
    arabic = content_dir / "articles" / "x.ar.md"
    files = {"articles/x.ar.md": article("x", "ar", "لقاء", organisations="qnl",
                                         body="مع الإفلا.").replace("\n", "\r\n"),
             "articles/x.en.md": article("x", "en", "Meeting", body="With IFLA and QNL."),
             "articles/y.ar.md": article("y", "ar", "خبر", body="عن مكتبة قطر الوطنية.")}
    warnings, _, sources = hints(content_dir, files)
    changed = fix_organisations(warnings, sources)
    assert changed == [str(content_dir / "articles" / "x.ar.md"), str(content_dir / "articles" / "y.ar.md")]
    assert arabic.read_bytes().decode("utf-8").split("\r\n")[5] == "Organisations: qnl, ifla"
    assert "Organisations" not in (content_dir / "articles" / "x.en.md").read_text(encoding="utf-8")
    assert (content_dir / "articles" / "y.ar.md").read_text(encoding="utf-8").splitlines()[5] == (
        "Organisations: qnl")
    assert hints(content_dir, {})[0] == []


def test_the_sample_articles_list_every_organisation_they_mention():
    settings = configure(load_settings(str(SETTINGS)))
    problems, _ = check_sources(settings, hints=True)
    assert problems == []


# -- registry rules -------------------------------------------------------------------

@pytest.mark.parametrize("yaml,message", [
    ("a:\n  name: {ar: أ, en: A}\n  aliases: [الإفلا]\nb:\n  name: {ar: ب, en: B}\n  aliases: [الافلا]\n",
     "6: b: 'الافلا' also names a (line 3) (give each organisation its own names and aliases)"),
    ("a:\n  name: {ar: أ, en: Alpha}\nb:\n  name: {ar: ب, en: ALPHA}\n",
     "4: b: 'ALPHA' also names a (line 2) (give each organisation its own names and aliases)"),
    ("a:\n  name: {ar: أ, en: A}\n  logo: images/none.svg\n",
     "3: a: no logo file 'images/none.svg' (give its path from the content folder)"),
    ("a:\n  name: {ar: أ, en: A}\n  logo: /etc/passwd\n",
     "3: a.logo: '/etc/passwd' is not an image path (give the path of an .svg, .png, .jpg or .webp file under the content folder)"),
])
def test_registry_rules(content_dir, yaml, message):
    write_files(content_dir, {"data/organisations.yaml": yaml})
    settings = configure(load_settings(str(SETTINGS), content=str(content_dir)))
    problems = [str(p) for p in check_sources(settings)[0]]
    assert f"{content_dir / 'data' / 'organisations.yaml'}:{message}" in problems


def test_a_kept_registry_reading_is_recalled_only_while_it_is_still_true(content_dir, tmp_path,
                                                                          monkeypatch):
    """With BUILD_CACHE, a valid reading is kept and recalled instead of parsing
    the YAML again; a changed file or a missing logo is read (and reported) again."""
    def settings(**overrides):
        return configure(load_settings(str(SETTINGS), content=str(content_dir),
                                       output=str(tmp_path / "output"), overrides=overrides))

    registry_file = content_dir / "data" / "organisations.yaml"
    registry_file.write_text(registry_file.read_text("utf-8") +
                             "logo-owner:\n  name: {ar: مالك, en: Owner}\n  logo: images/owner.svg\n",
                             "utf-8")
    write_files(content_dir, {"images/owner.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    fresh = load_registry(settings(BUILD_CACHE=False))
    assert fresh[1] == [] and not list(tmp_path.rglob("registry-*"))
    first = settings()
    assert load_registry(first) == fresh
    assert not list(tmp_path.rglob("registry-*"))  # kept only once a build's check passed
    keep_registry(first)
    assert len(list((tmp_path / "cache").glob("registry-*"))) == 1

    with monkeypatch.context() as patch:
        patch.setattr(registries, "read_registry", lambda settings: pytest.fail("parsed again"))
        assert load_registry(settings()) == fresh

    (content_dir / "images" / "owner.svg").unlink()
    _, problems = load_registry(settings())
    line = registry_file.read_text("utf-8").splitlines().index("  logo: images/owner.svg") + 1
    assert [str(problem) for problem in problems] == [
        f"{registry_file}:{line}: logo-owner: no logo file 'images/owner.svg' "
        "(give its path from the content folder)"]

    registry_file.write_text(registry_file.read_text("utf-8").replace("logo: images/owner.svg",
                                                                      "logo: images/owner.svg\n  colour: red"),
                             "utf-8")
    write_files(content_dir, {"images/owner.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    assert [problem.line for problem in load_registry(settings())[1]] == [line + 1]


def test_the_registries_read_ahead_in_a_child_give_what_the_build_would_read(content_dir, tmp_path,
                                                                            monkeypatch):
    """A cold build reads them in a forked child (so that ruamel.yaml and
    jsonschema never weigh on the build's memory): the same registry and the
    same problems, which fail the build."""
    write_files(content_dir, {"data/organisations.yaml":
                              "ifla:\n  name:\n    ar: أ\n    en: A\n  country: XX\n"})
    settings = configure(load_settings(str(SETTINGS), content=str(content_dir),
                                       overrides={"BUILD_CACHE": False, "BUILD_PROCESSES": 2}))
    expected = load_registry(dict(settings))
    assert [problem.line for problem in expected[1]] == [5]
    with reading_ahead(settings):
        with monkeypatch.context() as patch:
            patch.setattr(registries, "read_registry", lambda _: pytest.fail("read in the build"))
            assert load_registry(settings) == expected
    with pytest.raises(BuildFailed) as failure:
        build(str(SETTINGS), content=str(content_dir), output=str(tmp_path / "output"),
              overrides={"BUILD_CACHE": False})
    assert str(expected[1][0]) in str(failure.value)


def test_a_kept_reading_is_recalled_once_when_read_ahead(content_dir, tmp_path, monkeypatch):
    def settings():
        return configure(load_settings(str(SETTINGS), content=str(content_dir),
                                       output=str(tmp_path / "output")))

    first = settings()
    expected = load_registry(first)
    keep_registry(first)
    recalls = []
    recall = data._recall
    monkeypatch.setattr(data, "_recall", lambda *args: recalls.append(args) or recall(*args))
    monkeypatch.setattr(registries, "read_registry", lambda _: pytest.fail("parsed again"))
    again = settings()
    with reading_ahead(again):
        assert load_registry(again) == expected
    assert len(recalls) == 1
