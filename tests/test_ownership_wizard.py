"""Verify by code in the wizard (contract section 12): the account step mails a code, the verify
step takes it (or the link that carries it), and nothing later opens to an unproved email."""

import logging
import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from queued_mail import code_in, link_in, mails, text
from werkzeug.serving import make_server
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

from webapp.extensions import db
from webapp.models import Customer, Draft, OutboxMessage, VerificationCode, utcnow
from webapp.trust import verification

TENANTS = """
[tenants.default]
name = "Acme Bets"
verify_email = "code"

[tenants.plain]
name = "Plain"
"""


@pytest.fixture
def app(make_app):
    return make_app(TENANTS)


def heading(page):
    return page.soup.h1.get_text(strip=True)


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def at_verify(client, who=None):
    wizard = Wizard(client)
    who = who or account()
    wizard.submit(who)
    assert heading(wizard.page) == "Check your email", wizard.page.html
    return wizard, who


def latest_code(app, email):
    return code_in(mails(app, to=email)[-1])


def customers(app):
    with app.app_context():
        return db.session.query(Customer).all()


def test_the_account_step_mails_a_code_and_the_right_code_leads_to_the_profile(app, client):
    wizard, who = at_verify(client)
    assert wizard.page.path.startswith("/register/verify")
    assert "Step 2 of 6" in wizard.page.html
    field = wizard.page.form.find("input", attrs={"name": "code"})
    assert (field["autocomplete"], field["inputmode"]) == ("one-time-code", "numeric")
    assert wizard.page.form.find("button").get_text(strip=True) == "Continue"
    (message,) = mails(app, to=who["email"])
    assert message["Subject"] == "Your Acme Bets confirmation code"

    wizard.submit({"code": code_in(message)})
    assert heading(wizard.page) == "About you"
    for fields in (PROFILE, ADDRESS, CONSENTS):
        wizard.submit(fields)
    wizard.submit()
    assert heading(wizard.page) == "Account created"
    (customer,) = customers(app)
    assert customer.email_verified_at is not None


def test_the_mailed_link_opens_the_step_with_its_code_accepted(app, client):
    wizard, who = at_verify(client)
    link = link_in(mails(app, to=who["email"])[0], "/register/verify")
    page = wizard.open(urlsplit(link).path + "?" + urlsplit(link).query)
    assert page.status == 200 and heading(page) == "Check your email"
    assert "Your email address is confirmed." in page.html
    field = page.soup.find("input", attrs={"name": "code"})  # filled in with the link's code
    assert field["value"] == latest_code(app, who["email"]) and field.has_attr("readonly")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"
    assert page.soup.find(attrs={"data-page-url": True})["data-page-url"].find("code=") == -1
    again = wizard.open(urlsplit(link).path + "?" + urlsplit(link).query)  # followed again
    assert "wrong=" not in again.path and "Your email address is confirmed." in again.html
    assert heading(wizard.submit()) == "About you"


def test_a_wrong_code_says_so_and_five_wrong_tries_spend_the_code(app, client):
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    for _ in range(verification.TRIES):
        page = wizard.submit({"code": wrong(code)})
        assert page.status == 400  # 91016 InvalidCodeFault
        assert page.errors() == [
            "The code is wrong or has expired – check the email, or send a new code"
        ]
        assert page.soup.find("input", id="code")["aria-invalid"] == "true"
    page = wizard.submit({"code": code})
    assert page.status == 400 and heading(page) == "Check your email"


def test_a_link_with_a_wrong_code_opens_the_step_with_the_fault(app, client):
    wizard, who = at_verify(client)
    link = link_in(mails(app, to=who["email"])[0], "/register/verify")
    query = re.sub(
        r"code=\d+", "code=" + wrong(latest_code(app, who["email"])), urlsplit(link).query
    )
    page = wizard.open(urlsplit(link).path + "?" + query)
    assert page.status == 400  # 91016 InvalidCodeFault
    assert page.errors() == [
        "The code is wrong or has expired – check the email, or send a new code"
    ]
    assert "code=" not in page.path


