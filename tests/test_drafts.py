"""Drafts: named by a signed token, kept 24 hours, surviving a restart, purged by a command."""

from datetime import timedelta

from sqlalchemy import select
from wizard_client import PROFILE, Wizard, account

from webapp.doors.wizard import drafts
from webapp.extensions import db
from webapp.models import Draft, utcnow


def load(token, tenant):
    """The live draft a token names, as the wizard finds it."""
    return drafts.find(drafts.draft_id(token), tenant)


def new_draft(app, tenant="default", answers=None):
    with app.app_context():
        draft = drafts.start(tenant)
        drafts.save(draft, answers or {"username": ["ada"]})
        return draft.id, drafts.token(draft)


def test_a_token_names_its_draft_and_nothing_else(app):
    draft_id, token = new_draft(app)
    with app.app_context():
        assert load(token, "default").id == draft_id
        assert load(token[:-2] + "xx", "default") is None  # tampered
        assert load(draft_id, "default") is None  # a bare id is no token
        assert load(token, "acme") is None  # another tenant's wizard
        assert load(None, "default") is None


def test_a_token_signed_with_another_key_is_refused(make_app):
    _, token = new_draft(make_app())
    other = make_app(SECRET_KEY="another-key")
    with other.app_context():
        assert load(token, "default") is None


def test_a_draft_expires_24_hours_after_it_was_made(app):
    draft_id, token = new_draft(app)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        assert draft.expires_at - draft.created_at == timedelta(hours=24)
        draft.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert load(token, "default") is None


def test_purge_drafts_deletes_only_expired_ones(app):
    old_id, _ = new_draft(app)
    young_id, _ = new_draft(app)
    with app.app_context():
        db.session.get(Draft, old_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-drafts"])
    assert result.exit_code == 0 and "Deleted 1 expired draft" in result.output
    with app.app_context():
        assert db.session.execute(select(Draft.id)).scalars().all() == [young_id]


def test_a_draft_survives_a_restart_of_the_service(make_app):
    first = make_app()
    wizard = Wizard(first.test_client(use_cookies=False))
    who = account()
    wizard.submit(who)
    wizard.submit(PROFILE)
    address_page = wizard.page.path
    restarted = make_app()  # a new process on the same database and SECRET_KEY
    wizard.client = restarted.test_client(use_cookies=False)
    page = wizard.open(address_page)
    assert page.soup.h1.get_text(strip=True) == "Your address"
    page = wizard.open(page.soup.select_one(".back-link")["href"])
    assert page.value("surname") == "Lovelace"


def test_completing_forgets_answers_and_hash(app):
    draft_id, _ = new_draft(app)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        drafts.save(draft, {}, password_hash="$argon2id$fake")
        drafts.complete(draft, "4a1c0a55-0000-4000-8000-000000000000")
        draft = db.session.get(Draft, draft_id)
        assert (draft.answers, draft.password_hash) == ({}, None)
        assert draft.customer_id == "4a1c0a55-0000-4000-8000-000000000000"
