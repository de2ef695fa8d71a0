"""Unit tests: dates, the digit mapping, the catalogs, text isolation, typography,
and templates loaded on demand."""

import datetime
import gettext
import io
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import ROOT, SETTINGS
from nashra.build import load_settings
from nashra.dates import DAY, MINUTE, MONTH, When, parse_when
from nashra.generators import TemplateOnDemand
from nashra.l10n import Localiser, load_translations
from nashra.problems import ValueProblem
from nashra.settings import configure
from nashra.text import Typographer, isolate_other_script

CATALOGS = ROOT / "theme" / "translations"


# -- dates --------------------------------------------------------------------

@pytest.mark.parametrize("text,moment,precision", [
    ("2020-02", datetime.datetime(2020, 2, 1), MONTH),
    ("2025-12-07", datetime.datetime(2025, 12, 7), DAY),
    ("2025-12-07 09:30", datetime.datetime(2025, 12, 7, 9, 30), MINUTE),
    ("2025-12-07T09:30", datetime.datetime(2025, 12, 7, 9, 30), MINUTE),
    (" 2024-02-29 ", datetime.datetime(2024, 2, 29), DAY),
])
def test_dates_keep_the_precision_they_are_given_in(text, moment, precision):
    assert parse_when(text) == When(moment, precision)


@pytest.mark.parametrize("text,what", [
    ("2023-02-29", "'2023-02-29' is not a real date"),
    ("2025-12-07 25:00", "'2025-12-07 25:00' is not a real date"),
    ("7 December 2025", "'7 December 2025' is not a date"),
    ("2025", "'2025' is not a date"),
    ("2025-12-07 09:30:15", "'2025-12-07 09:30:15' is not a date"),
])
def test_impossible_dates_are_refused(text, what):
    with pytest.raises(ValueProblem) as problem:
        parse_when(text)
    assert problem.value.what == what


def test_a_month_covers_all_its_days():
    february = parse_when("2024-02")
    assert february.last_day == datetime.date(2024, 2, 29)
    assert february.last_moment == datetime.datetime(2024, 2, 29, 23, 59)
    assert str(february) == "2024-02"


# -- localisation -------------------------------------------------------------

def localiser(lang, **settings):
    values = configure(load_settings(str(SETTINGS), overrides=settings))
    return Localiser(lang, values, load_translations(str(CATALOGS), lang))


def test_western_digits_by_default():
    arabic = localiser("ar")
    assert arabic.number(1234) == "1,234"
    assert arabic.date(datetime.date(2025, 12, 7)) == "7 ديسمبر 2025"


def test_arabic_indic_digits_for_everything_the_theme_prints():
    arabic = localiser("ar", I18N_DIGITS="arabic-indic", I18N_HIJRI=True)
    assert arabic.number(1234) == "١٬٢٣٤"
    assert arabic.date(datetime.date(2025, 12, 7)) == "٧ ديسمبر ٢٠٢٥"
    assert arabic.date(parse_when("2020-02")) == "فبراير ٢٠٢٠"
    assert arabic.date_range(parse_when("2025-12-07"), parse_when("2025-12-09")) == "٧–٩ ديسمبر ٢٠٢٥"
    assert arabic.hijri_date(datetime.date(2025, 12, 7)) == "١٦ جمادى الآخرة ١٤٤٧ هـ"
    assert arabic.digits("page 12") == "page ١٢"


def test_english_pages_keep_western_digits_whatever_the_setting():
    english = localiser("en", I18N_DIGITS="arabic-indic", I18N_HIJRI=True)
    assert english.number(1234) == "1,234"
    assert english.date(datetime.date(2025, 12, 7)) == "7 December 2025"
    assert english.hijri_date(datetime.date(2025, 12, 7)) == ""


def test_hijri_date_of_a_known_day():
    # 1 Ramadan 1445 began on 11 March 2024 by the Umm al-Qura calendar.
    assert localiser("ar", I18N_HIJRI=True).hijri_date(datetime.date(2024, 3, 11)) == "1 رمضان 1445 هـ"


