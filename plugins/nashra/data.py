"""The YAML registries under the content folder: organisations, categories, tags.

registries.py reads and validates them; a build that keeps a cache recalls a
valid reading of the same files instead (see load_registry).
"""

import os
import pickle
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from babel import Locale

from .fingerprint import code_fingerprint
from .parallel import InChild, build_processes


@dataclass(frozen=True)
class Organisation:
    slug: str
    names: dict
    abbreviations: dict = field(default_factory=dict)
    website: str = ""
    country: str = ""
    parent: str = ""
    aliases: tuple = ()
    logo: str = ""
    line: int = 0

    def name(self, lang):
        return self.names[lang]

    def abbreviation(self, lang):
        return self.abbreviations.get(lang, "")


@dataclass(frozen=True)
class Registry:
    organisations: dict
    categories: dict  # slug -> {lang: name}
    tags: dict  # slug -> {lang: name}; a language may be missing

    def category_name(self, slug, lang):
        return self.categories[slug][lang]

    def tag_name(self, slug, lang):
        return self.tags.get(slug, {}).get(lang, slug)


# The key under which a build keeps the registries it read, with the size and
# modification time of their files: the check, the editions and the
# verification all need them, and parsing YAML is slow.
REGISTRY = "_nashra_registry"
REGISTRY_FILES = ("DATA_ORGANISATIONS", "DATA_CATEGORIES", "DATA_TAGS")
# What a reading depends on besides the files' bytes.
READING_LIBRARIES = ("ruamel.yaml", "jsonschema", "babel")
READING_SETTINGS = ("I18N_LANGUAGES", "STATIC_PATHS", *REGISTRY_FILES)


def load_registry(settings):
    """Read the three registries (once per build); returns (Registry, [Problem])."""
    stamp = _stamp(settings)
    kept = settings.get(REGISTRY)
    if kept is None or kept[0] != stamp:
        kept = settings[REGISTRY] = (stamp, *_read_or_recall(settings))
    return kept[1], list(kept[2])


def _stamp(settings):
    """The registries' files as they are now: names, sizes, modification times."""
    stamp = []
    for key in REGISTRY_FILES:
        try:
            stat = os.stat(os.path.join(settings["PATH"], settings[key]))
            stamp.append((settings[key], stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamp.append((settings[key], None, None))
    return stamp


def _read_or_recall(settings):
    """(Registry, [Problem], where a valid reading is kept): the reading this
    build started ahead, if the files have not changed since; else, with
    BUILD_CACHE, a valid reading of the same files kept by an earlier build,
    recalled instead of parsing them again; else a reading of the files."""
    ahead = settings.pop(READING, None)
    if ahead is not None and ahead[0] == _stamp(settings):
        return ahead[1]()
    path = _reading_path(settings) if settings["BUILD_CACHE"] else None
    registry = _recall(path, settings) if path else None
    return _recalled(registry, path) if registry is not None else _read_now(settings, path)


def _read(settings):
    from .registries import read_registry  # noqa: PLC0415 - only when not recalled

    return read_registry(settings)


def _read_now(settings, path):
    return *_read(settings), path


def _recalled(registry, path):
    return registry, [], path


def _read_in(child, path):
    return *child.result(), path


# The key of the reading of the registries a build starts ahead (see reading_ahead).
READING = "_nashra_registry_reading"


@contextmanager
def reading_ahead(settings):
    """Start the build's reading of the registries: recalled, if a valid one
    is kept; else, with a core to spare, in a forked child, while the build
    goes on (starting the conversion), since reading them imports ruamel.yaml
    and jsonschema (and Babel's English territories), 10 MB the rest of the
    build never uses. Started before the conversion, whose workers give way to
    it (convert.WORKER_NICENESS), the child is done before they and the
    results fill memory. load_registry takes the reading within the block."""
    path = _reading_path(settings) if settings["BUILD_CACHE"] else None
    registry = _recall(path, settings) if path else None
    with ExitStack() as stack:
        if registry is not None:
            reading = partial(_recalled, registry, path)
        elif build_processes(settings) < 2:
            reading = partial(_read_now, settings, path)
        else:
            # The reading checks countries against Babel's English names of
            # territories: loaded here (the English pages need Babel's English
            # data anyway), the child shares them instead of loading a copy (5 MB).
            Locale("en").territories  # noqa: B018 - loads the data
            reading = partial(_read_in, stack.enter_context(InChild(_read, settings)), path)
        settings[READING] = (_stamp(settings), reading)
        try:
            yield
        finally:
            settings.pop(READING, None)


def keep_registry(settings):
    """Once a build's content check has passed, keep its reading of the
    registries for the next build (with BUILD_CACHE; a failed build or a bare
    check leaves no cache behind)."""
    kept = settings.get(REGISTRY)
    if kept is not None and kept[3] is not None and not kept[2] and not kept[3].exists():
        _keep(kept[3], kept[1])


def _reading_path(settings):
    """CACHE_PATH/registry-<digest of the files, the code, the libraries and the settings>."""
    key = code_fingerprint(READING_LIBRARIES)
    key.update(repr([settings[name] for name in READING_SETTINGS]).encode())
    for name in REGISTRY_FILES:
        try:
            key.update(Path(settings["PATH"], settings[name]).read_bytes())
        except OSError:
            key.update(b"\0missing")
        key.update(b"\0")
    return Path(settings["CACHE_PATH"]) / f"registry-{key.hexdigest()[:16]}"


def _recall(path, settings):
    """The registry kept at `path`, if any and if every logo it names is still
    there (the one thing its validity depends on beyond the files' bytes)."""
    try:
        with open(path, "rb") as stream:
            registry = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None  # none kept, or unreadable: read the files
    logos = [organisation.logo for organisation in registry.organisations.values()]
    if not all(os.path.isfile(os.path.join(settings["PATH"], logo)) for logo in logos if logo):
        return None
    return registry


def _keep(path, registry):
    """Keep this reading, atomically, and forget every other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    with open(partial, "wb") as stream:
        pickle.dump(registry, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
    for other in path.parent.glob("registry-*"):
        if other != path and not other.suffix:  # another build's partial file is its own
            other.unlink(missing_ok=True)
