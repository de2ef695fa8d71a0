"""The corpus of broken inputs (tests/corpus/<case>/): each builds from the real
registries plus the case's files, and either fails with exactly the messages in
its expected.txt (`{content}` is the content folder), or, where the input is
legitimate, builds the article correctly."""

import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, SETTINGS, BuiltSite, visible_text
from nashra.build import BuildFailed, build

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())


def build_case(case, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "data", content / "data")
    (content / "articles").mkdir()
    (content / "pages").mkdir()
    for file in (CORPUS / case).rglob("*"):
        if file.is_file() and file.name != "expected.txt":
            target = content / file.relative_to(CORPUS / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    output = tmp_path / "output"
    build(str(SETTINGS), content=str(content), output=str(output))
    return content, BuiltSite(output)


def test_the_corpus_is_large_enough():
    failing = [case for case in CASES
               if (CORPUS / case / "expected.txt").read_text(encoding="utf-8").strip() != "builds"]
    assert len(CASES) >= 30 and len(failing) >= 30


@pytest.mark.parametrize("case", CASES)
def test_each_input_fails_with_its_message_or_builds(case, tmp_path):
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").strip()
    content = tmp_path / "content"
    if expected == "builds":
        _, site = build_case(case, tmp_path)
        LEGITIMATE[case](site)
        return
    with pytest.raises(BuildFailed) as failure:
        build_case(case, tmp_path)
    lines = str(failure.value).splitlines()
    assert lines[0].startswith("nashra: the content check found 1 problem")
    assert "\n".join(lines[1:]) == expected.replace("{content}", str(content))
    assert not (tmp_path / "output").exists()


def _title_and_paragraphs(site):
    page = site.page("articles/x/")
    return (visible_text(page.find("h1")),
            [p.get_text() for p in page.find("div", class_="article-body").find_all("p")])


def _allowed_html(site):
    body = site.page("articles/x/").find("div", class_="article-body")
    assert body.find("figure").find("figcaption").get_text() == "شرح"
    assert body.find("blockquote")["lang"] == "en"
    assert body.find("font") is None and "text" in body.get_text()  # the tag goes, the text stays


def _code_is_text(site):
    body = site.page("articles/x/").find("div", class_="article-body")
    assert body.find("script") is None and body.find("iframe") is None
    assert [code.get_text() for code in body.find_all("code")] == [
        "<script>alert(1)</script>", '<iframe src="x"></iframe>\n']


def _bom(site):
    assert _title_and_paragraphs(site) == ("لقاء المكتبات", ["نص المقالة."])


def _crlf(site):
    assert _title_and_paragraphs(site) == ("لقاء المكتبات", ["سطر.", "سطر آخر."])


LEGITIMATE = {
    "44-a-byte-order-mark": _bom,
    "45-crlf-line-endings": _crlf,
    "46-raw-html-that-is-allowed": _allowed_html,
    "47-html-in-code-is-text": _code_is_text,
}