def test_hijri_date_is_not_given_for_a_month_or_when_off():
    assert localiser("ar", I18N_HIJRI=True).hijri_date(parse_when("2024-03")) == ""
    assert localiser("ar", I18N_HIJRI=False).hijri_date(datetime.date(2024, 3, 11)) == ""


@pytest.mark.parametrize("start,end,arabic,english", [
    ("2025-12-07", "2025-12-09", "7–9 ديسمبر 2025", "7–9 Dec 2025"),
    ("2026-01-30", "2026-02-02", "30 يناير – 2 فبراير 2026", "30 Jan\u2009–\u20092 Feb 2026"),
    ("2020-02", "2020-03", "فبراير – مارس 2020", "February\u2009–\u2009March 2020"),
    ("2025-12-07", "2025-12-07", "7 ديسمبر 2025", "7 December 2025"),
    ("2025-12-07 09:30", "2025-12-07 11:00", "7 ديسمبر 2025، 9:30 ص – 11:00 ص",
     "7 December 2025, 09:30 – 11:00"),
])
def test_event_date_ranges(start, end, arabic, english):
    span = parse_when(start), parse_when(end)
    assert localiser("ar").date_range(*span) == arabic
    assert localiser("en").date_range(*span) == english


def test_language_names_are_in_the_page_language():
    assert localiser("ar").language_name("en") == "الإنجليزية"
    assert localiser("en").language_name("ar") == "Arabic"


# -- catalogs -----------------------------------------------------------------

def template_messages():
    """Every string the theme's templates and the plugin's code mark for translation."""
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    messages = set()
    for folder in (ROOT / "theme", ROOT / "plugins" / "nashra"):
        for message in extract_from_dir(str(folder), method_map, options):
            messages.add(message[2] if isinstance(message[2], str) else message[2][0])
    return messages


def arabic_catalog():
    with open(CATALOGS / "ar" / "LC_MESSAGES" / "messages.po", "rb") as stream:
        return read_po(stream, locale="ar")


def test_the_arabic_catalog_translates_every_interface_string():
    catalog = arabic_catalog()
    untranslated = []
    for message_id in sorted(template_messages()):
        message = catalog.get(message_id)
        strings = [] if message is None else (
            message.string if isinstance(message.string, tuple) else [message.string])
        if message is None or message.fuzzy or not all(strings):
            untranslated.append(message_id)
    assert untranslated == []
    assert len(template_messages()) > 30


def test_the_arabic_plural_rule_is_cldrs_not_babels_table():
    catalog = arabic_catalog()
    plural = gettext.c2py(catalog.plural_expr)
    cldr = Locale("ar").plural_form
    categories = ["zero", "one", "two", "few", "many", "other"]
    for n in range(0, 1200):
        assert categories[plural(n)] == cldr(n), n
    assert catalog.num_plurals == 6


def test_plural_strings_are_chosen_by_cldr_category():
    arabic = load_translations(str(CATALOGS), "ar")
    forms = {n: arabic.ngettext("%(num)s article", "%(num)s articles", n) % {"num": n}
             for n in (0, 1, 2, 3, 11, 100)}
    assert forms == {0: "لا توجد مقالات", 1: "مقالة واحدة", 2: "مقالتان", 3: "3 مقالات",
                     11: "11 مقالةً", 100: "100 مقالة"}


# -- text ---------------------------------------------------------------------

def test_latin_runs_in_arabic_are_wrapped_with_their_language():
    html = "<p>اجتماع الإفلا (IFLA) مع IDEAs NGO و INELI-MENA في https://www.ifla.org/x.</p>"
    assert isolate_other_script(html, "ar") == (
        '<p>اجتماع الإفلا (<span lang="en" dir="ltr">IFLA</span>) مع '
        '<span lang="en" dir="ltr">IDEAs NGO</span> و <span lang="en" dir="ltr">INELI-MENA</span> '
        'في <span lang="en" dir="ltr">https://www.ifla.org/x</span>.</p>')


