"""Building a site the safe way, for ``invoke build`` and the tests.

The site is built into a fresh directory beside the output folder, and takes
its place only when the whole build succeeded, its verification included (see
verify.py): a failed build leaves the previous site exactly as it was. Any
warning or error Pelican logs fails the build.

It takes its place in one of two ways. Usually the new folder holds the whole
site and is swapped in. When the page cache kept most files of the previous
build (see pagecache.py), the new folder holds only the files rendered again,
and they are moved into the previous output, which loses the files the site no
longer has; the files replaced or removed are set aside first, and put back if
the update fails half-way.
"""

import gc
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .convert import BODY_SPOOL
from .pagecache import FINAL_OUTPUT, IN_PLACE, REUSED_FILES, commit_record
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
    # Beside the output, not in /tmp (often memory itself): the converted
    # bodies of a build without a cache wait there for their pages.
    spool = settings[BODY_SPOOL] = tempfile.mkdtemp(prefix=os.path.basename(final) + ".bodies-",
                                                    dir=parent)
    started = time.perf_counter()
    try:
        _run_pelican(settings)
        if settings.get(IN_PLACE):
            written = _update_in_place(staging, final, settings[REUSED_FILES])
        else:
            written = len(_files_under(staging))
            _swap_into_place(staging, final)
        commit_record(settings)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(spool, ignore_errors=True)
        gc.unfreeze()  # the plugin froze the build's objects (see plugin.py)
    return BuildReport(final, time.perf_counter() - started, written)


def build_and_report(settings_file, content=None, output=None, overrides=None):
    """Build, and say how it went: the BuildReport, or None when it failed (the
    reason printed, the previous output untouched)."""
    try:
        report = build(settings_file, content=content, output=output, overrides=overrides)
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        print("The build failed; the previous output was left as it was.", file=sys.stderr)
        return None
    print(f"Built {report.written} files into {os.path.relpath(report.output)} "
          f"in {report.seconds:.2f} s.")
    return report


def main(request):
    """A build in a process of its own, as `invoke build` starts it (see tasks.py):
    `request` is JSON, build_and_report's arguments; returns the exit status."""
    report = build_and_report(**json.loads(request))
    # Left out of the interpreter's last garbage collections, which would walk
    # every object the build made only to free memory the exit frees anyway.
    gc.freeze()
    return 0 if report else 1


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


def _update_in_place(staging, final, kept):
    """Move the files in `staging` into `final`, and remove from it what is
    neither among them nor `kept`; the number of files the site now has."""
    rendered = _files_under(staging)
    stale = _files_under(final) - rendered - kept
    aside = tempfile.mkdtemp(prefix=os.path.basename(final) + ".previous-",
                             dir=os.path.dirname(final))
    done = []  # (path, whether a previous file was set aside for it)
    try:
        for relative in sorted(rendered):
            done.append((relative, _move(final, relative, aside)))
            _move(staging, relative, final)
        for relative in sorted(stale):
            done.append((relative, _move(final, relative, aside)))
    except BaseException:
        _put_back(done, rendered, staging, final, aside)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    _remove_empty_folders(final, stale)
    shutil.rmtree(staging, ignore_errors=True)
    return len(rendered | kept)


def _put_back(done, rendered, staging, final, aside):
    for relative, set_aside in reversed(done):
        if relative in rendered and os.path.lexists(os.path.join(final, relative)):
            _move(final, relative, staging)
        if set_aside:
            _move(aside, relative, final)
    _remove_empty_folders(final, rendered)


def _move(root, relative, to_root):
    """Move root/relative to to_root/relative; False if there is nothing to move."""
    source = os.path.join(root, relative)
    if not os.path.lexists(source):
        return False
    target = os.path.join(to_root, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(source, target)
    return True


def _remove_empty_folders(root, relatives):
    """Remove the folders of these paths, and their parents, that are now empty."""
    folders = {os.path.dirname(relative) for relative in relatives}
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(os.path.join(root, folder))
            except OSError:
                break  # not empty, or already gone
            folder = os.path.dirname(folder)


def _files_under(root):
    """Every file under root, as paths relative to it; as os.walk sees them
    (a link to a folder is neither followed nor a file), in half its time:
    a rebuild lists the whole output (17 against 8 ms at 250 article pairs)."""
    found = set()
    folders = [("", root)]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.is_dir():
                    found.add(prefix + entry.name)
                elif not entry.is_symlink():
                    folders.append((prefix + entry.name + os.sep, entry.path))
    return found
