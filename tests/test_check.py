"""`invoke check`: one bad input per rule, each with its exact `path:line` message,
and the build failing on the same problems."""

import pytest

from conftest import SETTINGS, article, write_files
from nashra.build import BuildFailed, build, load_settings
from nashra.check import check_content
from nashra.settings import configure


@pytest.fixture
def check(content_dir):
    """Write files into the content folder, check it, return the messages."""

    def check_with(files):
        write_files(content_dir, files)
        settings = configure(load_settings(str(SETTINGS), content=str(content_dir)))
        return [str(problem) for problem in check_content(settings)]

    return check_with


def ar(name="x.ar.md"):
    return f"articles/{name}"


def path_of(content_dir, name):
    return str(content_dir / "articles" / name)


GOOD_PAIR = {
    ar(): article("x", "ar", "عنوان", event_start="2025-12-07", event_timezone="Asia/Qatar",
                  organisations="ifla"),
    "articles/x.en.md": article("x", "en", "Title", body="Text."),
}


def test_good_content_has_no_problem(check):
    assert check(GOOD_PAIR) == []


@pytest.mark.parametrize("fields,line,message", [
    ({"Title": None}, 1, "title is missing (add 'Title: ' to the header: the headline, on one line)"),
    ({"Title": "   "}, 1, "title is empty (write the headline, on one line)"),
    ({"Date": None}, 1, "date is missing (add 'Date: ' to the header: the publication date, e.g. 2025-12-07)"),
    ({"Date": "2025-13-01"}, 2, "'2025-13-01' is not a real date (check the month, day and time)"),
    ({"Date": "7/12/2025"}, 2, "'7/12/2025' is not a date (write YYYY-MM-DD, YYYY-MM-DD HH:MM, or YYYY-MM when only the month is known)"),
    ({"Slug": "X Y"}, 3, "'X Y' is not a slug (use lowercase Latin letters, digits and hyphens)"),
    ({"Category": "meeting"}, 5, "unknown category 'meeting' (did you mean 'meetings'?)"),
    ({"Category": "sport"}, 5, "unknown category 'sport' (add it to data/categories.yaml)"),
    ({"Organisations": "ifla, iflaa"}, 6, "unknown organisation 'iflaa' (did you mean 'ifla'?)"),
    ({"Tags": "Public Libraries"}, 6, "the tag 'Public Libraries' is not a slug (write tags as slugs, like 'public-libraries', and name them per language in data/tags.yaml)"),
    ({"Status": "live"}, 6, "'live' is not a status (use one of: published, draft, hidden)"),
    ({"event-start": "2025-12-07", "event-end": "2025-12-06"}, 7, "event-end 2025-12-06 is before event-start 2025-12-07 (correct the dates; the end may equal the start)"),
    ({"event-start": "2025-12-07", "event-timezone": "Asia/Doha"}, 7, "'Asia/Doha' is not a time zone (use an IANA name such as Asia/Qatar, Asia/Riyadh or Africa/Cairo)"),
    ({"event-start": "2025-12-07", "event-mode": "virtual"}, 7, "'virtual' is not a valid event-mode (use one of: in-person, online, hybrid)"),
    ({"event-start": "2025-12-07", "event-status": "done"}, 7, "'done' is not a valid event-status (use one of: scheduled, cancelled, postponed, rescheduled, moved-online)"),
    ({"event-start": "2025-12-07", "event-url": "www.ifla.org"}, 7, "'www.ifla.org' is not a web address (write the full address, starting with https://)"),
    ({"event-start": "2025-12-07", "event-mode": "online"}, 7, "an online event needs event-url (add the address where people join it)"),
    ({"event-start": "2025-12-07 09:30"}, 6, "a timed event needs event-timezone (add e.g. 'event-timezone: Asia/Riyadh')"),
    ({"event-end": "2025-12-07"}, 6, "event-end is given but event-start is not (add event-start, or remove the event fields for news without a date)"),
    ({"event-strat": "2025-12-07"}, 6, "unknown field 'event-strat' (did you mean 'event-start'?)"),
])
def test_each_header_rule_names_the_line_and_the_fix(check, content_dir, fields, line, message):
    header = {"Title": "عنوان", "Date": "2025-12-07", "Slug": "x", "Lang": "ar",
              "Category": "meetings"}
    header.update(fields)
    text = "\n".join(f"{k}: {v}" for k, v in header.items() if v is not None) + "\n\nنص.\n"
    assert check({ar(): text}) == [f"{path_of(content_dir, 'x.ar.md')}:{line}: {message}"]


def test_an_unknown_language(check, content_dir):
    assert check({ar("x.fr.md"): article("x", "fr", "Titre")}) == [
        f"{path_of(content_dir, 'x.fr.md')}:4: 'fr' is not a language of the site (use one of: ar, en)"]


def test_a_field_given_twice(check, content_dir):
    text = "Title: أ\nTitle: ب\nDate: 2025-12-07\nSlug: x\nLang: ar\nCategory: meetings\n\nنص.\n"
    assert check({ar(): text}) == [
        f"{path_of(content_dir, 'x.ar.md')}:2: title is given twice (keep one; the first is on line 1)"]


def test_a_title_on_two_lines(check, content_dir):
    text = "Title: أ\n    ب\nDate: 2025-12-07\nSlug: x\nLang: ar\nCategory: meetings\n\nنص.\n"
    assert check({ar(): text}) == [
        f"{path_of(content_dir, 'x.ar.md')}:2: title continues on a second line (keep it on one line)"]