def test_arabic_runs_in_english_are_wrapped_with_their_language():
    assert isolate_other_script("<p>AFLI (اعلم) and مكتبة قطر.</p>", "en") == (
        '<p>AFLI (<span lang="ar" dir="rtl">اعلم</span>) and '
        '<span lang="ar" dir="rtl">مكتبة قطر</span>.</p>')


def test_text_without_the_other_script_comes_back_as_it_was_but_for_comments():
    html = '<p>Only <em>English</em> &amp; &#8220;IFLA&#8221;.</p>\n<pre><code>x &lt; 1</code></pre>'
    assert isolate_other_script(html, "en") is html
    assert isolate_other_script(html + "<!-- note -->", "en") == html


def test_code_labelled_elements_attributes_and_entities_are_left_alone():
    html = ('<p><code>IFLA</code> <a href="https://x.org/IFLA" title="IFLA">الإفلا</a> '
            '<span lang="en">Doha</span> &amp; &#8220;</p><!-- note IFLA -->')
    assert isolate_other_script(html, "ar") == (
        '<p><code>IFLA</code> <a href="https://x.org/IFLA" title="IFLA">الإفلا</a> '
        '<span lang="en">Doha</span> &amp; &#8220;</p>')


def test_typography_only_for_the_languages_that_want_it():
    settings = {"TYPOGRIFY_LANGUAGES": ["en"]}
    typographer = Typographer(settings)
    assert typographer('<p>"IFLA" -- 2025</p>', "en") == (
        '<p><span class="dquo">&#8220;</span><span class="caps">IFLA</span>&#8221; '
        '&#8212;&nbsp;2025</p>')
    assert typographer('<p>"الإفلا" -- IFLA</p>', "ar") == '<p>"الإفلا" -- IFLA</p>'


TYPESET_CASES = [
    '<p>"IFLA" -- 2025</p>\n<p>It\'s the U.S.A. &amp; AT&T & co.</p>',
    # lone quotes at the start of blocks and after inline tags at line ends
    '<p>"<em>quoted</em>"</p>\n<p>\'<a href="/x/">single</a>\'</p>\n<p>plain text here</p>',
    '<p>a soft break <em>ends</em>\n<strong>here</strong> "and" goes on</p>\n<ul>\n<li>one</li>\n<li>"two"</li>\n</ul>',
    # code and keyboard elements across lines keep their quotes and dashes
    '<pre><code>x = "a" -- b\n<span>"c"</span>\n</code></pre>\n<p>after "it" -- yes</p>',
    '<p>press <kbd>"Ctrl"\n</kbd>\n<kbd>--x</kbd> "now"</p>\n<p>NASA and ESA... ok</p>',
    '<p><kbd>\n<span>"x" -- y</span>\n</kbd> "z"</p>\n<p><samp>\n<b>\'q\'</b>\n</samp></p>',
    # a line that starts with text carries its line break to the quote after it
    '<p>a <em>b</em>\n\'. quoted text</p>\n<p>c <em>d</em>\n"! e" f</p>',
    '<p>``double`` and \\"escaped\\" and &quot;entity&quot;</p>\n<p>. . . end</p>',
    '<blockquote>\n<p>"Nested" quote</p>\n</blockquote>\n<table>\n<tr><td>"cell"</td></tr>\n</table>',
    "no tags at all, just 'text' -- with dashes",
    '<p>last line without a break "x"</p>',
    '<h2>"Jayhawks" & KU fans act extremely obnoxiously</h2>\r\n<p>"crlf"</p>',
    # widont near the ends of blocks longer than the window it tries first
    '<p>A paragraph long enough to be cut, ending in <a href="https://example.org/a/very/long/'
    'address/indeed" title="a title">a linked phrase</a></p>\n<ul>\n<li>one item with words '
    '<em>in <strong>nested</strong> tags</em> </li>\n<li>https://example.org/a-single-word-longer'
    '-than-any-window</li>\n</ul>\n<dl><dt>term with words</dt><dd>definition with <b>bold '
    'ending</b>\n</dd></dl>\n<p>ends with a break<br>\n</p>\n<p>x <img src="/i.png" alt="an '
    'image of some length here"> after</p>\n<h3>Heading</h3>\ntrailing text without a block end',
]


