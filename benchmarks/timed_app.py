"""The service, served so that its worker counts where its CPU goes: for benchmarks/server_split.py.

Each worker sums the CPU time (of its own thread) spent inside the service's WSGI call and inside
argon2id's `PasswordHasher.hash`. `GET /__timings`, answered here and never by the service,
returns the sums since the previous such request and starts them again.
"""

import json
import time

from argon2 import PasswordHasher

from webapp import create_app

PATH = "/__timings"
_sums = {"requests": 0, "app": 0.0, "hashes": 0, "hash": 0.0}
_hash = PasswordHasher.hash


def _timed_hash(self, *args, **kwargs):
    started = time.thread_time()
    try:
        return _hash(self, *args, **kwargs)
    finally:
        _sums["hashes"] += 1
        _sums["hash"] += time.thread_time() - started


PasswordHasher.hash = _timed_hash
service = create_app()


def app(environ, start_response):
    if environ.get("PATH_INFO") == PATH:
        body = json.dumps(_sums).encode()
        _sums.update(requests=0, app=0.0, hashes=0, hash=0.0)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    started = time.thread_time()
    try:
        return service(environ, start_response)
    finally:
        _sums["requests"] += 1
        _sums["app"] += time.thread_time() - started