def test_a_file_name_that_does_not_match_slug_and_language(check, content_dir):
    assert check({ar("y.ar.md"): article("x", "ar", "عنوان")}) == [
        f"{path_of(content_dir, 'y.ar.md')}:3: the file name does not match Slug and Lang "
        "(rename the file to x.ar.md)"]


def test_a_file_with_only_metadata(check, content_dir):
    text = "Title: عنوان\nDate: 2025-12-07\nSlug: x\nLang: ar\nCategory: meetings\n"
    assert check({ar(): text}) == [
        f"{path_of(content_dir, 'x.ar.md')}:6: there is no text after the header "
        "(write the text after one blank line under the header)"]


def test_an_empty_file(check, content_dir):
    assert check({ar(): ""}) == [
        f"{path_of(content_dir, 'x.ar.md')}:1: the file is empty "
        "(write the metadata header, a blank line, then the text)"]


def test_invalid_utf8_names_the_line(check, content_dir):
    text = article("x", "ar", "عنوان").encode("utf-8") + b"\n\xff\xfe broken\n"
    assert check({ar(): text}) == [
        f"{path_of(content_dir, 'x.ar.md')}:9: not valid UTF-8 (byte 0xff) (save the file as UTF-8)"]


def test_a_reserved_page_slug(check, content_dir):
    text = "Title: أرشيف\nSlug: archives\nLang: ar\n\nنص.\n"
    assert check({"pages/archives.ar.md": text}) == [
        f"{content_dir / 'pages' / 'archives.ar.md'}:2: the page slug 'archives' is taken by "
        "the site's own pages (choose another slug)"]


def test_a_slug_used_twice_in_one_language(check, content_dir):
    problems = check({ar(): article("x", "ar", "أ"), "articles/sub/x.ar.md": article("x", "ar", "ب")})
    assert problems == [
        f"{content_dir / 'articles' / 'x.ar.md'}:3: slug 'x' in 'ar' is also used by "
        f"{content_dir / 'articles' / 'sub' / 'x.ar.md'}:3 (give each article its own slug)"]


def test_translations_that_disagree_name_both_files(check, content_dir):
    problems = check({
        ar(): article("x", "ar", "عنوان", event_start="2025-12-07"),
        "articles/x.en.md": article("x", "en", "Title", event_start="2025-12-08"),
    })
    assert problems == [
        f"{path_of(content_dir, 'x.en.md')}:6: event-start '2025-12-08' disagrees with "
        f"{path_of(content_dir, 'x.ar.md')}:6 ('2025-12-07') "
        "(make them the same, or leave the field out of one file to inherit it)"]


def test_organisations_of_translations_agree_in_any_order(check):
    assert check({
        ar(): article("x", "ar", "عنوان", organisations="ifla, qnl"),
        "articles/x.en.md": article("x", "en", "Title", organisations="qnl, ifla"),
    }) == []


def test_a_translation_is_checked_with_what_it_inherits(check, content_dir):
    problems = check({
        ar(): article("x", "ar", "عنوان", event_start="2025-12-07"),
        "articles/x.en.md": article("x", "en", "Title", event_end="2025-12-01"),
    })
    assert problems == [
        f"{path_of(content_dir, 'x.en.md')}:6: event-end 2025-12-01 is before event-start "
        "2025-12-07 (correct the dates; the end may equal the start)"]


@pytest.mark.parametrize("yaml,message", [
    ("ifla:\n  name:\n    ar: الإفلا\n", "2: ifla.name: 'en' is missing (add 'en:' under ifla.name)"),
    ("ifla:\n  name:\n    ar: أ\n    en: A\n  website: ifla.org\n",
     "5: ifla.website: 'ifla.org' is not a web address (write it in full, from https://)"),
    ("ifla:\n  name:\n    ar: أ\n    en: A\n  country: XX\n",
     "5: ifla.country: 'XX' is not an ISO 3166 country code (use two capital letters, e.g. QA, SA, EG)"),
    ("ifla:\n  name:\n    ar: أ\n    en: A\n  parent: unesco\n",
     "5: ifla: parent 'unesco' is not in the registry (use the slug of an organisation listed in this file)"),
    ("ifla:\n  name:\n    ar: أ\n    en: A\n  webiste: https://a.org/\n",
     "5: ifla: unknown field 'webiste' (the fields are: name, abbreviation, website, country, parent, aliases, logo)"),
    ("ifla:\n  name: {ar: أ, en: A}\nifla:\n  name: {ar: ب, en: B}\n",
     "3: 'ifla' is given twice (keep one entry per key)"),
    ("ifla:\n  name:\n  ar: أ\n", "3: ifla: unknown field 'ar' (the fields are: name, abbreviation, website, country, parent, aliases, logo)"),
])
def test_registry_problems_name_the_line(check, content_dir, yaml, message):
    problems = check({"data/organisations.yaml": yaml})
    registry = content_dir / "data" / "organisations.yaml"
    assert f"{registry}:{message}" in problems


def test_the_build_fails_on_the_same_problems_and_writes_nothing(check, content_dir, tmp_path):
    files = {ar(): article("x", "ar", "عنوان", category="sport")}
    expected = check(files)
    output = tmp_path / "output"
    with pytest.raises(BuildFailed) as failure:
        build(str(SETTINGS), content=str(content_dir), output=str(output))
    assert str(failure.value).splitlines()[1:] == expected
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [content_dir]


def test_line_numbers_count_only_line_breaks(check, content_dir):
    text = "Title: عنوان\u2028مكمل\nDate: 2025-12-07\nSlug: x\nLang: ar\nCategory: sport\n\nنص.\n"
    assert check({ar(): text}) == [
        f"{path_of(content_dir, 'x.ar.md')}:5: unknown category 'sport' (add it to data/categories.yaml)"]
