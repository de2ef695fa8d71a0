"""Property: whatever an editor writes, the build either succeeds with the
article in the output, or fails with content-check messages only — never a
traceback, never an article silently missing."""

import os
import re
import shutil

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import CONTENT, SETTINGS, BuiltSite
from nashra.build import BuildFailed, build

EXAMPLES = int(os.environ.get("NASHRA_HYPOTHESIS_EXAMPLES", "100"))
MESSAGE = re.compile(r"^\S.*:\d+: .+ \(.+\)$")

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئىةًٌٍَُِّْـ٠١٢٣٤٥٦٧٨٩،؛؟"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
MARKUP = "<>&\"'`*_[](){}#!|~-=:;/\\%"
EMOJI = "📚🏛️🇶🇦👩🏽‍💻"
characters = st.sampled_from(ARABIC + LATIN + BIDI + MARKUP + EMOJI + " ")
line = st.text(characters, max_size=60)
fragments = st.sampled_from([
    "", "الإفلا", "IFLA", "**عريض**", "_مائل_", "<b>x</b>", "<span lang=\"en\">x</span>",
    "<script>alert(1)</script>", "[رابط](https://www.ifla.org/)", "`<code>`", "> اقتباس",
    "- بند", "1. بند", "# عنوان", "| a | b |\n|---|---|\n| 1 | 2 |", "```\nكود\n```",
    "<img src=\"x.png\" alt=\"\">", "![صورة](x.png)", "{filename}other.md", "&amp; &lt;",
])


EVENTS = [
    {},
    {"event-start": "2025-12-07", "event-timezone": "Asia/Qatar", "event-mode": "in-person"},
    {"event-start": "2025-12-07", "event-end": "2025-12-09"},
    {"event-start": "2020-02"},
    {"event-start": "2025-12-07 18:00", "event-end": "2025-12-07 19:30", "event-timezone": "Asia/Riyadh",
     "event-mode": "online", "event-url": "https://example.org/join"},
    {"event-start": "2025-12-07", "event-status": "cancelled", "event-mode": "hybrid",
     "event-url": "https://example.org/live"},
]
FIELDS = ["Title", "Date", "Slug", "Lang", "Category", "Tags", "Organisations", "Summary",
          "Status", "event-start", "event-end", "event-location", "event-timezone", "event-mode",
          "event-url", "event-status"]


@st.composite
def articles(draw):
    """A coherent article whose free text is random; a third of the time, one
    field is replaced by random text or removed."""
    fields = {
        "Title": draw(line),
        "Date": draw(st.sampled_from(["2025-12-07", "2024-02", "2025-12-07 09:30"])),
        "Slug": draw(st.sampled_from(["x", "ifla-meeting"])),
        "Lang": draw(st.sampled_from(["ar", "en"])),
        "Category": draw(st.sampled_from(["meetings", "programmes", "cooperation"])),
        "Tags": draw(st.sampled_from(["", "ifla, qatar", "public-libraries"])),
        "Organisations": draw(st.sampled_from(["", "ifla", "ifla, qnl"])),
        "Summary": draw(line),
        "Status": draw(st.sampled_from(["published", "published", "draft", "hidden"])),
    }
    fields.update(draw(st.sampled_from(EVENTS)))
    if fields.get("event-start"):
        fields["event-location"] = draw(line)
    if draw(st.integers(0, 2)) == 0:
        broken = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()):
            fields[broken] = draw(line)
        else:
            fields.pop(broken, None)
    header = "\n".join(f"{name}: {value}" for name, value in fields.items())
    body = "\n\n".join(draw(st.lists(st.one_of(line, fragments), min_size=0, max_size=6)))
    return fields, header + "\n\n" + body + "\n"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(drawn=articles())
def test_an_article_is_published_or_refused_with_reasons(drawn, tmp_path_factory):
    fields, text = drawn
    root = tmp_path_factory.mktemp("property")
    content = root / "content"
    shutil.copytree(CONTENT / "data", content / "data")
    (content / "articles").mkdir()
    slug, lang = fields.get("Slug", "x"), fields.get("Lang", "ar")
    name = f"{slug}.{lang}.md" if re.fullmatch(r"[a-z0-9-]+", slug) and lang in ("ar", "en") else "x.ar.md"
    (content / "articles" / name).write_text(text, encoding="utf-8")
    try:
        build(str(SETTINGS), content=str(content), output=str(root / "output"))
    except BuildFailed as failure:
        lines = str(failure).splitlines()
        assert lines[0].startswith("nashra: the content check found"), str(failure)
        assert lines[1:] and all(MESSAGE.match(line) for line in lines[1:]), str(failure)
        event("refused with reasons")
        return
    event("published")
    site = BuiltSite(root / "output")
    prefix = "" if lang == "ar" else f"{lang}/"
    folder = "drafts" if fields.get("Status") == "draft" else "articles"
    page = site.page(f"{prefix}{folder}/{slug}/")
    assert page.find("html")["lang"] == lang
