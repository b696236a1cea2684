"""Kept pages: a step's page that every visitor of a tenant and language sees alike is drawn once
and kept, each visitor's tokens (and answered fields) put in their places. No visitor ever gets
another's tokens or answers, and the kept page is the page as drawn for them."""

import re

from conftest import unique
from wizard_client import PROFILE, Wizard, account

from webapp.doors.wizard import pages, views


def at_profile(client):
    wizard = Wizard(client)
    wizard.submit(account())
    assert wizard.page.soup.h1.get_text(strip=True) == "About you"
    return wizard


def tokens(page):
    back = page.soup.select_one("a.back-link")["href"]
    return page.hidden["draft"], page.hidden["csrf_token"], back


def without_tokens(html):
    """The page with what differs between two drawings (CSRF token, stamp, nonce) taken out."""
    html = re.sub(r'name="(csrf_token|rendered)" value="[^"]*"', r'name="\1" value=""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_each_visitor_gets_their_own_tokens_on_the_same_kept_page(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    one, other = (at_profile(app.test_client(use_cookies=False)) for _ in range(2))
    one_draft, one_csrf, one_back = tokens(one.page)
    other_draft, other_csrf, other_back = tokens(other.page)
    assert one_draft != other_draft and one_csrf != other_csrf
    assert f"draft={one_draft}" in one_back and f"draft={other_draft}" in other_back
    # Each page's tokens work for its own draft: the CSRF token is bound to it.
    for wizard in (one, other):
        wizard.submit(PROFILE)
        assert wizard.page.soup.h1.get_text(strip=True) == "Your address"


def test_a_kept_page_is_the_page_as_drawn_for_the_visitor(client, monkeypatch):
    wizard = at_profile(client)
    kept = client.get(wizard.page.path).get_data(as_text=True)

    def drawn(template, key, status=200, **context):  # the page drawn anew, never kept
        return pages.render(template, status, **context)

    monkeypatch.setattr(views, "render_kept", drawn)
    fresh = client.get(wizard.page.path).get_data(as_text=True)
    assert without_tokens(kept) == without_tokens(fresh)
    assert 'name="rendered" value=""' not in kept


def test_a_visitors_answers_and_errors_are_never_kept(client):
    wizard = at_profile(client)
    surname = unique("Surname")
    wizard.submit({**PROFILE, "surname": surname, "dateOfBirth-year": "1"})
    assert wizard.page.status == 422 and surname in wizard.page.html
    other = at_profile(client)
    assert surname not in other.page.html and not other.page.errors()
    assert not other.page.soup.select(".error-summary")


def test_the_nonce_of_a_kept_page_is_the_responses(client):
    nonces = []
    for response in (client.get("/register"), client.get("/register")):
        nonce = re.search(r'<style nonce="([^"]+)"', response.get_data(as_text=True)).group(1)
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_answered_fields_are_each_visitors_own(client, monkeypatch):
    pages_seen = {}
    for who in ("Byron", "Babbage"):
        wizard = at_profile(client)
        profile = wizard.page.path
        wizard.submit({**PROFILE, "surname": who})
        assert wizard.page.soup.h1.get_text(strip=True) == "Your address"
        again = wizard.open(profile)  # back to the answered step
        assert again.value("surname") == who
        pages_seen[who] = again.html
    assert "Byron" not in pages_seen["Babbage"] and "Babbage" not in pages_seen["Byron"]

    def drawn(template, key, status=200, **context):  # the page drawn anew, never kept
        return pages.render(template, status, **context)

    monkeypatch.setattr(views, "render_kept", drawn)
    fresh = client.get(profile).get_data(as_text=True)
    assert without_tokens(fresh) == without_tokens(pages_seen["Babbage"])
