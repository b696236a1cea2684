"""No English left on a German page: every step, error state, error page, the embed and the account
email, each rendered in German and in English.

Two checks per page: no message of the German catalogue shows its English text on the German page
(where the translation differs), and no piece of text that the English page shows is shown as it
is on the German page, unless it is data (the answers, the tenant's own texts) or a message whose
German is the same word. The second also finds English that was never marked for translation.
"""

import email
import re
from datetime import timedelta
from email import policy
from html import escape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Doctype
from conftest import deliver_outbox
from sqlalchemy import select
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

from webapp.extensions import db
from webapp.models import Draft

PO = Path(__file__).resolve().parents[1] / "webapp/translations/de/LC_MESSAGES/messages.po"
TENANTS = """
[tenants.default]
name = "Acme Bets"
support_email = "help@acme.example"
embed_origins = ["https://partner.example"]

[[tenants.default.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
required = true

[tenants.shut]
registration_open = false
"""
ATTRIBUTE = {"customAttributes.favouriteTeam": "Arsenal"}
# What the tenants file and the person wrote, shown as written in every language.
DATA = [
    "Acme Bets",
    "help@acme.example",
    "Favourite team",
    "Arsenal",
    "Shut",
    *PROFILE.values(),
    *ADDRESS.values(),
]
READ_ATTRIBUTES = (
    "title",
    "alt",
    "aria-label",
    "placeholder",
    "data-cleared",
    "data-hide",
    "data-shown",
    "data-hidden",
    "data-announce",
    "data-title-prefix",
)


def catalogue():
    with open(PO, "rb") as po:
        return [message for message in read_po(po) if message.id]


def _plain(value):
    return value[0] if isinstance(value, (list, tuple)) else value


MESSAGES = catalogue()
SAME_IN_GERMAN = [_plain(m.id) for m in MESSAGES if _plain(m.id) == _plain(m.string)]


def english_pieces():
    """Each translated message's English words, split where its placeholders and tags are."""
    pieces = set()
    for message in MESSAGES:
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        if _plain(message.id) == _plain(message.string):
            continue
        for text in english:
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]*>", text):
                piece = piece.strip(" .,:;()")
                if len(piece) >= 3 and re.search("[A-Za-z]{3}", piece):
                    pieces.add(piece)
    return pieces


ENGLISH = english_pieces()


def texts(html):
    """The pieces of text a person reads or hears on a page (the names of countries, states and
    currencies aside: they come from CLDR, pycountry and the address data, not the catalogue)."""
    soup = BeautifulSoup(html, "html.parser")
    for data in soup.select(
        "select#countryCode option, select#nationality option:not([value='']), "
        "select#region option, script, style, "
        "select#currency option:not([value=''])"
    ):
        data.decompose()
    found = [
        piece for piece in soup.find_all(string=True) if not isinstance(piece, (Comment, Doctype))
    ]
    found += [
        tag[name] for tag in soup.find_all(True) for name in READ_ATTRIBUTES if tag.has_attr(name)
    ]
    return [" ".join(piece.split()) for piece in found if piece.strip()]


def untranslated(german, english, data=()):
    """What the German page still says in English (`data`: more that is shown as written)."""
    left = []
    joined = "\n".join(german)
    for piece in ENGLISH:
        if re.search(r"(?<![\w-])" + re.escape(piece) + r"(?![\w-])", joined):
            left.append(piece)
    shown_in_english = set(english)
    for piece in german:
        if piece not in shown_in_english:
            continue
        rest = piece
        for known in sorted([*DATA, *data, *SAME_IN_GERMAN], key=len, reverse=True):
            rest = rest.replace(known, "")
        rest = re.sub(r"%\(\w+\)s|[\W\d_]+", " ", rest).replace("optional", "")
        if re.search("[A-Za-z]{2}", rest):
            left.append(piece)
    return sorted(set(left))