def test_four_wrong_tries_leave_the_fifth_its_chance(app, client):
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    for _ in range(verification.TRIES - 1):
        wizard.submit({"code": wrong(code)})
    assert heading(wizard.submit({"code": code})) == "About you"


def test_an_empty_code_asks_for_it(app, client):
    wizard, _ = at_verify(client)
    page = wizard.submit({"code": " "})
    assert page.status == 422 and page.summary() == [
        "Enter the 6-digit code from the email we sent you"
    ]


@pytest.mark.parametrize("typed", ["12", "abcdef", "1234567", "123-456"])
def test_a_code_that_is_not_six_digits_says_what_a_code_is_and_spends_no_try(app, client, typed):
    # Bad input changes nothing: five slips of the fingers leave the code its five tries.
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    for _ in range(verification.TRIES):
        page = wizard.submit({"code": typed})
        assert page.status == 400
        assert page.summary() == ["The code is 6 numbers – enter it as it is in the email"]
    for _ in range(verification.TRIES - 1):
        wizard.submit({"code": wrong(code)})
    assert heading(wizard.submit({"code": code})) == "About you"


@pytest.mark.parametrize("zero", [0xFF10, 0x0660, 0x0966], ids=["full-width", "arabic", "hindi"])
def test_a_code_in_another_scripts_digits_is_taken(app, client, zero):
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    typed = "".join(chr(zero + int(digit)) for digit in code)
    assert heading(wizard.submit({"code": typed})) == "About you"


def test_a_look_at_the_mailed_link_verifies_nothing(app, client):
    # A mail scanner's HEAD of the link must not prove the address on the person's behalf.
    wizard, who = at_verify(client)
    link = link_in(mails(app, to=who["email"])[0], "/register/verify")
    assert client.head(urlsplit(link).path + "?" + urlsplit(link).query).status_code == 200
    assert heading(wizard.open(wizard.page.path)) == "Check your email"
    assert "Your email address is confirmed." not in wizard.page.html


def test_the_verify_step_spends_no_inline_check_budget(make_app):
    app = make_app(TENANTS, RATELIMIT_VALIDATION="1 per minute")
    wizard, who = at_verify(app.test_client())
    wizard.submit({"code": wrong(latest_code(app, who["email"]))})
    assert heading(wizard.submit({"code": latest_code(app, who["email"])})) == "About you"


def test_a_pasted_code_with_spaces_is_taken(app, client):
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    assert heading(wizard.submit({"code": f" {code[:3]} {code[3:]} "})) == "About you"


def test_a_code_older_than_15_minutes_fails(app, client, monkeypatch):
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    later = utcnow() + verification.LIFETIME + timedelta(seconds=1)
    monkeypatch.setattr(verification, "utcnow", lambda: later)
    page = wizard.submit({"code": code})
    assert page.status == 400 and heading(page) == "Check your email"


def test_a_code_just_inside_15_minutes_works(app, client, monkeypatch):
    wizard, who = at_verify(client)
    code = latest_code(app, who["email"])
    later = utcnow() + verification.LIFETIME - timedelta(seconds=5)
    monkeypatch.setattr(verification, "utcnow", lambda: later)
    assert heading(wizard.submit({"code": code})) == "About you"


def send_new_code(client, wizard):
    form = wizard.page.soup.find("form", action=re.compile(r"/verify/new$"))
    data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    return client.post(form["action"], data=data)


