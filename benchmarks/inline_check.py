"""Finding the wizard's inline field check the way a browser does: on the first page.

GET /register, find the field that htmx checks (the username, else the first with `hx-post`), and
build the request htmx sends when it loses focus: a POST of the enclosing form's values (its CSRF
token included) with htmx's headers.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from wrk import Request

PAGE = "/register"
PREFERRED = "username"
TYPED = {"username": "ada.lovelace", "email": "ada@example.com", "surname": "Lovelace"}


class Unavailable(Exception):
    """The wizard has no inline check to measure (yet); the message says why."""


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_form = False
        self.values = []  # (name, value) of the form's inputs, in order
        self.checked = []  # (element's name, hx-post URL, hx-target) of fields htmx checks
        self.headers = {}  # hx-headers declared on any element

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "hx-headers" in attrs:
            try:
                self.headers.update(json.loads(attrs["hx-headers"]))
            except ValueError:
                pass
        if tag == "form":
            self.in_form = True
        if not self.in_form or not attrs.get("name"):
            return
        if attrs.get("hx-post"):
            self.checked.append((attrs["name"], attrs["hx-post"], attrs.get("hx-target", "")))
        if tag == "input" and attrs.get("type") not in ("checkbox", "radio", "submit"):
            self.values.append((attrs["name"], attrs.get("value") or ""))
        elif tag in ("select", "textarea"):
            self.values.append((attrs["name"], ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def probe(base_url) -> tuple[Request, str]:
    """The inline check's request and a line saying which field it checks, or Unavailable."""
    try:
        with urllib.request.urlopen(base_url + PAGE, timeout=10) as response:
            html = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise Unavailable(f"GET {PAGE} answers {error.code}: the wizard is not there yet") from None
    form = _Form()
    form.feed(html)
    if not form.checked:
        raise Unavailable(f"GET {PAGE} has no field with hx-post: no inline check yet")
    name, url, target = next((c for c in form.checked if c[0] == PREFERRED), form.checked[0])
    values = [
        (field, TYPED.get(field, value) if field == name else value) for field, value in form.values
    ]
    path = urllib.parse.urljoin(PAGE, url)
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": base_url + PAGE,
        "HX-Trigger-Name": name,
        "HX-Target": target.lstrip("#"),
        "Content-Type": "application/x-www-form-urlencoded",
        **form.headers,
    }
    request = Request(path, "POST", headers, urllib.parse.urlencode(values))
    _expect_ok(base_url, request)
    return request, f"POST {path} ({name}, as htmx sends it)"


def _expect_ok(base_url, request):
    sent = urllib.request.Request(
        base_url + request.path, request.body.encode(), request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(sent, timeout=10):
            return
    except urllib.error.HTTPError as error:
        raise Unavailable(
            f"the inline check answers {error.code}, not 200: {error.read()[:200]!r}"
        ) from None
