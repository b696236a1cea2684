"""argon2's working memory (19 MiB at the shipped cost): kept while hashes follow each other,
given back to the system once a process has gone IDLE_SECONDS without one.

glibc keeps a freed block that size for the next allocation (its mmap threshold rises to it after
the first free), so a worker that hashes again reuses it: no page faults, no pages zeroed, some
3-4 ms of a 25 ms hash here. Kept for ever it would add 19 MiB to every worker that ever hashed.
So each hash tells a background thread when it ended, and once IDLE_SECONDS have passed without
another the thread asks glibc to return its free pages (`malloc_trim`). A worker that is hashing
holds the block either way; this decides only how long it holds it after. Where the C library
has no malloc_trim (musl, macOS) nothing is given back early.
"""

import ctypes
import os
import threading
import time

IDLE_SECONDS = 1.0


def _malloc_trim():
    """glibc's malloc_trim, or None."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


class Trimmer:
    """Calls `trim()` once `idle` seconds have passed since the last `hashed()`, in a daemon
    thread of its own, started with the first hash of each process."""

    def __init__(self, trim, idle):
        self._trim, self._idle = trim, idle
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        # A forked child has none of its parent's threads: it starts its own on its first hash.
        self._due = 0.0
        self._hashed = threading.Event()
        self._starting = threading.Lock()
        self._thread = None

    def hashed(self):
        self._due = time.monotonic() + self._idle
        if self._thread is None:
            self._start()
        self._hashed.set()

    def _start(self):
        with self._starting:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hash-memory", daemon=True)
                self._thread.start()

    def _run(self):
        hashed = self._hashed
        while True:
            hashed.wait()
            hashed.clear()
            # Each hash in the meantime moves the moment on.
            while (delay := self._due - time.monotonic()) > 0:
                time.sleep(delay)
            self._trim(0)


_trim = _malloc_trim()
_trimmer = Trimmer(_trim, IDLE_SECONDS) if _trim is not None else None


def hashed():
    """Called after each hash or verification."""
    if _trimmer is not None:
        _trimmer.hashed()
