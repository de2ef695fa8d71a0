"""Every HTML page of the sample site and of a site with the rarer page variants,
and the stylesheet, pass the Nu HTML Checker (vnu), the current release from
npm's vnu-jar (older jars reject CSP Level 3's 'wasm-unsafe-eval' and CSS
logical properties, which browsers accept)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import require, require_npm_file
from conftest import ROOT, article

JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require_java():
    require("java", "default-jre-headless")
    require_npm_file(JAR, "vnu-jar")


def vnu(*roots):
    """vnu's messages on every HTML, CSS and SVG file under the roots (named one by
    one, so that vnu cannot skip any)."""
    require_java()
    files = sorted(str(path) for root in roots for pattern in ("*.html", "*.css", "*.svg")
                   for path in Path(root).rglob(pattern))
    assert files
    result = subprocess.run(["java", "-jar", str(JAR), "--format", "json", "--also-check-css",
                             "--also-check-svg", *files], capture_output=True, text=True, timeout=600)
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
