"""Real clients for the browser tests: a local HTTP server over a built site, and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

import functools
import os
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def require(command, package):
    """The path of a system tool; under CI=true a missing one fails the test."""
    path = shutil.which(command)
    if path:
        return path
    missing(f"{command} is missing: `make test` installs it as root (apt-get install {package})")


def require_npm_file(path, package):
    """A file of an npm package from package-lock.json, as require() does."""
    if not path.exists():
        missing(f"{package} is not installed: `make test` runs npm ci")
    return path


def missing(message):
    """Under CI=true a missing tool fails the test; elsewhere it skips it."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory, port=0):
    """Serve a folder on localhost (a free port unless one is given); yields its
    base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    """A headless Debian Chromium, driven by Playwright."""
    executable = require("chromium", "chromium")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name):
    """Save a full-page PNG for a person to look at; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