def posted_at_once(app, path, data, times):
    """`data` posted to `path` by `times` clients at once, through a threaded server; each
    answer's status and Location path."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start, answers = threading.Barrier(times), []

    def post():
        start.wait()
        url = f"http://127.0.0.1:{server.server_port}{path}"
        answer = requests.post(url, data=data, allow_redirects=False, timeout=60)
        answers.append((answer.status_code, urlsplit(answer.headers.get("Location", "")).path))

    racers = [threading.Thread(target=post) for _ in range(times)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    server.shutdown()
    return answers


@pytest.mark.slow
def test_new_codes_asked_for_at_once_are_three_an_hour_all_the_same(make_app):
    # Counted one after another: each request finding room for one more sent a fourth and fifth.
    app = make_app(TENANTS, RATELIMIT_VERIFICATION_EMAIL="100 per hour")
    wizard, who = at_verify(app.test_client())
    form = wizard.page.soup.find("form", action=re.compile(r"/verify/new$"))
    data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    answers = [status for status, _ in posted_at_once(app, form["action"], data, 12)]
    assert sorted(answers) == [303] * verification.NEW_CODES_PER_HOUR + [429] * 9
    assert len(mails(app, to=who["email"])) == 1 + verification.NEW_CODES_PER_HOUR


@pytest.mark.slow
def test_the_right_code_posted_twice_at_once_continues_both_times(app):
    # A double click: the post that found the code spent by its twin said the code was wrong.
    wizard, who = at_verify(app.test_client())
    data = {**wizard.page.values, "code": latest_code(app, who["email"])}
    answers = posted_at_once(app, wizard.page.form["action"], data, 6)
    assert answers == [(303, "/register/profile")] * 6


def test_a_new_code_replaces_the_old_one_three_times_an_hour(app, client):
    wizard, who = at_verify(client)
    old = latest_code(app, who["email"])
    for _ in range(verification.NEW_CODES_PER_HOUR):
        response = send_new_code(client, wizard)
        assert response.status_code == 303
    assert len(mails(app, to=who["email"])) == 1 + verification.NEW_CODES_PER_HOUR
    refused = send_new_code(client, wizard)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    assert len(mails(app, to=who["email"])) == 1 + verification.NEW_CODES_PER_HOUR

    new = latest_code(app, who["email"])
    if new != old:
        assert wizard.submit({"code": old}).status == 400
    assert heading(wizard.submit({"code": new})) == "About you"


@pytest.mark.parametrize("budget", ["2 per hour", "10 per hour; 2 per minute"])
def test_the_recipients_mail_budget_limits_new_codes(make_app, budget):
    app = make_app(TENANTS, RATELIMIT_VERIFICATION_EMAIL=budget)
    client = app.test_client()
    wizard, who = at_verify(client)
    assert send_new_code(client, wizard).status_code == 303
    refused = send_new_code(client, wizard)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert len(mails(app, to=who["email"])) == 2


def test_an_account_step_past_the_recipients_mail_budget_says_when_to_come_back(make_app):
    app = make_app(TENANTS, RATELIMIT_VERIFICATION_EMAIL="1 per hour")
    who = account()
    at_verify(app.test_client(), who)
    again = Wizard(app.test_client())
    page = again.submit({**account(), "email": who["email"]})
    assert page.status == 429 and int(page.response.headers["Retry-After"]) > 0
    assert heading(page) == "Too many attempts"
    assert re.search(r"Try again in \d+ minutes", page.soup.main.get_text(" ", strip=True))
    assert len(mails(app, to=who["email"])) == 1
    with app.app_context():
        assert db.session.query(Draft).count() == 1  # the refused one was not kept


@pytest.mark.parametrize("padded", [" {}", "{}  ", "\t{}"])
def test_spaces_around_the_address_are_no_new_recipient(make_app, padded):
    app = make_app(TENANTS, RATELIMIT_VERIFICATION_EMAIL="1 per hour")
    who = account()
    at_verify(app.test_client(), who)
    page = Wizard(app.test_client()).submit({**account(), "email": padded.format(who["email"])})
    assert page.status == 429
    with app.app_context():
        mailed = [m.payload["to"] for m in db.session.query(OutboxMessage)]
    assert mailed == [who["email"]]


def test_a_code_mail_goes_to_the_address_without_the_spaces_typed_around_it(make_app):
    app = make_app(TENANTS)
    who = account()
    wizard, _ = at_verify(app.test_client(), {**who, "email": f"  {who['email']} "})
    assert f"code to {who['email']}." in wizard.page.soup.main.get_text(" ", strip=True)
    with app.app_context():
        assert [m.payload["to"] for m in db.session.query(OutboxMessage)] == [who["email"]]


def test_later_steps_the_review_and_create_refuse_an_unverified_draft(app, client):
    wizard, _ = at_verify(client)
    draft = wizard.page.hidden["draft"]
    for step in ("profile", "address", "consents", "review"):
        page = wizard.open(f"/register/{step}?draft={draft}")
        assert heading(page) == "Check your email", step  # sent back to the code
    for path, fields in (
        ("/register/profile", PROFILE),
        ("/register/address", ADDRESS),
        ("/register/consents", CONSENTS),
        ("/register/review", {}),
    ):
        response = client.post(path, data={"draft": draft, **fields})
        assert response.status_code == 400, path
        assert "Enter the code we emailed you" in response.get_data(as_text=True)
    assert customers(app) == []


def test_changing_the_email_from_the_review_asks_for_a_new_code(app, client):
    wizard, who = at_verify(client)
    wizard.submit({"code": latest_code(app, who["email"])})
    for fields in (PROFILE, ADDRESS, CONSENTS):
        wizard.submit(fields)
    draft = wizard.page.hidden["draft"]
    wizard.open(f"/register?draft={draft}&then=review")
    new_email = "changed-" + who["email"]
    page = wizard.submit({"email": new_email})
    assert heading(page) == "Check your email" and new_email in page.html
    back = page.soup.select_one("a.back-link")["href"]
    assert urlsplit(back).path == "/register" and "then=review" in urlsplit(back).query

    forged = client.post("/register/review", data={"draft": draft})  # "Create account" now
    assert forged.status_code == 400 and customers(app) == []

    assert heading(wizard.submit({"code": latest_code(app, new_email)})) == "Check your answers"
    assert heading(wizard.submit()) == "Account created"
    (customer,) = customers(app)
    assert customer.email == new_email and customer.email_verified_at is not None


def test_the_link_for_an_email_changed_from_the_review_leads_back_to_the_review(app, client):
    wizard, who = at_verify(client)
    wizard.submit({"code": latest_code(app, who["email"])})
    for fields in (PROFILE, ADDRESS, CONSENTS):
        wizard.submit(fields)
    wizard.open(f"/register?draft={wizard.page.hidden['draft']}&then=review")
    new_email = "changed-" + who["email"]
    wizard.submit({"email": new_email})
    link = link_in(mails(app, to=new_email)[0], "/register/verify")
    page = wizard.open(urlsplit(link).path + "?" + urlsplit(link).query)
    assert "Your email address is confirmed." in page.html
    assert heading(wizard.submit()) == "Check your answers"


def test_a_verified_email_kept_on_the_account_step_needs_no_new_code(app, client):
    wizard, who = at_verify(client)
    wizard.submit({"code": latest_code(app, who["email"])})
    wizard.open(f"/register?draft={wizard.page.hidden['draft']}")
    assert heading(wizard.submit({"username": who["username"] + "x"})) == "About you"
    assert len(mails(app, to=who["email"])) == 1


def test_the_code_is_in_no_log_line_draft_row_outbox_row_or_page(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    pages = []
    wizard, who = at_verify(client)
    pages.append(wizard.page.html)
    code = latest_code(app, who["email"])
    pages.append(wizard.submit({"code": wrong(code)}).html)
    pages.append(wizard.submit({"code": code}).html)
    with app.app_context():
        rows = [repr((d.answers, d.password_hash)) for d in db.session.query(Draft)]
        rows += [repr(m.payload) for m in db.session.query(OutboxMessage)]
        rows += [repr((c.code_hash, c.email_key)) for c in db.session.query(VerificationCode)]
    found = re.compile(rf"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])")
    for where in (*pages, *rows, caplog.text):
        assert not found.search(where)
    assert code in text(mails(app, to=who["email"])[0])  # only the mail holds it


def test_a_tenant_that_does_not_verify_has_no_verify_step(app, client):
    wizard = Wizard(client, "/t/plain/register")
    assert "Step 1 of 5" in wizard.page.html
    assert heading(wizard.submit(account())) == "About you"
    assert client.get("/t/plain/register/verify").status_code == 303


def test_purging_expired_drafts_deletes_their_codes(app, client):
    at_verify(client)
    with app.app_context():
        for draft in db.session.query(Draft):
            draft.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["purge-drafts"]).exit_code == 0
    with app.app_context():
        assert db.session.query(VerificationCode).count() == 0
