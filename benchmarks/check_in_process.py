"""What the wizard's inline check costs in CPU, in process, without a server or a test client.

    .venv/bin/python benchmarks/check_in_process.py [--count 1000] [--runs 5]

Builds the app as benchmarks/in_process.py does (embedded defaults, CSRF on, rate limits off),
finds the username's check on GET /register as benchmarks/run.py does (the form's values, its
CSRF token, htmx's headers), builds that POST once as a WSGI environ and calls the app with it
directly, so that only the app's own work is counted. Prints the best of `--runs` runs of
`--count` checks, in CPU milliseconds per check (time.process_time). Two checkouts compared
with it, one run after the other, show what a change saves. It asserts no timings.

Checks one after the other keep the CPU's caches warm, as no server does: between two of its
requests come gunicorn, the kernel's network stack and the client. `--cold` also writes a
buffer of COLD_MIB before each check, which pushes the app's code and data out of the caches,
and counts only the checks (time.thread_time around each): a server's figure lies between the
two (benchmarks/server_split.py).
"""

import argparse
import io
import time
import urllib.parse

import inline_check
from in_process import fresh_app
from werkzeug.test import EnvironBuilder

COLD_MIB = 16


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="checks per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="caches emptied before each check")
    options = parser.parse_args()

    app = fresh_app("check")
    html = app.test_client(use_cookies=False).get(inline_check.PAGE).get_data(as_text=True)
    form = inline_check._Form()
    form.feed(html)
    name, url, target = next(c for c in form.checked if c[0] == inline_check.PREFERRED)
    typed = inline_check.TYPED[name]
    body = urllib.parse.urlencode(
        [(field, typed if field == name else value) for field, value in form.values]
    ).encode()
    headers = {
        "HX-Request": "true",
        "HX-Trigger-Name": name,
        "HX-Target": target.lstrip("#"),
        "Content-Type": "application/x-www-form-urlencoded",
        **form.headers,
    }
    builder = EnvironBuilder(
        path=urllib.parse.urljoin(inline_check.PAGE, url), method="POST", data=body, headers=headers
    )
    environ = builder.get_environ()
    builder.close()

    def check():
        statuses = []
        answer = app({**environ, "wsgi.input": io.BytesIO(body)}, lambda s, h: statuses.append(s))
        b"".join(answer)
        answer.close()
        assert statuses[0].startswith("200"), statuses

    for _ in range(options.count // 2):  # warm up: caches filled, kept pieces drawn
        check()
    best = None
    for _ in range(options.runs):
        cost = (_cold if options.cold else _warm)(check, options.count) / options.count * 1000
        best = cost if best is None else min(best, cost)
    print(
        f"POST {url} ({name}){', caches emptied before each' if options.cold else ''}: "
        f"{best:.3f} ms of CPU per check, the best of {options.runs} runs"
    )


def _warm(check, count):
    started = time.process_time()
    for _ in range(count):
        check()
    return time.process_time() - started


def _cold(check, count):
    spent, buffer, zeros = 0.0, bytearray(COLD_MIB << 20), bytes(COLD_MIB << 20)
    for _ in range(count):
        buffer[:] = zeros
        started = time.thread_time()
        check()
        spent += time.thread_time() - started
    return spent


if __name__ == "__main__":
    main()
