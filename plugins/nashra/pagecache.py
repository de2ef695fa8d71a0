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
in the output unchanged (same size and modification time), they are kept
instead of rendered: the same bytes, the same inode and modification time, so
`rsync` and CDN uploads skip them too. When most files are kept, the build
writes only the others, and build.py moves them into the previous output (an
update in place); otherwise the kept files are hard-linked into the new folder
that replaces the output whole. The record of what
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
# The key under which the writer gives the files it kept, for verification.
REUSED_FILES = "_nashra_reused_files"
# The key under which the writer says that the kept files stay in the previous
# output, which build.py is to update in place.
IN_PLACE = "_nashra_update_in_place"
# Moving files one by one into the previous output costs about what creating
# them in a new folder does: it pays while at most this share is new.
IN_PLACE_AT_MOST = 0.5
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
        self.manifest_path = manifest_path(settings)
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

    def reusable(self, job, key):
        """Did the previous build write this job under the same key, and are
        its files still there as it wrote them?"""
        previous = self.previous_jobs.get(job.name)
        return bool(previous) and previous[0] == key and all(map(self._unchanged, previous[1]))

    def updates_in_place(self, reusable, total):
        """Whether to update the previous output in place, keeping `reusable`
        of `total` jobs. Not with a search index: Pagefind indexes one folder
        holding the whole site."""
        return bool(total) and not self.settings["SEARCH_INDEX"] and \
            total - reusable <= IN_PLACE_AT_MOST * total

    def reuse(self, job, link):
        """Keep the files the previous build wrote for a reusable job: linked
        into the new output, or left in the previous one that is to be
        updated in place."""
        previous = self.previous_jobs[job.name]
        for relative, _, _ in previous[1]:
            if link:
                self._link(relative)
            self.reused.add(relative)
        self.jobs[job.name] = previous

    def _link(self, relative):
        target = os.path.join(self.output, relative)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        os.link(os.path.join(self.previous, relative), target)

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

    def save(self, in_place):
        """Keep what this build wrote, for the next, as a record that names the
        folder it describes: the previous output when it is updated in place,
        else this build's folder. The record counts only once the build has
        succeeded (see commit_record)."""
        folder = self.previous if in_place else self.output
        manifest = {"folder": os.stat(folder).st_ino, "jobs": self.jobs}
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        with open(_pending(self.manifest_path), "wb") as stream:
            pickle.dump(manifest, stream, protocol=pickle.HIGHEST_PROTOCOL)

    def _load_manifest(self):
        try:
            with open(self.manifest_path, "rb") as stream:
                manifest = pickle.load(stream)
            if manifest["folder"] == os.stat(self.previous).st_ino:
                return manifest["jobs"]
        except (OSError, EOFError, KeyError, TypeError, pickle.UnpicklingError):
            pass
        return {}


def manifest_path(settings):
    """Where the record of what was written into this output folder lives."""
    name = hashlib.sha256(settings[FINAL_OUTPUT].encode()).hexdigest()[:16]
    return Path(settings["CACHE_PATH"]) / f"pages-{name}.pickle"


def _pending(path):
    return path.with_suffix(".pending")


def commit_record(settings):
    """The build succeeded: its record of what it wrote is the one to trust."""
    if settings.get(FINAL_OUTPUT) and settings["BUILD_CACHE"]:
        path = manifest_path(settings)
        if _pending(path).exists():
            os.replace(_pending(path), path)


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
