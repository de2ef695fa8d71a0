"""Every page template, in both languages, at a phone's and a desktop's width, in
headless Debian Chromium: accessibility (axe-core), console and network, layout
in each direction, focus, and a screenshot. Lighthouse on the Arabic home page
and an Arabic article.

The site is built as it is published — with an absolute SITEURL, here the local
server's origin — and served over HTTP, never from file://.
"""

import json
import os
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import ARTIFACTS, require, require_npm_file, screenshot, serve

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = ARTIFACTS.parent
TEMPLATES = {
    "home": "",
    "home-page-2": "page/2/",
    "article": "articles/ifla-regional-offices-meeting-doha/",
    "about": "about/",
    "category": "category/meetings/",
    "tag": "tag/ifla/",
    "tags": "tags/",
    "archives": "archives/",
    "events": "events/",
    "events-year": "events/2025/",
    "events-month": "events/2025/12/",
    "organisations": "organisations/",
    "organisation": "organisations/ifla/",
    "search": "search/",
}
PAGES = [(template, lang, width) for template in TEMPLATES for lang in ("ar", "en")
         for width in (360, 1280)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """The sample site built as for production, at the origin it is served from,
    with two articles a page (so that listings paginate) and a fixed today."""
    from conftest import SETTINGS
    from nashra.build import build

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    output = tmp_path_factory.mktemp("published") / "output"
    build(str(SETTINGS), output=str(output),
          overrides={"SITEURL": origin, "FEED_DOMAIN": origin, "DEFAULT_PAGINATION": 2,
                     "EVENTS_TODAY": "2025-12-08"})
    with serve(output, port=port) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def axe_source():
    require("node", "nodejs")
    return require_npm_file(AXE, "axe-core").read_text(encoding="utf-8")


class Watch:
    """What a page did over the network and in the console."""

    def __init__(self, page, origin):
        self.origin = origin
        self.console_errors, self.failed, self.foreign = [], [], []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: self.failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
        page.on("request", self._request)

    def _request(self, request):
        if urlsplit(request.url).netloc != urlsplit(self.origin).netloc:
            self.foreign.append(request.url)


def audit(page, axe_source):
    """axe-core's violations on the page. Injected through the DevTools protocol,
    which the page's Content-Security-Policy does not apply to."""
    page.evaluate(axe_source + "; undefined")
    return page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]


def record_axe(name, violations):
    folder = REPORTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    summary = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"])}
               for v in violations]
    (folder / f"{name}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")


@pytest.mark.parametrize("template,lang,width", PAGES)
def test_page_in_chromium(browser, published_site, axe_source, template, lang, width):
    name = f"{lang}-{template}-{width}"
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = Watch(page, published_site)
    try:
        page.goto(published_site + ("" if lang == "ar" else "en/") + TEMPLATES[template])
        page.wait_for_load_state("load")
        violations = audit(page, axe_source)
        record_axe(name, violations)
        serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert serious == []
        assert (watch.console_errors, watch.failed, watch.foreign) == ([], [], [])
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scrolling"
        check_direction(page, lang, template)
        if width == 1280:
            check_focus_is_visible_on_every_link(page)
        screenshot(page, name)
    finally:
        page.close()


def rect(page, selector):
    return page.locator(selector).first.bounding_box()


def check_direction(page, lang, template):
    rtl = lang == "ar"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == ("rtl" if rtl else "ltr")
    # The heading's text starts at the start edge of its block: the right in Arabic.
    text, block = page.evaluate("""() => {
        const h1 = document.querySelector('main h1');
        const range = document.createRange();
        range.selectNodeContents(h1);
        const t = range.getBoundingClientRect(), b = h1.getBoundingClientRect();
        return [[t.left, t.right], [b.left, b.right]];
    }""")
    if rtl:
        assert abs(text[1] - block[1]) < 2, "the heading does not start on the right"
    else:
        assert abs(text[0] - block[0]) < 2, "the heading does not start on the left"
    name, switcher = rect(page, ".site-name"), rect(page, ".language-switcher a")
    assert (name["x"] > switcher["x"]) == rtl, "the site name and the language switcher"
    if template == "home-page-2":
        newer, older = rect(page, ".pagination a[rel=prev]"), rect(page, ".pagination a[rel=next]")
        assert (newer["x"] > older["x"]) == rtl, "pagination does not follow the direction"
    if template == "events-month":
        first, last = rect(page, ".month-grid th:first-child"), rect(page, ".month-grid th:last-child")
        assert (first["x"] > last["x"]) == rtl, "the month grid does not follow the direction"


def check_focus_is_visible_on_every_link(page):
    """Tab through the page: every visible link gets focus, each with a visible
    focus ring."""
    links = page.evaluate("""() => {
        const links = [...document.querySelectorAll('a[href]')].filter(a => a.getClientRects().length);
        links.forEach((a, index) => { a.dataset.linkIndex = index; });
        return links.length;
    }""")
    stops = page.evaluate("document.querySelectorAll('a[href], input, select, textarea, button').length")
    focused, invisible = set(), []
    for _ in range(stops + 5):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const a = document.activeElement;
            if (!a || a.dataset.linkIndex === undefined) return null;
            const s = getComputedStyle(a);
            const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                         || s.boxShadow !== 'none';
            return [Number(a.dataset.linkIndex), ring, a.textContent.trim()];
        }""")
        if state:
            focused.add(state[0])
            if not state[1]:
                invisible.append(state[2])
    assert invisible == []
    assert focused == set(range(links)), "some links cannot be reached with Tab"


# -- Lighthouse -----------------------------------------------------------------

@pytest.mark.parametrize("name,path", [("home", ""),
                                       ("article", "articles/ifla-regional-offices-meeting-doha/")])
def test_lighthouse_scores_on_arabic_pages(published_site, name, path):
    node = require("node", "nodejs")
    chromium = require("chromium", "chromium")
    if not LIGHTHOUSE.exists():
        message = "Lighthouse is not installed: `make test` runs npm ci"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    report_path = REPORTS / "lighthouse" / f"ar-{name}.json"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    flags = " ".join(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                      "--no-first-run", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"])
    subprocess.run([node, str(LIGHTHOUSE), published_site + path, "--quiet", "--output=json",
                    f"--output-path={report_path}", f"--chrome-flags={flags}",
                    "--only-categories=performance,accessibility,best-practices,seo"],
                   check=True, env=dict(os.environ, CHROME_PATH=chromium), timeout=300)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    scores = {key: category["score"] for key, category in report["categories"].items()}
    (REPORTS / "lighthouse" / f"ar-{name}.scores.json").write_text(json.dumps(scores), encoding="utf-8")
    assert scores["accessibility"] >= 0.95 and scores["seo"] >= 0.95, scores



def test_the_accessibility_audit_can_fail(browser, axe_source, tmp_path):
    """Control for the audits above: axe does report what it should."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html><head><title>x</title></head><body>'
        '<img src="x.png"><a href="/"></a><p style="color:#eee;background:#fff">faint</p>'
        "</body></html>", encoding="utf-8")
    with serve(tmp_path) as base_url:
        page = browser.new_page()
        page.goto(base_url + "bad.html")
        found = {violation["id"] for violation in audit(page, axe_source)}
        page.close()
    assert {"html-has-lang", "image-alt", "link-name", "color-contrast"} <= found