@pytest.mark.parametrize("overrides", [
    {}, {"TYPOGRIFY_DASHES": "oldschool"}, {"TYPOGRIFY_DASHES": "oldschool_inverted"},
    {"TYPOGRIFY_OMIT_FILTERS": ["widont", "amp"]}, {"TYPOGRIFY_IGNORE_TAGS": ["h2", ".x"]},
])
def test_typography_is_typogrifys_to_the_byte(overrides):
    from typogrify.filters import typogrify

    typographer = Typographer({"TYPOGRIFY_LANGUAGES": ["en"], **overrides})
    omitted = dict.fromkeys(overrides.get("TYPOGRIFY_OMIT_FILTERS", []), False)
    ignored = overrides.get("TYPOGRIFY_IGNORE_TAGS", [])
    html = "\n".join(TYPESET_CASES)
    for text in [*TYPESET_CASES, html]:
        assert typographer(text, "en") == typogrify(text, ignored, **omitted), text


WIDONT_PIECES = ["word", "two words", " ", "  \n", "<p>", "</p>", "</li>", "</h2>", "</dd>",
                 "<em>", "</em>", '<a href="/a/long/enough/address">', "</a>", "<br>", "</b>",
                 "<span lang=\"en\">", "</span>", "x" * 45, "&amp;", "<div>", "</div>"]


@given(st.lists(st.sampled_from(WIDONT_PIECES), max_size=40))
@settings(max_examples=300, deadline=None)
def test_widont_near_block_ends_is_typogrifys_widont(pieces):
    from typogrify.filters import widont

    from nashra.text import widont_near_block_ends

    text = "".join(pieces)
    assert widont_near_block_ends(widont, text) == widont(text)


def test_the_scaffold_documents_every_field():
    from nashra.check import FIELDS
    from nashra.scaffold import FIELDS as documented, render

    assert {name.lower() for name, _ in documented} == set(FIELDS["article"]) - {"modified", "template"}
    text = render({"Title": "T", "Slug": "s", "Lang": "en"}, "en")
    assert text.startswith("Title: T\nDate:\nSlug: s\nLang: en\n")
    assert io.StringIO(text).read().count("<!--") == 1


def test_verification_reads_many_pages_in_parallel_as_it_reads_one(tmp_path):
    from nashra import verify

    urls = [f"p{number}/" for number in range(verify.PARALLEL_FROM + 1)]
    for number, url in enumerate(urls):
        if number % 7:  # every seventh page is missing
            (tmp_path / url).mkdir()
            lang = "ar" if number % 2 else "en"
            (tmp_path / url / "index.html").write_text(
                f'<html lang="{lang}"><head><link rel="alternate" hreflang="x" href="/x{number}/">'
                f"</head><body></body></html>", encoding="utf-8")

    def locate(relative):
        return str(tmp_path / relative)

    found = verify._read_pages(locate, urls, "")
    assert found == {url: verify._read_page(locate, url, "") for url in urls}
    assert [found[url] is None for url in urls[:8]] == [True] + [False] * 6 + [True]
    assert found["p1/"] == ("ar", {"x": "x1/"}) and found[urls[-1]].lang == "en"


