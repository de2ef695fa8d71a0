"""Converting Markdown: the costly part of reading (Markdown, sanitising, script
isolation, typography), done for every file before Pelican reads it, in
parallel processes, and kept in a cache keyed by the file's content.

A conversion is a pure function of the file's bytes, Nashra's code, the
versions of the libraries that convert, and the settings that matter; the
cache lives under CACHE_PATH in a folder named after all but the bytes, so a
change to any of them can never serve a stale conversion.

Once Pelican has read every file, the build lets go of the converted bodies,
and each page loads its own back when it is rendered, from the cache or, in a
build without one, from a spool the workers write them to as they convert (see
Bodies). The build's memory then grows with the articles' metadata, not with
their text.
"""

import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import pickle
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from markdown import Markdown

from .fingerprint import code_fingerprint, forget_other_versions
from .parallel import build_processes
from .plaintext import PlainTextShortcut
from .text import Typographer, isolate_other_script, plain_text_to_html, sanitise

# Settings that change what a conversion produces.
CONVERSION_SETTINGS = ("MARKDOWN", "DEFAULT_LANG", "TYPOGRIFY_LANGUAGES", "TYPOGRIFY_IGNORE_TAGS",
                       "TYPOGRIFY_OMIT_FILTERS", "TYPOGRIFY_DASHES", "SAFE_RAW_HTML")
LIBRARIES = ("markdown", "typogrify", "smartypants", "nh3", "pygments", "pelican")
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 32
# Workers step back for the build's other processes. While they start, the
# registries' child (see data.reading_ahead) and the content check run too,
# four processes on two cores: ahead of the workers, the child is done and
# gone (with 14 MB of its own) before the workers' and the build's memory
# grows, instead of holding it at the phase's fullest (84 against 81 MB at
# 250 pairs, the same time). On an otherwise idle machine the workers still
# get every core the others leave.
WORKER_NICENESS = 10


# The key under which the build keeps this run's Conversions in the settings
# (the one object the check, the readers and the writer can all reach).
CONVERSIONS = "_nashra_conversions"


# The key under which build.py gives a build without a cache the folder where
# the converted bodies wait for the rendering (see Spool); it removes the
# folder when the build ends.
BODY_SPOOL = "_nashra_body_spool"


@dataclass(frozen=True)
class Conversions:
    by_digest: dict  # sha256 of a file's bytes -> Converted
    digests: dict  # absolute path -> sha256 of its bytes, as the build found it
    metadata: str = ""  # a digest of every file's path and metadata (see pagecache.py)
    # Where every body can be loaded back from (None: nowhere, they stay in
    # memory); where they are kept changes nothing in what they are.
    bodies: object = field(default=None, compare=False)

    def let_bodies_wait(self, contents):
        """Let go of the body of each of `contents` that is its conversion's,
        as Pelican read it: it is loaded back each time the content is shown.
        Pelican calls a content's `_get_content`, if it has one, for its body."""
        if self.bodies is None:
            return
        for content in contents:
            key = self.digests.get(os.path.abspath(content.source_path))
            converted = self.by_digest.get(key)
            if converted is not None and _read_as_converted(content, converted):
                content._content = ""
                content._get_content = self.bodies.loader(key)


def _read_as_converted(content, converted):
    """Whether the body Pelican read is still the conversion's: the same
    object, or, for a spooled conversion that came without its body (see
    _convert_and_spool), the same empty text (not left to CPython's one
    empty string)."""
    return content._content is converted.content or content._content == converted.content == ""


class Bodies:
    """Where each converted body can be loaded back from, by the digest of the
    file it was converted from: a cold build's spool (see Spool), or the
    conversion cache, whose files each hold their conversion whole."""

    def __init__(self, cache, spooled):
        self.cache = cache
        self.spooled = spooled  # digest -> (path, offset, length) in the spool

    def loader(self, key):
        if key in self.spooled:
            return partial(_read_spooled, *self.spooled[key])
        return partial(_read_kept_body, self.cache / key)


def _read_spooled(path, offset, length):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        return os.pread(descriptor, length, offset).decode("utf-8")
    finally:
        os.close(descriptor)


def _read_kept_body(path):
    with open(path, "rb") as stream:
        return pickle.load(stream).content


