"""Breached passwords (contract section 13): a Bloom filter of SHA-1 password hashes, built offline
from a list such as Have I Been Pwned's and looked up in microseconds, with no request out.

The file is rbloom's own format (the number of hash functions as a little-endian u64, then the
bit array), read back with the same hash function: the SHA-1 digest's first 16 bytes as a signed
big-endian integer. A SHA-1 digest is already uniform, so it needs no hashing of its own, and the
file means the same on every machine.
"""

import binascii
import codecs
import hashlib
import math
import os
import struct
from functools import lru_cache

from flask import current_app
from rbloom import Bloom

from webapp.config import ConfigError
from webapp.faults import BY_CODE, Fault
from webapp.forms.rules import Problem
from webapp.i18n import N_

FALSE_POSITIVE_RATE = 1 / 1000
# The shortest line a list can have ("HASH\n"): the file's size over it bounds the hash count
# from above, so one pass builds a filter that holds them all at the promised rate.
SHORTEST_LINE = 41
CHUNK = 4 * 2**20  # bytes of lines read, parsed and added at a time
BREACHED = N_("This password has appeared in a data breach – choose another")


def _hash(digest: bytes) -> int:
    return int.from_bytes(digest[:16], "big", signed=True)


def parse(line: bytes) -> bytes | None:
    """The SHA-1 digest of a `HASH` or `HASH:COUNT` line, or None for anything else. A UTF-8
    byte order mark (which editors on Windows put before the first line) is no part of it."""
    text = line.strip().removeprefix(codecs.BOM_UTF8).partition(b":")[0]
    if len(text) != 40:
        return None
    try:
        return binascii.unhexlify(text)
    except binascii.Error:
        return None


def build(source, output, on_progress=lambda read: None) -> tuple[int, int]:
    """Stream the hash list at `source` into a filter saved at `output`; return (hashes added,
    lines skipped). Memory stays that of the filter (about 1.8 bytes a line) and of one chunk.
    A source without any hash writes nothing, and a filter already at `output` is replaced whole
    or not at all (a process loading it never reads half a file)."""
    capacity = max(os.path.getsize(source) // SHORTEST_LINE, 1)
    bloom = Bloom(capacity, FALSE_POSITIVE_RATE, _hash)
    added = skipped = 0
    with open(source, "rb") as lines:
        while chunk := lines.readlines(CHUNK):
            digests = [parse(line) for line in chunk]
            found = [digest for digest in digests if digest is not None]
            bloom.update(found)
            added += len(found)
            skipped += sum(
                1
                for line, digest in zip(chunk, digests, strict=True)
                if digest is None and line.strip()
            )
            on_progress(sum(map(len, chunk)))
    if added:
        written = f"{output}.{os.getpid()}.part"
        try:
            bloom.save(written)
            os.replace(written, output)
        finally:
            if os.path.exists(written):
                os.remove(written)
    return added, skipped


class FilterError(ConfigError):
    """BREACHED_PASSWORDS_FILE is missing or is not a filter this service made."""


# A filter at 1 in 1,000 takes 10 hash functions; rbloom reads any file of 8 bytes or more as a
# filter, and one with no bits, or a number of functions no filter has (a text file's first
# bytes), would fail its first look-up (a panic in rbloom, past any error handler).
MAX_FUNCTIONS = 64


@lru_cache(maxsize=2)
def load(path: str) -> Bloom:
    """The filter at `path`, read once per process."""
    try:
        bloom = Bloom.load(path, _hash)
        functions = _functions(path)
    except (OSError, ValueError, struct.error) as error:
        raise _unreadable(path, error) from None
    if bloom.size_in_bits == 0 or not 1 <= functions <= MAX_FUNCTIONS:
        raise _unreadable(path, f"{functions} hash functions, {bloom.size_in_bits} bits")
    return bloom


def _functions(path: str) -> int:
    with open(path, "rb") as handle:
        return struct.unpack("<Q", handle.read(8))[0]


def _unreadable(path, why) -> FilterError:
    return FilterError(
        f"BREACHED_PASSWORDS_FILE {path}: cannot be read as a filter "
        f"made by import-breached-passwords ({why})"
    )


def describe(path: str) -> dict:
    """The file's size, how many hashes it holds (estimated) and its false-positive rate."""
    bloom = load(path)
    functions = _functions(path)
    items = bloom.approx_items
    rate = (1 - math.exp(-functions * items / bloom.size_in_bits)) ** functions
    return {"bytes": os.path.getsize(path), "hashes": round(items), "rate": rate}


def is_breached(password: str) -> bool:
    """True if the password's SHA-1 is in BREACHED_PASSWORDS_FILE (no file: never)."""
    path = current_app.config.get("BREACHED_PASSWORDS_FILE")
    if not path:
        return False
    return hashlib.sha1(password.encode("utf-8", "surrogatepass")).digest() in load(str(path))


def fault() -> Fault:
    """90073 on the password; a person is told why."""
    return Fault(90073, "password", Problem(BY_CODE[90073].message, 90073, person=BREACHED))
