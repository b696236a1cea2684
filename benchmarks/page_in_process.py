"""What a wizard page and an inline check cost in CPU time, per step, in process.

    .venv/bin/python benchmarks/page_in_process.py [--lang de] [--count 300]

Builds the app on its embedded defaults (CSRF on, as served) on a fresh SQLite file in a
temporary instance folder with rate limits off, walks the wizard through Flask's test client
(following each page's form, its hidden fields and the redirects; once to every step, each time
as a new visitor, and once to the end) so that every step's page is reachable with a draft's
token, then sends warm-up requests and measures the counted ones with
time.process_time (CPU time, so that other work on the machine counts less). Prints milliseconds
of CPU per request for the GET of every step's page, as first shown (a draft with the earlier
steps' answers; no draft on the first step) and once every step is answered, and for the inline
check of one field (the POST htmx sends when a field loses focus). It asserts no timings.
"""

import argparse
import re
import time
from html import unescape

from hash_limit import PASSWORD
from in_process import fresh_app

ANSWERS = {
    "account": {"username": "ada_lovelace", "email": "ada@example.com", "password": PASSWORD},
    "profile": {
        "title": "Ms",
        "forename": "Ada",
        "surname": "Lovelace",
        "dateOfBirth-day": "27",
        "dateOfBirth-month": "3",
        "dateOfBirth-year": "1990",
    },
    "address": {
        "addressLine1": "1 High Street",
        "city": "London",
        "postcode": "SW1A 1AA",
        "countryCode": "GB",
    },
    "consents": {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]},
}
# The inline checks measured: (step whose form is posted, field checked, what is typed in it).
CHECKS = (("account", "username", "grace_hopper"), ("profile", "surname", "Hopper"))
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
ACTION = re.compile(r'<form class="form" method="post" action="([^"]+)"')
BACK = re.compile(r'<a class="back-link" href="([^"]+)"')


def hidden(html):
    """The hidden fields of a page's forms (CSRF token, draft, language, stamp, ...)."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


def measure(request, count, warm_up=30):
    for _ in range(warm_up):
        request()
    started = time.process_time()
    for _ in range(count):
        request()
    return (time.process_time() - started) / count * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", help="the pages' language (?lang=)")
    parser.add_argument("--count", type=int, default=300, help="requests measured per step")
    options = parser.parse_args()

    client = fresh_app("page").test_client(use_cookies=False)

    def ok(response):
        assert response.status_code == 200, (response.status_code, response.data[:300])
        return response

    def walk(stop=None, who="ada_lovelace"):
        """Walk the wizard up to the page of step `stop` (to the review without one), as a new
        visitor: each step's page as the browser got it, by step, and the URL it was at."""
        url = f"/register?lang={options.lang}"
        pages = {}
        for step in ANSWERS:
            html = ok(client.get(url)).get_data(as_text=True)
            pages[step] = (url, html)
            if step == stop:
                return pages
            action = unescape(ACTION.search(html).group(1))
            answers = {**ANSWERS[step], **({"username": who} if step == "account" else {})}
            response = client.post(action, data={**hidden(html), **answers})
            assert response.status_code == 303, (step, response.status_code, response.data[:300])
            url = response.headers["Location"]
        pages["review"] = (url, ok(client.get(url)).get_data(as_text=True))
        # The first step again with the draft, as the next page's Back link leads to it.
        url = unescape(BACK.search(pages["profile"][1]).group(1))
        pages["account"] = (url, ok(client.get(url)).get_data(as_text=True))
        return pages

    # Each step's page as first shown (the answers so far in the draft, none of its own), and
    # again once every step is answered (coming back to change an answer).
    first = {step: walk(step, f"first_{step}")[step] for step in ANSWERS}
    again = walk()

    print(f"# CPU ms per request, {options.count} requests each, lang={options.lang}\n")
    print(f"{'':<29} {'first':>8} {'answered':>9}")
    for step in again:
        costs = [
            measure(lambda url=pages[step][0]: ok(client.get(url)), options.count)
            if step in pages
            else None
            for pages in (first, again)
        ]
        shown = " ".join(f"{cost:6.3f} ms" if cost is not None else " " * 9 for cost in costs)
        print(f"GET  {step:<24} {shown}")
    htmx = {"HX-Request": "true"}
    for step, field, typed in CHECKS:
        _, html = first[step]
        data = {**hidden(html), field: typed}

        def check(path="/register/check/" + field, data=data):
            return ok(client.post(path, data=data, headers=htmx))

        cost = measure(check, options.count)
        print(f"POST check/{field:<18} {cost:6.3f} ms")


if __name__ == "__main__":
    main()
