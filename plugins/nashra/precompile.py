"""Compiling the theme's templates in a helper process, while the build reads.

Between the conversion and the writing, the build runs in one process (Pelican
reads every file and Nashra builds its model) and the other core is idle. A
build with no compiled templates kept from an earlier one (a cold build, or the
first after a change of theme, Jinja or Nashra) would otherwise compile each
template when it first writes a page with it: some in that one process, the
rest twice, once in each writing process.

The helper is forked from the build with its Jinja environment as it is, so it
compiles exactly what the build would; it sends each template's code back
through a pipe, as Jinja's bytecode cache stores it (the source's checksum
included, so that code compiled from another source is never used). The build
takes what has arrived whenever it needs a template, and compiles itself what
has not: it never waits for the helper.
"""

import fcntl
import logging
import multiprocessing
import os
import signal
import weakref
from pathlib import Path

from jinja2 import BytecodeCache

logger = logging.getLogger(__name__)

# The templates that every page needs, compiled first.
FIRST = ("base.html", "macros.html")


class SharedCompilation(BytecodeCache):
    """A bytecode cache for one build: the code the helper compiled, then the
    cache kept between builds (`kept`, a Jinja BytecodeCache, or None). Only
    the build's processes write to `kept`, each template as it first uses it."""

    def __init__(self, kept=None):
        self.kept = kept
        self.received = {}  # bucket key -> bytecode, as Jinja's buckets write it
        self._helper = None
        self._sender = None  # in the helper: where its code goes

    def start(self, environment, folders):
        """Make this `environment`'s bytecode cache, and fork the helper: it
        compiles every template in `folders` (the theme's, and those that
        override it) with that environment."""
        environment.bytecode_cache = self
        names = theme_templates(folders)
        if not names:
            return
        receiving, sending = multiprocessing.Pipe(duplex=False)
        _widen(sending)
        pid = os.fork()
        if pid == 0:  # the helper: never returns
            receiving.close()
            _compile_and_exit(self, environment, names, sending)
        sending.close()
        self._helper = _Helper(pid, receiving)
        # If the build ends before the helper does, it is stopped once the
        # build lets go of this cache (or at exit).
        weakref.finalize(self, self._helper.end, True)

    def load_bytecode(self, bucket):
        self._receive()
        code = self.received.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
            if bucket.code is not None and self.kept is not None:
                # Kept here, not by the helper: the build may stop it between
                # sending a template's code and keeping it, and the next build
                # would then compile that template again.
                self.kept.dump_bytecode(bucket)
        if bucket.code is None and self.kept is not None:
            self.kept.load_bytecode(bucket)

    def dump_bytecode(self, bucket):
        if self._sender is not None:  # in the helper: the build keeps what it uses
            self._sender.send((bucket.key, bucket.bytecode_to_string()))
        elif self.kept is not None:
            self.kept.dump_bytecode(bucket)

    def clear(self):
        self.received.clear()
        if self.kept is not None:
            self.kept.clear()

    def stop(self):
        """Take what the helper has sent, and stop it if it is still compiling:
        the writing processes fork next, and it would hold memory beside them
        (the pages of the build's memory it wrote to, copied: about 20 MB)."""
        self._receive()
        if self._helper is not None and self._helper.is_mine():
            logger.debug("nashra: the template helper was still compiling; stopped")
            self._helper.end(kill=True)

    def wait(self):
        """Take everything the helper sends, until it is done."""
        self._receive(wait=True)

    def _receive(self, wait=False):
        """Take what the helper has sent so far (and, if `wait`, until it is
        done). Only the process that forked it reads the pipe: the writing
        processes forked later share it, and two readers would split its
        messages."""
        helper = self._helper
        if helper is None or not helper.is_mine() or helper.ended:
            return
        try:
            while helper.connection.poll(None if wait else 0):
                key, code = helper.connection.recv()
                self.received[key] = code
        except (EOFError, OSError):  # the helper is done
            helper.end()


class _Helper:
    """The helper process, and the pipe from it: ended (and reaped) once."""

    def __init__(self, pid, connection):
        self.pid, self.connection = pid, connection
        self.parent = os.getpid()
        self.ended = False

    def is_mine(self):
        """Whether this process forked the helper (not a writing process forked later)."""
        return os.getpid() == self.parent

    def end(self, kill=False):
        if self.ended or not self.is_mine():
            return
        self.ended = True
        self.connection.close()
        if kill:  # not reaped yet, so the pid is still the helper's
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def theme_templates(folders):
    """The names of the templates in `folders`, those every page needs first."""
    names = {path.relative_to(root).as_posix()
             for root in map(Path, folders) if root.is_dir()
             for path in root.rglob("*") if path.is_file()}
    return sorted(names, key=lambda name: (name not in FIRST, name))


def _widen(connection):
    """Make the pipe hold every template's code (a theme's compile to a few
    hundred kilobytes), so that the helper never waits for the build to read:
    Linux's default of 64 KiB would stop it at the third template."""
    try:
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (AttributeError, OSError):
        pass  # not Linux, or over the system's limit: the helper waits, no more


def _compile_and_exit(cache, environment, names, connection):
    status = 1
    try:
        cache._sender = connection
        for name in names:
            try:
                environment.get_template(name)
            except Exception:  # noqa: BLE001 - the build compiles it again, and reports
                logger.debug("nashra: the template %s did not compile ahead", name)
        connection.close()
        status = 0
    finally:
        os._exit(status)  # not sys.exit: the build's clean-up must not run here