class Spool:
    """The bodies of a build without a cache, appended to one file per process
    that converts, in build.py's spool folder: a file of their own each
    would cost more than converting them (creating a file is a quarter of a
    millisecond on some disks). Each worker opens its own file, the first
    time it writes."""

    def __init__(self, folder):
        self.folder = folder
        self._owner = self._descriptor = self._path = None
        self._offset = 0

    def put(self, body):
        """Append `body`; returns where it is: (path, offset, length)."""
        if self._owner != os.getpid():  # first use here (a worker starts with its parent's)
            self._owner, self._offset = os.getpid(), 0
            self._path = os.path.join(self.folder, f"{self._owner}.bodies")
            self._descriptor = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        data = memoryview(body.encode("utf-8"))
        where = (self._path, self._offset, len(data))
        while data:  # unbuffered, since a worker ends without flushing anything
            data = data[os.write(self._descriptor, data):]
        self._offset += where[2]
        return where

    def close(self):
        if self._descriptor is not None and self._owner == os.getpid():
            os.close(self._descriptor)
        self._owner = self._descriptor = None


@dataclass(frozen=True)
class Converted:
    content: str
    meta: dict  # the header as Python-Markdown's meta extension reads it: name -> lines
    title: str  # HTML, escaped and typeset ('' if none)
    summary: str


class Converter:
    def __init__(self, settings):
        self.settings = settings
        self.typographer = Typographer(settings)
        options = markdown_options(settings)
        # One instance, reset per file; the shortcut changes nothing but the time.
        self.markdown = Markdown(**{**options, "extensions": [*options["extensions"],
                                                              PlainTextShortcut()]})
        self._intrasite_link = re.compile(settings["INTRASITE_LINK_REGEX"])

    def links_static_files(self, html):
        """Whether a body may link to a static file ({static} or {attach}):
        Pelican looks for those links in each body when it reads the file.
        Its own test also asks for the link to be in an attribute; this one
        may say yes where Pelican finds nothing, never the reverse."""
        return any(match.group("what") in ("static", "attach")
                   for match in self._intrasite_link.finditer(html))

    def convert(self, data):
        text = data.decode("utf-8-sig")
        self.markdown.reset()
        html = self.markdown.convert(text)
        meta = dict(getattr(self.markdown, "Meta", {}))
        lang = (meta.get("lang") or [self.settings["DEFAULT_LANG"]])[0].strip()
        content = self.typographer(isolate_other_script(sanitise(html), lang), lang)
        title, summary = (self._plain(meta, name, lang) for name in ("title", "summary"))
        return Converted(content, meta, title, summary)

    def _plain(self, meta, name, lang):
        text = " ".join(meta.get(name, [])).strip()
        return str(self.typographer(plain_text_to_html(text, lang), lang)) if text else ""


def markdown_options(settings):
    """MARKDOWN as Pelican's reader uses it: every configured extension on, and
    meta (without mutating the settings, as Pelican's reader does)."""
    options = dict(settings["MARKDOWN"])
    configs = options.get("extension_configs", {})
    named = [*options.get("extensions", []), *configs, "markdown.extensions.meta"]
    return {**options, "extension_configs": configs, "extensions": list(dict.fromkeys(named))}


def digest(data):
    return hashlib.sha256(data).hexdigest()


