"""Starting the Markdown conversion before Pelican is imported.

A build's first 0.4 s (starting Python and Invoke, importing Pelican with
Jinja, docutils and rich, reading the settings) use one core while the other
waits, and the conversion, the part of a cold build that keeps every core
busy, could only start after them. It needs only a few settings and the
content's files: `start_conversion` reads those settings from the settings
file as Pelican will read it (with Pelican's and Nashra's defaults for those it
leaves out), lists and reads the files, and starts the conversion's workers,
before anything imports Pelican. This module imports none of it.

The guess is checked, never trusted: once Pelican has read the settings, the
plugin takes this conversion only if every setting it used and the list of
files are the build's (`EarlyConversion.adopt`); otherwise it stops it and
converts as it would have. A settings file that cannot be read this way
starts nothing: Pelican reads it next, and reports what is wrong with it.

The settings file is so executed twice; like Pelican's own, it should only
assign settings.
"""

import copy
import importlib.util
import logging
import os
import tempfile

from .convert import BODY_SPOOL, CONVERSION_SETTINGS, Conversion
from .defaults import DEFAULTS
from .parallel import build_processes
from .sources import markdown_files

logger = logging.getLogger(__name__)

# The defaults Pelican gives the settings read here (pelicanconf's
# DEFAULT_CONFIG; tests/test_units.py checks that they are still Pelican's).
PELICAN_DEFAULTS = {
    "PATH": os.curdir,
    "OUTPUT_PATH": "output",
    "CACHE_PATH": "cache",
    "ARTICLE_PATHS": [""],
    "PAGE_PATHS": ["pages"],
    "DEFAULT_LANG": "en",
    "MARKDOWN": {
        "extension_configs": {
            "markdown.extensions.codehilite": {"css_class": "highlight"},
            "markdown.extensions.extra": {},
            "markdown.extensions.meta": {},
        },
        "output_format": "html5",
    },
    "TYPOGRIFY_IGNORE_TAGS": [],
    "TYPOGRIFY_OMIT_FILTERS": [],
    "TYPOGRIFY_DASHES": "default",
}
# Pelican makes these absolute, relative to the settings file.
RELATIVE_TO_SETTINGS = ("PATH", "OUTPUT_PATH", "CACHE_PATH")
# Every setting the conversion reads: the build takes it only if each is the build's.
USED = (*CONVERSION_SETTINGS, "PATH", "CACHE_PATH", "ARTICLE_PATHS", "PAGE_PATHS",
        "BUILD_CACHE", "BUILD_PROCESSES", BODY_SPOOL)

# The key under which build.py gives the plugin the conversion it started.
EARLY_CONVERSION = "_nashra_early_conversion"


def overrides_for(content=None, output=None, overrides=None):
    """The settings a build overrides: its own, and the content and output folders."""
    override = dict(overrides or {})
    if content:
        override["PATH"] = os.path.abspath(content)
    if output:
        override["OUTPUT_PATH"] = os.path.abspath(output)
    return override


def place_cache(settings):
    """A relative CACHE_PATH is taken beside the output folder, not in whatever
    directory the build was started from: each site keeps its own cache."""
    parent = os.path.dirname(os.path.abspath(settings["OUTPUT_PATH"]))
    settings["CACHE_PATH"] = os.path.join(parent, settings["CACHE_PATH"])
    return settings


def new_spool(output):
    """A folder beside `output`, not in /tmp (often memory itself), where the
    converted bodies of a build without a cache wait for their pages."""
    parent = os.path.dirname(output.rstrip(os.sep)) or "."
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=os.path.basename(output) + ".bodies-", dir=parent)


class EarlyConversion:
    """A conversion started from the settings as guessed, with the folder its
    bodies are spooled to (the build's, which removes it)."""

    def __init__(self, settings, paths):
        self.used = {key: settings[key] for key in USED}
        self.paths = paths
        self.spool = settings[BODY_SPOOL]
        self.conversion = Conversion(settings, paths, settings["BUILD_CACHE"])

    def adopt(self, settings, paths):
        """This conversion, if the build's `settings` and `paths` are those it
        was started with; else None, and it is stopped."""
        if paths == self.paths and all(settings.get(key) == value
                                       for key, value in self.used.items()):
            self.conversion.settings = settings
            return self.conversion
        logger.debug("nashra: the settings or files differ from those read ahead; "
                     "the conversion starts again")
        self.close()
        return None

    def close(self):
        """Stop the workers, if the build did not take them (or ended first)."""
        self.conversion.close()


def start_conversion(settings_file, content=None, output=None, overrides=None):
    """An EarlyConversion of the content the build is about to read; None when
    there is no core to spare, or the settings file cannot be read this way."""
    try:
        settings = guess_settings(settings_file, overrides_for(content, output, overrides))
        if build_processes(settings) < 2:
            return None  # the conversion would run in the build's process: no gain
        paths = markdown_files(settings)
    except Exception:  # noqa: BLE001 - Pelican reads the file next, and says what is wrong
        logger.debug("nashra: the settings could not be read ahead", exc_info=True)
        return None
    settings[BODY_SPOOL] = new_spool(settings["OUTPUT_PATH"])
    return EarlyConversion(settings, paths)


def guess_settings(settings_file, override):
    """The settings as Pelican's read_settings and build.load_settings will
    give them, for the USED ones and the output folder."""
    values = {**_settings_in(settings_file), **override}
    base = os.path.dirname(settings_file)
    for key in RELATIVE_TO_SETTINGS:
        if key in values and values[key] is not None and not os.path.isabs(values[key]):
            values[key] = os.path.abspath(os.path.normpath(os.path.join(base, values[key])))
    for key, value in copy.deepcopy(PELICAN_DEFAULTS).items():  # as Pelican copies its own
        values.setdefault(key, value)
    for key, value in DEFAULTS.items():
        values.setdefault(key, value)
    return place_cache(values)


def _settings_in(settings_file):
    """The upper-case names the settings file assigns, as Pelican's
    get_settings_from_file reads them, without registering it as a module."""
    spec = importlib.util.spec_from_file_location(
        "_nashra_settings_" + os.path.splitext(os.path.basename(settings_file))[0], settings_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: value for name, value in vars(module).items() if name.isupper()}