class Pages:
    """Collects each page twice, in German and in English, and checks them at the end."""

    def __init__(self, client, data=()):
        self.client = client
        self.data = data
        self.seen = {}

    def get(self, name, url):
        self._both(
            name,
            lambda lang: self.client.get(
                url + ("&" if "?" in url else "?") + f"lang={lang}", follow_redirects=True
            ),
        )

    def post(self, name, url, data, headers=None, status=None):
        def ask(lang):
            return self.client.post(url, data={**data, "lang": lang}, headers=headers or {})

        self._both(name, ask, status)

    def _both(self, name, ask, status=None):
        answers = {lang: ask(lang) for lang in ("en", "de")}
        for lang, response in answers.items():
            assert response.status_code < 500 or status == 500, (name, lang)
            if status is not None:
                assert response.status_code == status, (name, lang)
        self.add(name, answers["de"].get_data(as_text=True), answers["en"].get_data(as_text=True))

    def add(self, name, german, english):
        assert german != english, name
        self.seen[name] = (texts(german), texts(english))

    def english_left(self):
        return {
            name: left
            for name, (german, english) in self.seen.items()
            if (left := untranslated(german, english, self.data))
        }


@pytest.fixture
def app(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app(TENANTS, RATELIMIT_VALIDATION="200 per minute")


def test_the_checks_find_english_on_a_german_page():
    german = texts("<p>Weiter</p><p>Back</p><button>Send now</button>")
    english = texts("<p>Continue</p><p>Back</p><button>Send now</button>")
    assert untranslated(german, english) == ["Back", "Send now"]
    assert (
        untranslated(texts("<p>Acme Bets (optional)</p>"), texts("<p>Acme Bets (optional)</p>"))
        == []
    )


@pytest.mark.slow
def test_every_step_and_error_state_is_wholly_german(app):
    client = app.test_client(use_cookies=False)
    who = account()
    pages = Pages(client, data=(who["username"], who["email"]))
    pages.get("account", "/register")
    pages.post("account, nothing given", "/register", {})
    pages.post(
        "account, all wrong",
        "/register",
        {"username": "<b>x</b>", "email": "ada@", "password": "password1"},
    )
    pages.post(
        "password check",
        "/register/check/password",
        {"password": "qwerty2019", "username": "ada"},
        {"HX-Request": "true"},
    )
    pages.post(
        "password check, repeats",
        "/register/check/password",
        {"password": "aaaaaaaaa"},
        {"HX-Request": "true"},
    )
    pages.post(
        "password check, sequence",
        "/register/check/password",
        {"password": "abcdefgh"},
        {"HX-Request": "true"},
    )

    wizard = Wizard(client, "/register?lang=de")
    wizard.submit(who)
    draft = wizard.page.hidden["draft"]
    pages.get("profile", f"/register/profile?draft={draft}")
    pages.post(
        "profile, all wrong",
        "/register/profile",
        {
            "draft": draft,
            "title": "",
            "surname": "",
            "forename": "Ada\tx",
            "displayName": "x" * 101,
            "dateOfBirth-day": "1",
            "dateOfBirth-month": "1",
            "dateOfBirth-year": "3000",
            "phone": "12",
            "mobile": "x",
            "nationality": "XX",
            "gender": "g" * 21,
            "currency": "XYZ",
        },
    )
    pages.post(
        "profile, too young",
        "/register/profile",
        {"draft": draft, **PROFILE, "dateOfBirth-year": "2025", **ATTRIBUTE},
    )
    wizard.submit({**PROFILE, **ATTRIBUTE})

    pages.get("address", f"/register/address?draft={draft}")
    for country in ("US", "GB", "IE", "AE", "HK", "JP"):
        pages.post(
            f"address for {country}",
            "/register/check/countryCode",
            {"draft": draft, "countryCode": country},
            {"HX-Request": "true"},
        )
    pages.post(
        "address, no country",
        "/register/check/countryCode",
        {"draft": draft, "countryCode": "", "city": "x"},
        {"HX-Request": "true"},
    )
    pages.post(
        "address, all wrong",
        "/register/address",
        {"draft": draft, "addressLine2": "y" * 101, "postcode": "nope", "countryCode": "GB"},
    )
    pages.post("address, no country", "/register/address", {"draft": draft, "city": "London"})
    wizard.submit(ADDRESS)

    pages.get("consents", f"/register/consents?draft={draft}")
    pages.post("consents, none", "/register/consents", {"draft": draft})
    pages.post(
        "consents, unknown",
        "/register/consents",
        {"draft": draft, "consentIds": "nope", "contactMethods": "pigeon"},
    )
    wizard.submit(CONSENTS)

    pages.get("review", f"/register/review?draft={draft}")
    # Someone else takes the username meanwhile: the review shows the vendor fault.
    review = dict(wizard.page.values)
    rival = Wizard(app.test_client())
    for fields in (
        account(username=who["username"]),
        {**PROFILE, **ATTRIBUTE},
        ADDRESS,
        CONSENTS,
        {},
    ):
        rival.submit(fields)
    assert rival.page.soup.select_one("[data-customer-id]") is not None
    pages.post("review, username taken", "/register/review", review, status=422)

    assert pages.english_left() == {}


def test_the_completion_page_the_embed_and_the_email_are_wholly_german(app):
    pages = Pages(app.test_client())
    pages.get("embed", "/t/default/embed")
    done = {}
    for lang in ("de", "en"):
        wizard = Wizard(app.test_client(), f"/t/default/embed?lang={lang}")
        for fields in (account(), {**PROFILE, **ATTRIBUTE}, ADDRESS, CONSENTS, {}):
            wizard.submit(fields)
        assert wizard.page.soup.select_one("[data-customer-id]") is not None
        done[lang] = wizard.page.html
    pages.add("done", done["de"], done["en"])

    assert deliver_outbox(app)["sent"] == 2
    mails = {}
    for path in (Path(app.instance_path) / "outbox-mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        lines = "".join(
            f"<p>{escape(line)}</p>" for line in [message["Subject"], *text.splitlines()]
        )
        mails[BeautifulSoup(html, "html.parser").html["lang"]] = (lines, html)
    for index, part in enumerate(("text", "html")):
        pages.add(f"email ({part})", mails["de"][index], mails["en"][index])
    assert pages.english_left() == {}


def test_the_error_pages_are_wholly_german(app, make_app, monkeypatch):
    pages = Pages(app.test_client())
    pages.get("not found", "/register/nowhere")
    pages.get("unknown tenant", "/t/nobody/register")
    pages.get("closed", "/t/shut/register")
    response = app.test_client().post("/register/done?lang=de")
    assert response.status_code == 405
    pages.add(
        "method not allowed",
        response.get_data(as_text=True),
        app.test_client().post("/register/done?lang=en").get_data(as_text=True),
    )

    wizard = Wizard(app.test_client(), "/register")
    wizard.submit(account())
    with app.app_context():
        draft = db.session.execute(select(Draft)).scalar_one()
        draft.expires_at -= timedelta(hours=25)
        db.session.commit()
    pages.get("expired", f"/register/profile?draft={wizard.page.hidden['draft']}")

    guarded = make_app(TENANTS, WTF_CSRF_ENABLED=True, RATELIMIT_VALIDATION="1 per hour")
    strict = Pages(guarded.test_client())
    strict.post("csrf", "/register", {**account(), "csrf_token": ""}, status=400)
    strict.post(
        "csrf, inline",
        "/register/check/surname",
        {"csrf_token": ""},
        {"HX-Request": "true"},
        status=400,
    )
    limited = Pages(
        make_app(
            TENANTS, RATELIMIT_VALIDATION="1 per hour", RATELIMIT_USERNAME_CHECK="1 per hour"
        ).test_client()
    )
    limited.post("first", "/register/check/username", {"username": "x"}, {"HX-Request": "true"})
    limited.post("rate limited", "/register", account(), status=429)
    limited.post(
        "rate limited, inline",
        "/register/check/surname",
        {"surname": "x"},
        {"HX-Request": "true"},
        status=429,
    )

    huge = {"username": "x" * 70_000}
    german = app.test_client().post("/register?lang=de", data=huge)
    english = app.test_client().post("/register?lang=en", data=huge)
    assert german.status_code == 413
    pages.add("too large", german.get_data(as_text=True), english.get_data(as_text=True))

    from webapp import registration

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(registration, "check", broken)
    pages.post("system failure", "/register", account(), status=500)
    for collected in (pages, strict, limited):
        assert collected.english_left() == {}


def test_tenant_texts_stay_as_written_but_the_built_in_ones_are_translated(make_app):
    client = make_app("""
        [tenants.own]
        name = "Own Club"
        [[tenants.own.consents]]
        id = "terms"
        label = "I agree to the house rules"
        mandatory = true
    """).test_client()
    german = BeautifulSoup(client.get("/register?lang=de").get_data(as_text=True), "html.parser")
    assert german.select_one(".masthead").get_text(strip=True) == "Registrierung"
    wizard = Wizard(client, "/t/own/register?lang=de")
    for fields in (account(), PROFILE, {}):
        wizard.submit(fields)
    labels = [label.get_text(strip=True) for label in wizard.page.soup.select(".checkbox-label")]
    assert labels[0] == "I agree to the house rules"
    assert labels[1:] == ["E-Mail", "SMS", "Anruf", "Post"]
