"""Work split across forked processes, for the writing half of a build.

By the time the site is written, everything has been read and computed: a
forked child starts with all of it, with nothing to pickle or re-read, and only
sends back what it did (the files it wrote). The collector is frozen before
forking so that it does not touch, and so copy, every inherited object.
"""

import gc
import multiprocessing
import os
import pickle
import sys
import traceback
from functools import partial


def build_processes(settings):
    """How many processes a build may run at once (BUILD_PROCESSES)."""
    return settings["BUILD_PROCESSES"] or os.cpu_count() or 1


def run_items(shares, work, movable):
    """[[work(item) for item in share] for share in shares], each share done by
    a process of its own (the first by this one). A process that has done its
    share goes on with the movable items left at the end of another's, last
    first: shares of equal size are seldom of equal cost (an Arabic page takes
    longer to render than an English one), and this way they end together."""
    if len(shares) < 2:
        return [[work(item) for item in share] for share in shares]
    board = _Board(shares, movable)
    results = [[None] * len(share) for share in shares]
    for done in run_shares(list(range(len(shares))), partial(_work_from, board, work)):
        for share, position, result in done:
            results[share][position] = result
    return results


def _work_from(board, work, me):
    done = []
    while (taken := board.take(me)) is not None:
        share, position = taken
        done.append((share, position, work(board.shares[share][position])))
    return done


class _Board:
    """What is left of each share, in memory the forked processes share: the
    owner takes items from the front, others take movable ones from the back."""

    def __init__(self, shares, movable):
        self.shares = shares
        context = multiprocessing.get_context("fork")
        self.lock = context.Lock()
        self.front = context.RawArray("q", len(shares))  # the owner's next item
        self.back = context.RawArray("q", [len(share) for share in shares])  # end of what is left
        # Items from here on are movable: only they may be taken from the back.
        self.movable_from = [_movable_tail(share, movable) for share in shares]

    def take(self, me):
        """(share, position) of the next item for process `me`; None when none is left."""
        with self.lock:
            if self.front[me] < self.back[me]:
                self.front[me] += 1
                return me, self.front[me] - 1
            left = [self.back[share] - max(self.front[share], self.movable_from[share])
                    for share in range(len(self.shares))]
            richest = max(range(len(left)), key=left.__getitem__)
            if left[richest] <= 0:
                return None
            self.back[richest] -= 1
            return richest, self.back[richest]


def _movable_tail(items, movable):
    """The position from which every item of `items` is movable."""
    position = len(items)
    while position and movable(items[position - 1]):
        position -= 1
    return position


class InChild:
    """work(*args), started at once in a forked child, while this process goes
    on: what it imports and allocates is gone with the child, and never weighs
    on this process, nor on those it forks later. `result()` waits for it, and
    raises its exception. As a context manager, it waits for the child (if
    nobody did) when the block ends, so that none is left behind."""

    def __init__(self, work, *args):
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid, self._pipe = _fork(partial(_unfrozen_work, work, args), None)
        self._outcome = None

    def result(self):
        if self._outcome is None:
            self._outcome = _collect(self.pid, self._pipe)
        succeeded, value = self._outcome
        if not succeeded:
            raise value
        return value

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self._outcome is None:
            self._outcome = _collect(self.pid, self._pipe)


def _unfrozen_work(work, args, _):
    # What the child inherits is left out of its garbage collections: walking
    # it would write to, and so copy, every page of it.
    gc.freeze()
    return work(*args)


def run_shares(shares, work):
    """[work(share) for share in shares]: the first share in this process, each
    other in a forked child. An exception in a child is raised here, after every
    child has finished."""
    if len(shares) < 2:
        return [work(share) for share in shares]
    sys.stdout.flush()
    sys.stderr.flush()
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()
    children = []
    try:
        for share in shares[1:]:
            children.append(_fork(work, share))
        results = [work(shares[0])]
    finally:
        outcomes = [_collect(*child) for child in children]
        if not frozen_by_caller:  # a build thaws what it froze when it ends
            gc.unfreeze()
    for succeeded, value in outcomes:
        if not succeeded:
            raise value
        results.append(value)
    return results


def _fork(work, share):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        _work_and_exit(work, share, write)
    os.close(write)
    return pid, read


def _work_and_exit(work, share, pipe):
    status = 1
    try:
        try:
            outcome = (True, work(share))
        except BaseException as error:  # noqa: BLE001 - every failure goes to the parent
            outcome = (False, _portable(error))
        with os.fdopen(pipe, "wb") as stream:
            pickle.dump(outcome, stream, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)  # not sys.exit: the parent's clean-up must not run twice


def _portable(error):
    """The exception itself if it survives pickling, else one that carries its
    traceback as text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any failure to pickle means "send it as text"
        return RuntimeError("".join(traceback.format_exception(error)))


def _collect(pid, pipe):
    with os.fdopen(pipe, "rb") as stream:
        payload = stream.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        return False, RuntimeError(f"nashra: a build process ended without reporting "
                                   f"(wait status {status})")
    return pickle.loads(payload)