class Conversion:
    """Converting files, started at once in worker processes, so that the
    build can go on (checking the content) while they work; `result()` waits
    for them. As a context manager, it stops them if the build stops first."""

    def __init__(self, settings, paths, use_cache=True):
        self.settings = settings
        self.contents, self.digests, self.missing = {}, {}, []
        self.cache = _cache_folder(settings) if use_cache else None
        spool_folder = None if self.cache else settings.get(BODY_SPOOL)
        self.spool, self.spooled = Spool(spool_folder) if spool_folder else None, {}
        kept = _kept_keys(self.cache)
        # Every file is read before this returns (the check reads them from
        # here), but the workers start on the first ones while the rest are read.
        self._pool, self._results = _start(settings, self._to_convert(paths, kept), self.spool)
        self.converted = _load(self.cache, [key for key in self.contents if key in kept])

    def _to_convert(self, paths, kept):
        """Read every file, and yield the bytes of each one to convert (neither
        in the cache nor the same as one before it), as they are read."""
        for path in paths:
            try:
                with open(path, "rb") as stream:
                    data = stream.read()
            except OSError:
                continue  # the content check says which file and why
            self.digests[os.path.abspath(path)] = key = digest(data)
            if key not in self.contents and key not in kept:
                self.missing.append(key)
                yield data
            self.contents[key] = data

    def data(self, path):
        """The bytes of `path` as read for conversion; None if it could not be read."""
        key = self.digests.get(os.path.abspath(path))
        return self.contents[key] if key else None

    def result(self):
        """The Conversions of every file, converting only what the cache did
        not hold."""
        for key, (converted, where) in zip(self.missing, self._results):
            self._keep(key, converted, where)
        self._stop()
        # A kept conversion that could not be loaded (a damaged file) is made again.
        spoilt = [key for key in self.contents if key not in self.converted]
        if spoilt:
            convert = partial(_convert_and_spool, Converter(self.settings), self.spool)
            for key in spoilt:
                self._keep(key, *convert(self.contents[key]))
        if self.cache:
            _store(self.cache, {key: self.converted[key] for key in [*self.missing, *spoilt]},
                   keep=set(self.contents))
        bodies = Bodies(self.cache, self.spooled) if self.cache or self.spool else None
        return Conversions(self.converted, self.digests,
                           metadata_digest(self.settings["PATH"], self.digests, self.converted),
                           bodies)

    def _keep(self, key, converted, where):
        self.converted[key] = converted
        if where is not None:
            path, offset, length = where
            # One string per spool file, not one per body (unpickled apart).
            self.spooled[key] = (sys.intern(path), offset, length)

    def _stop(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self.spool:
            self.spool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self._stop()


def metadata_digest(root, digests, converted):
    """What every page may show of the files: their paths and metadata; and
    the whole text of those whose summary is derived from it."""
    key = hashlib.sha256()
    for path, file_digest in sorted(digests.items()):
        conversion = converted[file_digest]
        derived = "" if "summary" in conversion.meta else file_digest
        key.update(repr((os.path.relpath(path, root), sorted(conversion.meta.items()),
                         conversion.title, conversion.summary, derived)).encode())
    return key.hexdigest()


def _start(settings, datas, spool):
    """(pool, results): the conversions of `datas` (an iterator, consumed before
    this returns), in order, each with where its body went in `spool` (None
    without one), from worker processes that start on the first ones while
    the others are still coming; or, when workers would not pay, from a
    generator that converts in this process as it is read (pool None)."""
    first = list(itertools.islice(datas, PARALLEL_FROM))
    if not first:
        return None, iter(())  # all from the cache: no converter to make
    processes = build_processes(settings)
    converter = Converter(settings)
    if len(first) < PARALLEL_FROM or processes < 2:
        datas = [*first, *datas]
        return None, map(partial(_convert_and_spool, converter, spool), datas)
    # fork: the workers inherit the converter, made once here, instead of each
    # making its own (importing Markdown's extensions and typogrify into
    # memory of its own). They are forked at the first chunk submitted.
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(converter, spool))
    return pool, pool.map(_convert_in_worker, itertools.chain(first, datas), chunksize=16)


def _convert_and_spool(converter, spool, data):
    """(Converted, where its body is in `spool` or None). A spooled body comes
    back only if Pelican needs it to read the file (see links_static_files):
    the others are loaded from the spool when their pages are rendered, and
    the build's process does not hold them all meanwhile (the peak of a cold
    build of 4,000 pairs came while it did, at the end of the conversion)."""
    converted = converter.convert(data)
    if not spool:
        return converted, None
    where = spool.put(converted.content)
    if not converter.links_static_files(converted.content):
        converted = replace(converted, content="")
    return converted, where


# Each worker process converts with its own copy of the parent's Converter,
# and spools to a file of its own.
_worker_convert = None


def _start_worker(converter, spool):
    global _worker_convert  # noqa: PLW0603 - one per worker process, never in the parent
    _worker_convert = partial(_convert_and_spool, converter, spool)
    os.nice(WORKER_NICENESS)
    # What the worker inherited is never garbage: left out of its collections,
    # it is neither walked (nor so copied) while converting nor at exit.
    gc.freeze()


def _convert_in_worker(data):
    return _worker_convert(data)


def _cache_folder(settings):
    """CACHE_PATH/converted-<version>: one version per code, libraries and settings."""
    fingerprint = code_fingerprint(LIBRARIES)
    chosen = [repr(settings.get(key)) for key in CONVERSION_SETTINGS if key != "MARKDOWN"]
    fingerprint.update(json.dumps([repr(markdown_options(settings)), *chosen]).encode())
    return Path(settings["CACHE_PATH"]) / f"converted-{fingerprint.hexdigest()[:16]}"


def _kept_keys(folder):
    """The names of the conversions kept in `folder` (none without a cache)."""
    try:
        return frozenset(os.listdir(folder)) if folder else frozenset()
    except OSError:
        return frozenset()


def _load(folder, keys):
    found = {}
    for key in keys:
        try:
            with open(folder / key, "rb") as stream:
                found[key] = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError):
            continue
    return found


def _store(folder, new, keep):
    """Write the new conversions; forget those of files that are gone, and every
    older version of the cache."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, converted in new.items():
        with open(folder / key, "wb") as stream:
            pickle.dump(converted, stream, protocol=pickle.HIGHEST_PROTOCOL)
    for entry in folder.iterdir():
        if entry.name not in keep:
            entry.unlink()
    forget_other_versions(folder)
