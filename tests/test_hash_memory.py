"""argon2's working memory is kept while hashes follow each other and given back once a process
has been idle (webapp/registration/hash_memory.py)."""

import subprocess
import sys
import textwrap
import threading

from webapp.registration import hash_memory, passwords

WAIT = 30  # seconds allowed for a background thread to act; nothing here is timed


def test_the_trimmer_gives_memory_back_once_idle_and_not_before_a_hash():
    trimmed = threading.Event()
    calls = []

    def trim(pad):
        calls.append(pad)
        trimmed.set()

    trimmer = hash_memory.Trimmer(trim, idle=0.01)
    assert not trimmed.wait(0.2)  # no hash yet: nothing to give back, no thread
    trimmer.hashed()
    assert trimmed.wait(WAIT)
    assert calls == [0]
    trimmed.clear()
    trimmer.hashed()  # the same thread, told again
    assert trimmed.wait(WAIT)
    assert calls == [0, 0]


def test_a_forked_worker_starts_its_own_thread():
    # gunicorn forks its workers from the master: a thread of the master's is not in them.
    script = textwrap.dedent("""
        import os, threading
        from webapp.registration import hash_memory

        trimmed = threading.Event()
        trimmer = hash_memory.Trimmer(lambda pad: trimmed.set(), idle=0.01)
        trimmer.hashed()
        assert trimmed.wait(30)
        pid = os.fork()
        if pid == 0:
            trimmed.clear()
            trimmer.hashed()
            os._exit(0 if trimmed.wait(30) else 1)
        assert os.waitpid(pid, 0)[1] == 0
    """)
    subprocess.run([sys.executable, "-c", script], check=True)


def test_every_hash_and_verification_tells_the_trimmer(app, monkeypatch):
    told = []
    monkeypatch.setattr(hash_memory, "hashed", lambda: told.append(1))
    with app.app_context():
        hashed = passwords.hash_secret("violet-Harbour-tangent-93")
        assert passwords.verify_secret(hashed, "violet-Harbour-tangent-93")
        assert not passwords.verify_secret(hashed, "wrong")
        assert not passwords.verify_secret("not a hash", "wrong")
    assert len(told) == 4


def test_glibc_keeps_the_block_after_a_hash_and_the_trim_gives_it_back():
    # In a fresh process, at the shipped cost (19 MiB): its private memory after three hashes,
    # then after the trim the idle thread calls.
    script = textwrap.dedent("""
        from argon2 import PasswordHasher
        from webapp import config
        from webapp.registration import hash_memory

        def private_kib():
            fields = dict(line.split(":", 1) for line in open("/proc/self/smaps_rollup")
                          if line.rstrip().endswith(" kB"))
            return sum(int(fields[key].split()[0]) for key in ("Private_Clean", "Private_Dirty"))

        shipped = config.defaults("")
        hasher = PasswordHasher(time_cost=shipped["ARGON2_TIME_COST"],
                                memory_cost=shipped["ARGON2_MEMORY_COST"],
                                parallelism=shipped["ARGON2_PARALLELISM"])
        before = private_kib()
        for _ in range(3):
            hasher.hash("violet-Harbour-tangent-93")
        kept = private_kib()
        hash_memory._trim(0)
        print(before, kept, private_kib(), shipped["ARGON2_MEMORY_COST"])
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    before, kept, after, block = map(int, out.split())
    assert kept - before > 0.8 * block
    assert after - before < 0.2 * block
