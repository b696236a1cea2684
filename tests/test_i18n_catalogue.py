"""The catalogues: every message the code and templates mark is translated in each language, none
is fuzzy or stale, placeholders match, and the compiled .mo files say what the .po files say."""

from pathlib import Path

import pytest
import zxcvbn_rs_py
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from webapp.i18n import PASSWORD_ADVICE

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "webapp" / "translations"
LANGUAGES = sorted(path.name for path in TRANSLATIONS.iterdir() if path.is_dir())


def extracted():
    """What `pybabel extract -F babel.cfg .` finds: {msgid (or (singular, plural)): where}."""
    with open(ROOT / "babel.cfg") as config:
        methods, options = parse_mapping_cfg(config)
    found = {}
    for filename, _, message, _, _ in extract_from_dir(ROOT, methods, options):
        found.setdefault(message, filename)
    return found


def pairs(messages):
    """{msgid: translation}, plural forms as tuples."""

    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {plain(message.id): plain(message.string) for message in messages if message.id}


def catalogue(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def test_german_is_there():
    assert "de" in LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_is_translated_and_none_is_fuzzy_or_stale(lang):
    messages = extracted()
    assert len(messages) > 150  # the extraction found the code and the templates
    po = catalogue(lang)
    kept = {message.id for message in po if message.id}
    missing = sorted(str(m) for m in messages if m not in kept)
    stale = sorted(str(m) for m in kept if m not in messages)
    untranslated = [
        message.id
        for message in po
        if message.id and not (all(message.string) if message.pluralizable else message.string)
    ]
    fuzzy = [message.id for message in po if message.id and message.fuzzy]
    assert (missing, stale, untranslated, fuzzy) == ([], [], [], [])
    assert not po.fuzzy


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_their_message(lang):
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalogue(lang).check()
    ]
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_is_the_one_written(lang):
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as mo:
        compiled = pairs(read_mo(mo))
    assert compiled == pairs(catalogue(lang)), "run: pybabel compile -d webapp/translations"


def test_every_piece_of_zxcvbn_advice_is_listed_for_translation():
    """zxcvbn writes its advice in English; the list in webapp.i18n must follow the library."""
    written = {
        str(getattr(kind, name))
        for kind in (zxcvbn_rs_py.Warning, zxcvbn_rs_py.Suggestion)
        for name in dir(kind)
        if name[0].isupper()
    }
    assert len(written) == 27
    assert written == set(PASSWORD_ADVICE)
