"""Honeypot and pace (contract section 13): a bot's attempt through the wizard or the embed ends
on the ordinary completion page, with no customer stored, logged with a reason and counted."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from queued_mail import code_in, link_in, mails
from wizard_client import ADDRESS, CONSENTS, PROFILE, Page, Wizard, account

from webapp.extensions import db
from webapp.models import BlockedAttempt, Customer, Draft, utcnow
from webapp.trust import honeypot, spent

TENANTS = """
[tenants.acme]
name = "Acme"
embed_origins = ["https://partner.example"]
"""
STARTS = ("/register", "/t/acme/embed")


class Clock:
    """The honeypot's idea of now, and the spent stamps' store's, moved by hand from the real time
    (a fixed date would have the store forget a stamp as soon as the real clock passed the date
    plus the stamp's lifetime)."""

    def __init__(self):
        self.now = utcnow().replace(microsecond=0)

    def __call__(self):
        return self.now

    def wait(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    made = Clock()
    monkeypatch.setattr(honeypot, "utcnow", made)
    monkeypatch.setattr(spent, "utcnow", made)
    return made


def counts(app):
    with app.app_context():
        customers = db.session.scalar(sa.select(sa.func.count()).select_from(Customer))
        blocked = [(b.door, b.reason) for b in db.session.scalars(sa.select(BlockedAttempt))]
    return customers, blocked


def assert_blocked_page(page):
    # The ordinary way there: "Create account" answers 303 to the draft's completion page.
    assert [answer.status_code for answer in page.response.history] == [303]
    assert_completion_without_number(page)


def assert_completion_without_number(page):
    assert urlsplit(page.path).path.endswith("/done")
    assert page.status == 200
    assert page.soup.h1.get_text(strip=True) == "Account created"
    assert not page.soup.select("[data-customer-id]")
    assert not page.soup.select(".customer-number")


def test_every_step_carries_the_trap_out_of_reach_and_a_signed_stamp(make_app):
    client = make_app(TENANTS).test_client()
    for start in STARTS:
        wizard = Wizard(client, start)
        pages = [wizard.page]
        for fields in (
            {
                "username": "trapped1",
                "email": "t1@example.com",
                "password": "violet-Harbour-tangent-93",
            },
        ):
            pages.append(wizard.submit(fields))
        for page in pages:
            trap = page.form.find("input", attrs={"name": honeypot.TRAP})
            wrapper = trap.find_parent(class_="trap")
            assert wrapper["aria-hidden"] == "true" and wrapper.has_attr("inert")
            assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
            assert trap.has_attr("data-1p-ignore") and trap["data-lpignore"] == "true"
            assert page.hidden[honeypot.RENDERED]


def blocked_in_metrics(start, reason):
    """The /metrics count of registrations the wizard at `start` stopped for `reason`."""
    tenant, door = ("acme", "embed") if "embed" in start else ("default", "wizard")
    labels = {"tenant": tenant, "door": door, "outcome": f"blocked_{reason}"}
    return REGISTRY.get_sample_value("registrations_total", labels) or 0


@pytest.mark.parametrize("start", STARTS)
def test_a_filled_trap_on_any_step_stores_no_customer(make_app, start, capsys):
    app = make_app(TENANTS)
    counted = blocked_in_metrics(start, "honeypot")
    wizard = Wizard(app.test_client(), start)
    wizard.submit(
        {
            "username": "botty",
            "email": "botty@example.com",
            "password": "violet-Harbour-tangent-93",
            honeypot.TRAP: "http://spam",
        }
    )
    for fields in (PROFILE, ADDRESS, CONSENTS):
        wizard.submit(fields)
    assert_blocked_page(wizard.submit())
    door = "embed" if "embed" in start else "wizard"
    assert counts(app) == (0, [(door, "honeypot")])
    assert blocked_in_metrics(start, "honeypot") == counted + 1
    logged = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    assert any(line.get("reason") == "honeypot" for line in logged)


def test_a_trap_filled_on_the_review_stores_no_customer(make_app):
    app = make_app(TENANTS)
    wizard = Wizard(app.test_client())
    wizard.to_review()
    assert_blocked_page(wizard.submit({honeypot.TRAP: "x"}))
    assert counts(app) == (0, [("wizard", "honeypot")])


@pytest.mark.parametrize("form", ["code", "new code", "link"])
def test_a_trap_filled_on_the_verify_step_stores_no_customer(make_app, form):
    app = make_app(TENANTS.replace('name = "Acme"', 'name = "Acme"\nverify_email = "code"'))
    client = app.test_client()
    wizard = Wizard(client, "/t/acme/register")
    who = account()
    wizard.submit(who)
    trap = {honeypot.TRAP: "I am a bot"}
    if form == "new code":
        sending = wizard.page.soup.find("form", action=re.compile(r"/verify/new$"))
        data = {i["name"]: i.get("value", "") for i in sending.find_all("input", type="hidden")}
        sent = client.post(sending["action"], data={**data, **trap}, follow_redirects=True)
        wizard.page = Page(sent)
        trap = {}
    elif form == "link":  # the step opened by the mailed link: its code accepted, "Continue"
        link = urlsplit(link_in(mails(app, to=who["email"])[-1], "/verify"))
        wizard.open(f"{link.path}?{link.query}")
    fields = {} if form == "link" else {"code": code_in(mails(app, to=who["email"])[-1])}
    assert wizard.submit({**fields, **trap}).soup.h1.get_text(strip=True) == "About you"
    for fields in (PROFILE, ADDRESS, CONSENTS):
        wizard.submit(fields)
    assert_blocked_page(wizard.submit())
    assert counts(app) == (0, [("wizard", "honeypot")])


def test_a_stopped_draft_keeps_nothing_and_its_completion_page_stays(make_app):
    app = make_app(TENANTS)
    client = app.test_client()
    wizard = Wizard(client)
    wizard.to_review()
    done = wizard.submit({honeypot.TRAP: "x"})
    assert_completion_without_number(Page(client.get(done.path)))  # a reload
    review = wizard.page.path.replace("/done", "/review")
    assert client.get(review).status_code == 302  # no way back into the draft
    with app.app_context():
        (draft,) = db.session.scalars(sa.select(Draft))
        assert (draft.answers, draft.password_hash, draft.customer_id) == ({}, None, None)
    assert counts(app) == (0, [("wizard", "honeypot")])


def test_an_empty_trap_lets_a_person_through(make_app):
    app = make_app(TENANTS)
    page = Wizard(app.test_client()).complete()
    assert page.soup.select("[data-customer-id]")
    assert counts(app) == (1, [])


@pytest.mark.parametrize("start", STARTS)
def test_a_wizard_faster_than_min_wizard_seconds_stores_no_customer(make_app, clock, start):
    app = make_app(TENANTS, MIN_WIZARD_SECONDS=5)
    counted = blocked_in_metrics(start, "too_fast")
    wizard = Wizard(app.test_client(), start)
    wizard.to_review()
    clock.wait(4.9)
    assert_blocked_page(wizard.submit())
    door = "embed" if "embed" in start else "wizard"
    assert counts(app) == (0, [(door, "too_fast")])
    assert blocked_in_metrics(start, "too_fast") == counted + 1


def test_the_pace_counts_from_the_first_drawing_of_the_first_step(make_app, clock):
    app = make_app(TENANTS, MIN_WIZARD_SECONDS=5)
    wizard = Wizard(app.test_client())
    clock.wait(3)  # reading the first page
    wizard.submit({"username": "", "email": "slow@example.com"})  # a mistake, drawn again
    clock.wait(1)
    wizard.to_review(account())
    clock.wait(1)  # 5 seconds since the first page was drawn
    assert wizard.submit().soup.select("[data-customer-id]")
    assert counts(app) == (1, [])


def test_a_missing_or_forged_stamp_counts_from_the_first_post(make_app, clock):
    app = make_app(TENANTS, MIN_WIZARD_SECONDS=5)
    wizard = Wizard(app.test_client())
    clock.wait(60)  # a stamp is no use to a bot: it can only make it look faster
    wizard.submit({**account(), honeypot.RENDERED: "forged"})
    for fields in (PROFILE, ADDRESS, CONSENTS):
        wizard.submit(fields)
    clock.wait(2)
    assert_blocked_page(wizard.submit())
    assert counts(app) == (0, [("wizard", "too_fast")])


def test_one_drawing_of_the_first_step_counts_for_one_draft_only(make_app, clock):
    # A bot that keeps one page's stamp and posts it with every run: the first run counts from
    # it, every later one from its own first post.
    app = make_app(TENANTS, MIN_WIZARD_SECONDS=5)
    harvested = Wizard(app.test_client()).page.value(honeypot.RENDERED)
    clock.wait(60)
    first, second = Wizard(app.test_client()), Wizard(app.test_client())
    first.to_review({**account(), honeypot.RENDERED: harvested})
    assert first.submit().soup.select("[data-customer-id]")
    second.to_review({**account(), honeypot.RENDERED: harvested})
    clock.wait(2)
    assert_blocked_page(second.submit())
    assert counts(app) == (1, [("wizard", "too_fast")])
