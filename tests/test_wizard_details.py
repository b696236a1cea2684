"""Contract section 15, the details a person notices: / leads to the wizard, the completion page and
the account email offer the tenant's next step (and never a sign-in they cannot link to), consent
labels link to their text, and the embed names each step to its parent."""

import email
from email import policy

import pytest
from conftest import deliver_outbox
from wizard_client import CONSENTS, Wizard, account

ACME = """
[tenants.acme]
name = "Acme Bets"
embed_origins = ["https://partner.example"]
continue_url = "https://acme.example/welcome"
continue_label = "Continue to Acme Bets"

[[tenants.acme.consents]]
id = "terms"
label = "I accept the terms and conditions"
mandatory = true
url = "https://acme.example/terms"

[tenants.plain]
name = "Plain Shop"
"""
PLAIN_EMBED = """
[tenants.plain]
name = "Plain Shop"
embed_origins = ["https://partner.example"]
"""


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("INSTANCE_PATH", str(folder))
    return folder


@pytest.mark.parametrize("path, location", [("/", "/register"), ("/?lang=de", "/register?lang=de")])
def test_the_root_leads_to_the_wizard(client, path, location):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == location


def mail_text(instance):
    [written] = (instance / "outbox-mail").iterdir()
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_the_tenants_next_step_is_offered_on_the_page_and_in_the_email(make_app, instance):
    app = make_app(ACME)
    wizard = Wizard(app.test_client(), "/t/acme/register")
    for fields in (
        account(),
        {"title": "Ms", "surname": "Lovelace"},
        {},
        {"consentIds": ["terms"], "contactMethods": ["email"]},
    ):
        wizard.submit(fields)
    done = wizard.submit()
    link = done.soup.select_one("main a.button")
    assert link.get_text(strip=True) == "Continue to Acme Bets"
    assert link["href"] == "https://acme.example/welcome" and not link.has_attr("target")
    assert "sign in" not in done.soup.get_text().lower()
    deliver_outbox(app)
    text, html = mail_text(instance)
    assert "Continue to Acme Bets: https://acme.example/welcome" in text
    assert 'href="https://acme.example/welcome"' in html
    assert "sign in" not in (text + html).lower()


def test_without_a_next_step_the_page_says_what_happens_next_and_nothing_of_signing_in(
    make_app, instance
):
    app = make_app(ACME)
    done = Wizard(app.test_client(), "/t/plain/register").complete()
    text = done.soup.select_one("main").get_text(" ", strip=True)
    assert "What happens next" in text and "sign in" not in text.lower()
    assert "contact Plain Shop" not in text
    deliver_outbox(app)
    mail, html = mail_text(instance)
    assert "sign in" not in (mail + html).lower() and "Continue to" not in mail


def test_the_embeds_completion_page_does_not_send_the_person_off_the_partners_page(make_app):
    app = make_app(PLAIN_EMBED)
    done = Wizard(app.test_client(), "/t/plain/embed").complete()
    text = done.soup.select_one("main").get_text(" ", strip=True)
    assert "There is nothing more to do in this form." in text
    assert "close this page" not in text


def test_the_default_tenant_completion_page_reads_plainly_in_both_languages(client):
    done = Wizard(client).complete()
    assert "contact Registration" not in done.html
    german = Wizard(client, "/register?lang=de")
    for fields in (account(), {"title": "Ms", "surname": "Lovelace"}, {}, CONSENTS):
        german.submit(fields)
    page = german.submit()
    assert "an Registrierung wenden" not in page.html and "Kundennummer" in page.html


@pytest.mark.parametrize("mode", ["register", "embed"])
def test_a_consent_with_a_url_links_its_label_to_its_text_in_a_new_tab(make_app, mode):
    app = make_app(ACME)
    wizard = Wizard(app.test_client(), f"/t/acme/{mode}")
    for fields in (account(), {"title": "Ms", "surname": "Lovelace"}, {}):
        wizard.submit(fields)
    label = wizard.page.soup.select_one("label[for='consentIds-terms']")
    link = label.select_one("a")
    assert link["href"] == "https://acme.example/terms" and link["target"] == "_blank"
    assert "noopener" in link["rel"]
    assert "(opens in a new tab)" in link.get_text()
    # A consent without one is a plain label.
    assert wizard.page.soup.select_one("label[for='contactMethods-email'] a") is None


def test_the_embed_names_every_step_and_the_completion_leaves_the_frame(make_app):
    app = make_app(ACME)
    wizard = Wizard(app.test_client(), "/t/acme/embed")
    steps = [wizard.page.soup.body["data-step"]]
    for fields in (
        account(),
        {"title": "Ms", "surname": "Lovelace"},
        {},
        {"consentIds": ["terms"], "contactMethods": ["email"]},
    ):
        steps.append(wizard.submit(fields).soup.body["data-step"])
    done = wizard.submit()
    steps.append(done.soup.body["data-step"])
    assert steps == ["account", "profile", "address", "consents", "review", "done"]
    assert done.soup.select_one("main a.button")["target"] == "_top"


def test_a_problem_page_in_the_embed_tells_the_parent_too(make_app):
    # Too many final posts: the page that answers one is a change the partner's page must show.
    app = make_app(PLAIN_EMBED, RATELIMIT_REGISTRATION="1 per hour")
    Wizard(app.test_client(), "/t/plain/embed").complete()
    wizard = Wizard(app.test_client(), "/t/plain/embed")
    wizard.to_review()
    page = wizard.submit()
    assert page.status == 429
    assert page.soup.body["data-step"] == "problem"
