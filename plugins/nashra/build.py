"""Building a site the safe way, for ``invoke build`` and the tests.

The site is built into a fresh directory beside the output folder, and swapped
into place only when the whole build succeeded, its verification included
(see verify.py): a failed build leaves the previous site exactly as it was. Any
warning or error Pelican logs fails the build.
"""

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .pagecache import FINAL_OUTPUT
from .problems import ContentProblems
from .search import SearchIndexFailed
from .settings import SettingsError
from .verify import OutputIncomplete


class BuildFailed(Exception):
    """The build stopped; the message says why, and the previous output is intact."""


@dataclass(frozen=True)
class BuildReport:
    output: str
    seconds: float
    written: int


def load_settings(settings_file, content=None, output=None, overrides=None):
    override = dict(overrides or {})
    if content:
        override["PATH"] = os.path.abspath(content)
    if output:
        override["OUTPUT_PATH"] = os.path.abspath(output)
    settings = read_settings(settings_file, override=override)
    # A relative CACHE_PATH is taken beside the output folder, not in whatever
    # directory the build was started from: each site keeps its own cache.
    parent = os.path.dirname(os.path.abspath(settings["OUTPUT_PATH"]))
    settings["CACHE_PATH"] = os.path.join(parent, settings["CACHE_PATH"])
    return settings


def build(settings_file, content=None, output=None, overrides=None):
    """Build the site; raises BuildFailed, leaving the previous output untouched."""
    settings = load_settings(settings_file, content, output, overrides)
    final = settings["OUTPUT_PATH"]
    parent = os.path.dirname(final.rstrip(os.sep)) or "."
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=os.path.basename(final) + ".building-", dir=parent)
    settings["OUTPUT_PATH"] = staging
    settings[FINAL_OUTPUT] = final
    started = time.perf_counter()
    try:
        _run_pelican(settings)
        written = sum(len(files) for _, _, files in os.walk(staging))
        _swap_into_place(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(final, time.perf_counter() - started, written)


def _run_pelican(settings):
    init_logging(level=logging.WARNING, fatal="warnings")
    try:
        Pelican(settings).run()
    except (ContentProblems, SettingsError, OutputIncomplete, SearchIndexFailed) as error:
        raise BuildFailed(str(error)) from None
    except RuntimeError as error:
        # Pelican's fatal logger: the warning or error was printed just above.
        raise BuildFailed(f"nashra: the build stopped on the message above ({error})") from None


def _swap_into_place(staging, final):
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is meant to be read
    previous = None
    if os.path.exists(final):
        previous = tempfile.mkdtemp(prefix=os.path.basename(final) + ".previous-",
                                    dir=os.path.dirname(final))
        os.rmdir(previous)
        os.rename(final, previous)
    os.rename(staging, final)
    if previous:
        shutil.rmtree(previous, ignore_errors=True)