# Markdown whose inline patterns each have a case, with text around them that
# has none: what the plain-text shortcut must leave exactly as Python-Markdown makes it.
MARKDOWN_CASES = [
    "Plain prose, with commas, dots. And (brackets) - dashes -- and 'quotes' \"too\".",
    "`code` and ``double `tick` code`` and \\`escaped\\` and \\\\`after a backslash`",
    "Escapes: \\*not em\\* \\_not\\_ \\[not a link\\] \\# and 1\\. and \\\\",
    "A [link](https://example.org/ \"title\") and a [reference][ref] and [ref] and [Ref][].\n\n"
    "[ref]: https://example.org/ref",
    "An ![image](/i.png) and ![ref image][img] and ![img].\n\n[img]: /img.png",
    "Links <https://example.org/x?a=1&b=2> and mail <someone@example.org>.",
    "A hard  \nbreak, and a soft\nbreak, and   \nanother.",
    "Inline <span lang=\"en\">HTML</span>, an &amp; entity, &#169; &#xA9; and a bare & amp.",
    "Entities alone: AT&amp;T, &copy; 2025, &#169; and &#xA9;.",
    "## AT&amp;T and &copy; in a heading\n\n*[AT&amp;T]: The company\n\nAT&amp;T in text",
    "*em* **strong** ***both*** _em_ __strong__ snake_case_word 2*3*4 a * b",
    "Footnote[^1] in text.\n\n[^1]: The note, with *emphasis*.",
    "*[HTML]: Hyper Text Markup Language\n\nHTML in text and <b>HTML</b> in a tag.",
    "# Heading {: #custom .cls }\n\nParagraph {: .para }\n\nTerm\n:   Definition with `code`",
    "| a | b |\n|---|---|\n| *x* | [y](/y) |\n| plain | text |",
    "<div markdown=\"1\">\n*inside* html\n</div>\n\nafter <!-- comment --> it",
    "```python\nx = '*not* [markdown]'\n```\n\n    indented *code*\n\n> quoted *em* and plain",
    "- item *one*\n- item two\n    - nested [link](/n)\n\n1. first\n2. second",
    "Arabic نص عربي مع *تأكيد* و[رابط](/ar/) و IFLA و &nbsp; هنا",
    "",
    # Blocks, each beside plain paragraphs: what the block shortcut must leave to
    # the block processors.
    "Setext title\n============\n\nPlain.\n\nAnother title\n---\n\nPlain again.",
    "Plain.\n\n***\n\n- - -\n\n___\n\nPlain.",
    "Plain.\n# A heading inside a block\nmore\n\n#No space heading",
    "- item\nlazy continuation\n\nplain\n\n* a\n* b\n\n1. one\n2. two\n\n١. بند\n\n+ plus",
    "In\n2015. it was, with a year at a line's start.\n\n2015. A year first.",
    "- item\n\n    a paragraph in the item\n\n        code in it\n\nplain after",
    "> a quote\ncontinued lazily\n\nplain\n   indented continuation line",
    "Text first\n[ref]: /url \"Title\"\nmore text\n\n[ref] used.",
    "Term\n: a definition\n\nTerm two\n:   another\n\nplain",
    "a | b\n--|--\n1 | 2\n\nplain with a | pipe",
    "<div>\nraw *html*\n</div>\n\nplain\n\n<p markdown=\"1\">in *html*</p>",
    "Footnote use[^n] here.\n\nplain\n[^n]: defined inside a block\n\n*[use]: Abbreviation",
    "\n\n\nPlain after blank lines.\n\n\n\n    code after blank lines",
]
MARKDOWN_CONFIGS = [
    ["markdown.extensions.codehilite", "markdown.extensions.extra", "markdown.extensions.meta"],
    ["markdown.extensions.extra", "markdown.extensions.toc", "markdown.extensions.smarty",
     "markdown.extensions.sane_lists", "markdown.extensions.nl2br"],
    ["markdown.extensions.legacy_em", "markdown.extensions.abbr"],
    [],
]


@pytest.mark.parametrize("extensions", MARKDOWN_CONFIGS)
def test_the_plain_text_shortcut_changes_no_html(extensions):
    from markdown import Markdown

    from nashra.plaintext import BLOCKS, MARK, PlainTextShortcut

    stock = Markdown(extensions=extensions, output_format="html5")
    quick = Markdown(extensions=[*extensions, PlainTextShortcut()], output_format="html5")
    for text in [*MARKDOWN_CASES, "\n\n".join(MARKDOWN_CASES)]:
        stock.reset()
        quick.reset()
        assert quick.convert(text) == stock.convert(text), text
    quick.reset()
    taken = quick.parser.blockprocessors[BLOCKS].taken
    quick.convert(MARKDOWN_CASES[0])
    assert quick.treeprocessors[MARK].skipped == 1  # it was on: the prose skipped the patterns
    assert quick.parser.blockprocessors[BLOCKS].taken == taken + (extensions != MARKDOWN_CONFIGS[1])


