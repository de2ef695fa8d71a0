"""Fixtures: the real sample site built once per session, small sites built from
files a test writes, and parsed views of what a build wrote."""

import json
import shutil
import textwrap
from functools import cached_property
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nashra.build import build

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"
CONTENT = ROOT / "content"
SEEDS = Path(__file__).resolve().parent / "seeds"


class BuiltSite:
    """What a build wrote, read the way clients read it."""

    def __init__(self, output):
        self.output = Path(output)

    @cached_property
    def html_files(self):
        return sorted(path.relative_to(self.output).as_posix()
                      for path in self.output.rglob("*.html"))

    def page(self, path):
        """The parsed page at a site path ('en/' or 'articles/x/') or file."""
        file = self.file_for(path)
        assert file is not None, f"no page at {path!r}"
        return BeautifulSoup(file.read_text(encoding="utf-8"), "html5lib")

    def file_for(self, url_path):
        """The output file a site-relative URL path is served from, or None."""
        relative = url_path.split("#", 1)[0].split("?", 1)[0].lstrip("/")
        candidate = self.output / relative
        if relative == "" or relative.endswith("/"):
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def pages(self):
        for path in self.html_files:
            yield path, self.page(path)

    def text(self, path):
        return (self.output / path).read_text(encoding="utf-8")


def write_files(root, files):
    for name, text in files.items():
        path = Path(root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The real sample site, built once per test session."""
    output = tmp_path_factory.mktemp("sample") / "output"
    build(str(SETTINGS), output=str(output))
    return BuiltSite(output)


@pytest.fixture
def content_dir(tmp_path):
    """A content folder with the real registries and no articles, for tests to fill."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "data", content / "data")
    (content / "articles").mkdir()
    (content / "pages").mkdir()
    return content


@pytest.fixture
def build_site(tmp_path, content_dir):
    """Build a site from `content_dir` plus the given files and settings."""

    def build_with(files=None, **settings):
        write_files(content_dir, files or {})
        output = tmp_path / "output"
        build(str(SETTINGS), content=str(content_dir), output=str(output), overrides=settings)
        return BuiltSite(output)

    return build_with


def article(slug, lang, title, body="نص المقالة.", **fields):
    """The text of an article file, with the given header fields."""
    header = {"Title": title, "Date": "2025-12-07", "Slug": slug, "Lang": lang,
              "Category": "meetings"}
    for name, value in fields.items():
        name = name.replace("_", "-")
        header[name if name.startswith("event-") else name.capitalize()] = value
    lines = [f"{name}: {value}" for name, value in header.items() if value is not None]
    return "\n".join(lines) + "\n\n" + body + "\n"


def visible_text(element):
    return " ".join(element.get_text().split())



@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one per test process."""
    from browser import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture(scope="session")
def sample_server(sample_site):
    """The sample site over HTTP on localhost (not file://)."""
    from browser import serve

    with serve(sample_site.output) as base_url:
        yield base_url


REPORTS = ROOT / "test-artifacts"


def pytest_configure(config):
    """Start each run with empty report folders (in the controlling process only:
    xdist workers write into them)."""
    if not hasattr(config, "workerinput"):
        for folder in ("axe", "lighthouse", "screenshots"):
            shutil.rmtree(REPORTS / folder, ignore_errors=True)
        (REPORTS / "search-first-query.json").unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter):
    """The accessibility and Lighthouse figures, in the test output."""
    axe = sorted((REPORTS / "axe").glob("*.json"))
    if axe:
        terminalreporter.section("axe-core: violations left (none is serious or critical)")
        remaining = {}
        for report in axe:
            for violation in json.loads(report.read_text(encoding="utf-8")):
                remaining.setdefault((violation["impact"], violation["id"], violation["help"]),
                                     []).append(report.stem)
        terminalreporter.line(f"{len(axe)} pages audited; {len(remaining)} kinds of violation left")
        for (impact, rule, why), pages in sorted(remaining.items()):
            terminalreporter.line(f"  {impact:9} {rule}: {why} — on {len(pages)} pages, "
                                  f"e.g. {', '.join(pages[:3])}")
    search = REPORTS / "search-first-query.json"
    if search.exists():
        terminalreporter.section("Search")
        figures = json.loads(search.read_text(encoding="utf-8"))
        terminalreporter.line(f"  a first query downloads {figures['bytes']:,} bytes (scripts, "
                              f"index, fragments; uncompressed) in {len(figures['files'])} files")
    lighthouse = sorted((REPORTS / "lighthouse").glob("*.scores.json"))
    if lighthouse:
        terminalreporter.section("Lighthouse scores")
        for report in lighthouse:
            scores = json.loads(report.read_text(encoding="utf-8"))
            terminalreporter.line(f"  {report.name.removesuffix('.scores.json'):12} " + "  ".join(
                f"{name} {round(score * 100)}" for name, score in scores.items()))
