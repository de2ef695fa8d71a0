"""Reusing the previous build's files instead of rendering them again.

Every file the writer writes is a function of two things:

- the description of the whole site: Nashra's code, the theme, the libraries,
  the settings, the day (upcoming and past events), the name of every file in
  the content folder, and every article's metadata (title, date, summary,
  event, organisations...): one *site key*;
- the text of the articles it shows in full: an article's own page, a feed.

A listing shows titles and summaries, a calendar an event's fields, the sitemap
URLs and dates: metadata, all in the site key. So each write job gets a key made
of the site key, its path and the digests of the texts it shows. Editing an
article's text changes the keys of its own page and of the feeds that carry it;
editing its title or date changes the site key, and so every key.

When the previous build wrote a job under the same key, and its files are still
in the output unchanged (same size and modification time), they are hard-linked
into the new build instead of rendered: the same bytes, the same inode and
modification time, so `rsync` and CDN uploads skip them too. The record of what
each build wrote lives in CACHE_PATH, one per output folder, and names the
folder it describes (its inode), so a replaced output folder is never trusted.
"""

import hashlib
import logging
import os
import pickle
import sys
from importlib.metadata import version
from pathlib import Path

from .agenda import build_today

logger = logging.getLogger(__name__)

# The key under which build.py gives the folder the new site will replace.
FINAL_OUTPUT = "_nashra_final_output"
# The key under which the writer gives the files it linked, for verification.
REUSED_FILES = "_nashra_reused_files"
LIBRARIES = ("pelican", "jinja2", "markupsafe", "babel", "icalendar", "feedgenerator", "markdown",
             "typogrify", "smartypants", "nh3", "pygments")
# Settings that say where and whether to build, not what: they change no page.
PLACE_SETTINGS = ("PATH", "OUTPUT_PATH", "CACHE_PATH", "BUILD_CACHE", "BUILD_PROCESSES")


class PageCache:
    def __init__(self, settings, conversions):
        self.settings = settings
        self.output = settings["OUTPUT_PATH"]
        self.previous = settings[FINAL_OUTPUT]
        self.digests = conversions.digests
        self.site_key = _site_key(settings, conversions)
        self.manifest_path = Path(settings["CACHE_PATH"]) / (
            "pages-" + hashlib.sha256(self.previous.encode()).hexdigest()[:16] + ".pickle")
        self.previous_jobs = self._load_manifest()
        self.jobs = {}
        self.reused = set()  # output-relative paths
        self._folders = set()

    @classmethod
    def open(cls, settings, conversions):
        """The page cache of this build, or None when builds keep no cache."""
        if not settings["BUILD_CACHE"] or not settings.get(FINAL_OUTPUT):
            return None
        return cls(settings, conversions)

    def key(self, job):
        parts = [self.site_key, job.name]
        parts += [self.digests.get(os.path.abspath(content.source_path), "?") for content in job.bodies]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def reuse(self, job, key):
        """Link the files the previous build wrote for this job under the same
        key into the new output; False (nothing linked) if it cannot."""
        previous = self.previous_jobs.get(job.name)
        if not previous or previous[0] != key or not all(map(self._unchanged, previous[1])):
            return False
        for relative, _, _ in previous[1]:
            target = os.path.join(self.output, relative)
            folder = os.path.dirname(target)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            os.link(os.path.join(self.previous, relative), target)
            self.reused.add(relative)
        self.jobs[job.name] = previous
        return True

    def _unchanged(self, entry):
        relative, size, mtime = entry
        try:
            stat = os.stat(os.path.join(self.previous, relative))
        except OSError:
            return False
        return stat.st_size == size and stat.st_mtime_ns == mtime

    def record(self, job, key, paths):
        entries = []
        for path in paths:
            stat = os.stat(path)
            prefix = self.output + os.sep
            relative = path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, self.output)
            entries.append((relative, stat.st_size, stat.st_mtime_ns))
        self.jobs[job.name] = (key, entries)

    def save(self):
        """Keep what this build wrote, for the next; the record names this
        build's folder, which becomes the output only if the build succeeds."""
        manifest = {"folder": os.stat(self.output).st_ino, "jobs": self.jobs}
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.manifest_path.with_suffix(".partial")
        with open(partial, "wb") as stream:
            pickle.dump(manifest, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, self.manifest_path)

    def _load_manifest(self):
        try:
            with open(self.manifest_path, "rb") as stream:
                manifest = pickle.load(stream)
            if manifest["folder"] == os.stat(self.previous).st_ino:
                return manifest["jobs"]
        except (OSError, EOFError, KeyError, TypeError, pickle.UnpicklingError):
            pass
        return {}


def _site_key(settings, conversions):
    """A digest of everything every page depends on but the articles' texts."""
    key = hashlib.sha256()
    for folder in (Path(__file__).parent, Path(settings["THEME"])):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                key.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    key.update(repr([sys.version, *(f"{name}={version(name)}" for name in LIBRARIES)]).encode())
    chosen = {name: value for name, value in settings.items()
              if name not in PLACE_SETTINGS and not name.startswith("_")}
    key.update(stable(chosen).encode())
    key.update(build_today(settings).isoformat().encode())
    key.update(_content_description(settings, conversions).encode())
    return key.hexdigest()


def _content_description(settings, conversions):
    """Every file in the content folder: Markdown files by their metadata (see
    convert.metadata_digest), others by name, size and modification time."""
    root = settings["PATH"]
    by_date_of_file = settings.get("DEFAULT_DATE") == "fs"
    parts = [conversions.metadata]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if by_date_of_file or os.path.abspath(path) not in conversions.digests:
                stat = os.stat(path)
                parts.append(f"{os.path.relpath(path, root)} {stat.st_size} {stat.st_mtime_ns}")
    return "\n".join(parts)


def stable(value):
    """A text for a settings value that is the same from one run to the next
    (functions by name, not by address)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable(k)}: {stable(v)}" for k, v in
                               sorted(value.items(), key=lambda item: repr(item[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(stable, value)) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(stable, value))) + "}"
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text