def test_the_plain_text_shortcut_steps_aside_for_patterns_it_does_not_know():
    from markdown import Markdown

    from nashra.plaintext import MARK, PlainTextShortcut

    extensions = ["markdown.extensions.wikilinks", "markdown.extensions.extra"]
    stock = Markdown(extensions=extensions)
    quick = Markdown(extensions=[*extensions, PlainTextShortcut()])
    text = "Plain text, a [[Wiki Link]] and *em*."
    assert quick.convert(text) == stock.convert(text)
    assert quick.treeprocessors[MARK].skipped == 0


def test_the_block_shortcut_steps_aside_for_block_processors_it_does_not_know():
    from markdown import Markdown

    from nashra.plaintext import BLOCKS, PlainTextShortcut

    for extensions in (["markdown.extensions.admonition", "markdown.extensions.extra"],
                       ["markdown.extensions.sane_lists"]):
        stock = Markdown(extensions=extensions)
        quick = Markdown(extensions=[*extensions, PlainTextShortcut()])
        text = "Plain.\n\n!!! note\n    An admonition.\n\n1. one\n2. two\n\nPlain."
        assert quick.convert(text) == stock.convert(text)
        assert quick.parser.blockprocessors[BLOCKS].taken == 0


def test_the_plain_text_shortcut_steps_aside_for_a_known_name_with_another_pattern():
    from markdown import Markdown
    from markdown.extensions import Extension
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    from nashra.plaintext import MARK, PlainTextShortcut

    class Strike(SimpleTagInlineProcessor):  # "~~x~~" registered as "entity"
        pass

    class Replacing(Extension):
        def extendMarkdown(self, md):
            md.inlinePatterns.register(Strike(r"()~~(.+?)~~", "del"), "entity", 80)

    stock = Markdown(extensions=[Replacing()])
    quick = Markdown(extensions=[Replacing(), PlainTextShortcut()])
    text = "Plain text and ~~struck~~ words."
    assert quick.convert(text) == stock.convert(text) == "<p>Plain text and <del>struck</del> words.</p>"
    assert quick.treeprocessors[MARK].skipped == 0


def test_verification_from_what_a_build_keeps_of_the_headers_finds_what_they_all_find(
        sample_site, tmp_path):
    """A build keeps only VERIFIED_FIELDS of each file's header until it
    verifies: from them, verification must find every shortfall it finds from
    the whole headers (a missing page, feed, event calendar, language, link)."""
    from nashra.build import load_settings
    from nashra.check import check_sources
    from nashra.settings import configure
    from nashra.verify import for_verification, verify_output

    output = tmp_path / "output"
    shutil.copytree(sample_site.output, output)
    (output / "en/articles/ineli-mena-egypt-second-forum/index.html").unlink()
    (output / "feeds/meetings.atom.xml").unlink()
    (output / "en/events/ifla-regional-offices-meeting-doha.ics").unlink()
    page = output / "articles/china-arab-library-experts-meeting-riyadh/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('<html lang="ar"', '<html lang="fr"', 1),
                    encoding="utf-8")
    page = output / "articles/ifla-regional-offices-meeting-doha/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('hreflang="en"', 'hreflang="de"', 1),
                    encoding="utf-8")
    settings = configure(load_settings(str(SETTINGS), output=str(output)))
    _, sources = check_sources(settings)

    shortfalls = verify_output(settings, str(output), sources)
    assert len(shortfalls) == 5, shortfalls
    assert verify_output(settings, str(output), for_verification(sources)) == shortfalls


# -- Pelican's own templates --------------------------------------------------

def test_a_template_on_demand_is_loaded_when_first_rendered_and_only_then():
    loaded = []

    class Template:
        def render(self, context):
            return f"page of {context['slug']}"

    def load(name):
        loaded.append(name)
        return Template()

    template = TemplateOnDemand(load, "article")
    assert loaded == []
    assert template.render({"slug": "a"}) == "page of a"
    assert template.render({"slug": "b"}) == "page of b"
    assert loaded == ["article"]
