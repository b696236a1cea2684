"""Usernames: NFKC first, then letters, digits and . _ - @ only, and no look-alike script mixing
(Unicode Technical Standard #39, "highly restrictive"): 90030 otherwise."""

import unicodedata
import uuid

import pytest
import unicodedataplus
from conftest import CUSTOMERS, faults, unique, valid_customer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import registration
from webapp.tenants import registry


def post_username(client, username):
    return client.post(
        CUSTOMERS, json=valid_customer(username=username, email=f"{unique()}@example.com")
    )


@pytest.mark.parametrize(
    "username",
    [
        "josé",
        "Zoë.Smith",
        "o_neil-2@home",
        # Japanese: the iteration mark and ー are kana too
        "佐々木",
        "ラーメン",
        "ひらがなカタカナ漢字",
        "tanaka太郎",
        "김민준",
        "kim김민준",
        "王小明",
        "Ελένη",
        "Дмитрий",
        "e\u0301clair",  # a combining accent that NFKC composes into é
        # Vowel signs and viramas, marks NFKC leaves as they are, on their script's letters
        "नमस्ते",
        "प्रिया",
        "தமிழ்",
        "মৌমিতা",
        "مُحَمَّد",
        "สวัสดี",
        "q\u0301",  # a Latin accent with no precomposed letter
        "ﬁnn",
        "user²",  # a ligature and a superscript that NFKC makes plain
    ],
)
def test_letters_of_one_script_or_latin_with_cjk_are_accepted(client, username):
    typed = f"{username}_{uuid.uuid4().int % 10**9}"  # digits belong to every script
    response = post_username(client, typed)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["username"] == typed  # stored as typed


@pytest.mark.parametrize(
    "username",
    [
        "p\u0430ypal",  # Latin with a Cyrillic а
        "\u0430dmin",  # a Cyrillic а leading Latin letters
        "g\u03bfogle",  # Latin with a Greek ο
        "\u03a9mega",  # Greek Ω with Latin letters
        "Дмитрийd",  # Cyrillic with a Latin d
        "a한ひ",  # Latin with Korean and Japanese at once
        "abc\u0661\u0662",  # Latin letters with Arabic-Indic digits
    ],
)
def test_mixed_scripts_that_could_pass_for_another_name_are_90030(client, username):
    assert faults(post_username(client, username)) == [(90030, "username")]


@pytest.mark.parametrize(
    "username",
    [
        "ada lovelace",
        "<script>",
        "ada\u202e",
        "ada\u200d",
        "ada\u2060",
        "a\u0338da",
        "\u093eab",  # a Devanagari vowel sign on no letter
        "q" + "\u0301" * 5,  # marks stacked over a letter
        "ada\u093e",  # a Devanagari vowel sign on a Latin letter
        "कि\u093f",  # a mark again, drawn over itself: "कि" to the eye
        "กิ\u0e34",
        "e\u0301\u0301x",  # the first composed into é by NFKC, the second over it
        "ada😀",
        "ada\uff1c",  # fullwidth "<" is "<" once normalised
        "ad/a",
        "ad'a",
        "ad;a",
        "ada\u00a0x",
    ],
)
def test_other_characters_are_90030(client, username):
    assert faults(post_username(client, username)) == [(90030, "username")]


def test_a_look_alike_through_compatibility_forms_is_the_same_username(client):
    plain = unique("admin")
    assert post_username(client, plain).status_code == 201
    # Mathematical bold letters, fullwidth letters and capitals are all "admin..." once normalised.
    bold = "".join(chr(0x1D41A + ord(c) - ord("a")) if c.islower() else c for c in plain)
    for spelling in (bold, plain.upper(), "\uff41" + plain[1:]):
        assert faults(post_username(client, spelling)) == [(90074, "username")], spelling


def test_the_wizard_refuses_a_look_alike_inline_and_on_post(client):
    from wizard_client import Wizard, account

    check = client.post("/register/check/username", data={"username": "p\u0430ypal"})
    assert "Username must not mix letters from different alphabets" in check.get_data(as_text=True)
    page = Wizard(client, "/register").submit(account(username="p\u0430ypal"))
    assert page.status == 422
    assert "Username must not mix letters from different alphabets" in page.html


ALLOWED_MARKS = set("._-@")


def _a_mark_on_a_letter(text, at):
    """A combining mark of some script, on a letter with at most three marks before it."""
    start = at
    while start > 0 and unicodedata.category(text[start - 1]) in ("Mn", "Mc"):
        start -= 1
    return (
        unicodedata.category(text[at]) in ("Mn", "Mc")
        and start > 0
        and unicodedata.category(text[start - 1])[0] == "L"
        and at - start < 4
        and bool(set(unicodedataplus.script_extensions(text[at])) - {"Zyyy", "Zinh"})
    )


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=12))
def test_any_text_is_refused_or_normalises_to_letters_digits_and_marks(app, text):
    with app.test_request_context():
        found = registration.check_field(registry().default, "username", {"username": text}, "api")
    normal = unicodedata.normalize("NFKC", text.strip())
    if found is None:
        assert normal and all(
            c in ALLOWED_MARKS
            or unicodedata.category(c)[0] == "L"
            or unicodedata.category(c) == "Nd"
            or _a_mark_on_a_letter(normal, at)
            for at, c in enumerate(normal)
        ), text
    else:
        assert found.code in (90030, 90075), (text, found)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=12))
def test_a_plain_ascii_username_passes_the_whole_rule(text):
    from webapp.forms.rules import PLAIN_USERNAME, letters_digits_marks_of_one_script

    if PLAIN_USERNAME.fullmatch(text):
        assert letters_digits_marks_of_one_script(text), text
    else:
        assert not letters_digits_marks_of_one_script(text), text
