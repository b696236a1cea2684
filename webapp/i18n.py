"""Languages: which one a page is in, and the texts whose translation is not a catalogue lookup.

A page is in the language that `?lang=` names (or the `lang` field of a posted form, which the
wizard carries from step to step), else the best of the browser's `Accept-Language`, else English.
Only languages with a compiled catalogue under `webapp/translations/` count; others fall through.
Messages are written in English and marked for `pybabel extract` (`N_` in Python, `_` and
`{% trans %}` in templates); the wizard, the embed and the account email translate them where they
are shown. The JSON doors never do: they keep the vendor APIs' English, which clients match on.
"""

import gettext as catalogues
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import format_timedelta, get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from webapp.extensions import babel

SOURCE = "en"  # the language the messages are written in
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def N_(message):
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


# zxcvbn's advice on a password (zxcvbn-rs-py's texts), which it writes in English; listed so that
# it is translated.
PASSWORD_ADVICE = (
    N_("Use a few words, avoid common phrases."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Add another word or two. Uncommon words are better."),
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_("Use a longer keyboard pattern with more turns."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Avoid repeated words and characters."),
    N_("Sequences like abc or 6543 are easy to guess."),
    N_("Avoid sequences."),
    N_("Recent years are easy to guess."),
    N_("Avoid recent years."),
    N_("Avoid years that are associated with you."),
    N_("Dates are often easy to guess."),
    N_("Avoid dates and years that are associated with you."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Capitalization doesn't help very much."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Reversed words aren't much harder to guess."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
)


def languages() -> tuple[str, ...]:
    """The languages pages can be in: English, then those with a compiled catalogue."""
    return current_app.extensions["languages"]


def supported(tag) -> str | None:
    """The supported language a tag such as `de`, `de-AT` or `DE_at` names, if any."""
    return _supported_in(tag, languages())


def _supported_in(tag, known) -> str | None:
    if not isinstance(tag, str):
        return None
    tag = tag.strip().replace("_", "-").lower()
    return next((lang for lang in (tag, tag.partition("-")[0]) if lang in known), None)


def _asked():
    asked = request.args.get("lang")
    if asked is None and request.method == "POST" and request.mimetype in FORM_TYPES:
        try:
            asked = request.form.get("lang")
        except HTTPException:
            asked = None  # a body too large to read, say: its error page goes by the header
    return asked


def chosen() -> str | None:
    """The language this request asks for itself (`?lang=`, or a posted `lang` field): read
    once a request, as the wizard and the locale both ask."""
    if not has_request_context():
        return None
    if "asked_language" not in g:
        g.asked_language = supported(_asked())
    return g.asked_language


def _preferred():
    """The browser's most preferred language that there is a catalogue for (Accept-Language,
    best first; "de-CH" counts as "de" before a less preferred "en" does)."""
    return _preferred_in(request.headers.get("Accept-Language", ""), languages())


def accepted() -> str | None:
    """The language of the mails an API request causes: the best of its `Accept-Language` (a
    partner's front end sends the person's browser's; a partner's server can pass it on), or None
    (English). The answer itself stays in the vendor APIs' English."""
    return _preferred() if has_request_context() else None


@lru_cache(maxsize=256)
def _preferred_in(header, known):
    # A browser sends the same header with each request, and most browsers one of a few: each
    # header is parsed and matched once.
    return next(
        (
            lang
            for tag, quality in parse_accept_header(header, LanguageAccept)
            if quality > 0 and (lang := _supported_in(tag, known))
        ),
        None,
    )


def select_language():
    if not has_request_context():
        return None  # the default; the mailer forces the customer's language
    return _locale_of(chosen() or _preferred() or SOURCE)


@lru_cache(maxsize=64)
def _locale_of(language) -> Locale:
    """The Locale of a supported language, made once (Flask-Babel takes a Locale as it is)."""
    return Locale.parse(language)


def _locale():
    """The request's locale, as `get_locale`, from where Flask-Babel keeps it once chosen (and
    `force_locale` sets it): one lookup instead of its several, for a page's many messages."""
    try:
        kept = g.get("_flask_babel")
    except RuntimeError:  # outside an application context
        return None
    locale = getattr(kept, "babel_locale", None)
    return locale if locale is not None else get_locale()


def translations():
    """The current language's catalogue. Flask-Babel finds it again for every message (several
    context lookups and the locale made a string: most of a message's cost); this keeps it for
    the request beside its locale, so that `force_locale` (the account email) still switches it."""
    locale = _locale()
    if locale is None:  # outside a request: no language, the messages as written
        return get_translations()
    kept = g.get("catalogue")
    if kept is None or kept[0] is not locale:
        kept = g.catalogue = (locale, get_translations())
    return kept[1]


def gettext(message, **variables) -> str:
    """`message` in the current language (as Flask-Babel's `gettext`, with the catalogue kept)."""
    text = translations().ugettext(message)
    return text % variables if variables else text


@pass_eval_context
def _template_gettext(eval_context, message, **variables):
    text = translations().ugettext(message)
    if eval_context.autoescape:
        text = Markup(text)
    # Always a format string ("%%" is "%"), but one without a "%" is its own result.
    return text % variables if variables or "%" in text else text


def ngettext(singular, plural, num, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def current() -> str:
    locale = _locale()
    return locale.language if locale else SOURCE


def in_source_language() -> bool:
    return current() == SOURCE


def _sort_key(name):
    """Alphabetical order that files "Ägypten" under A: accents aside, case aside."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=8)
def _pycountry(domain, lang):
    return catalogues.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


@lru_cache(maxsize=8)
def _countries(lang):
    territories = Locale.parse(lang).territories
    names = {}
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        names[country.alpha_2] = territories.get(country.alpha_2) or _pycountry(
            "iso3166-1", lang
        ).gettext(english)
    return tuple(sorted(names.items(), key=lambda item: _sort_key(item[1])))


def countries() -> tuple[tuple[str, str], ...]:
    """Every ISO 3166-1 country as (alpha-2 code, name in the current language), by name."""
    return _countries(current())


@lru_cache(maxsize=8)
def _country_names(lang):
    return dict(_countries(lang))


def country_name(code) -> str | None:
    return _country_names(current()).get((code or "").upper())


def month_number(text) -> int | None:
    """The month a person wrote by name, as GOV.UK's date input accepts it ("jan", "January",
    "Sept", "März", "Okt."): in any language the pages speak, written out, abbreviated, or its
    first three letters, in any case."""
    return _month_names(languages()).get(_folded(text))


def _folded(name):
    return unicodedata.normalize("NFC", name).strip().rstrip(".").casefold()


@lru_cache(maxsize=4)
def _month_names(known):
    from babel.dates import get_month_names

    names = {}
    for language in known:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=language).items():
                    names[_folded(name)] = number
                    names.setdefault(_folded(name)[:3], number)
    return names


def consent_label(consent) -> str:
    """A consent's label as a person reads it: the service's own translated, a tenant's as
    written."""
    return gettext(consent.label) if consent.built_in else consent.label


def joined(items) -> str:
    """Items as a sentence lists them in the current language ("A, B and C", "A, B und C")."""
    from babel.lists import format_list

    return format_list(list(items), locale=_locale())


def currency_name(code) -> str:
    """A currency's ISO 4217 name (pycountry's), in the current language where it has one."""
    return _pycountry("iso4217", current()).gettext(pycountry.currencies.get(alpha_3=code).name)


def init_app(app):
    babel.init_app(app, locale_selector=select_language)
    with app.app_context():
        found = sorted(str(locale) for locale in babel.list_translations())
    app.extensions["languages"] = (SOURCE, *(lang for lang in found if lang != SOURCE))
    # Templates and `pybabel extract` (babel.cfg) read {% trans %} blocks the same way.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: translations().ugettext(message),
        ngettext=lambda singular, plural, num: translations().ungettext(singular, plural, num),
        pgettext=lambda context, message: translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, num: translations().unpgettext(
            context, singular, plural, num
        ),
        newstyle=True,
    )
    # `_` and {% trans %} as Jinja's newstyle gettext answers them, in one call instead of four
    # (an alias, two context calls and the function): a page translates a few dozen texts.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    # Texts from the tenants file are shown as written, unless they are the built-in English
    # ones ("Registration", the built-in consents), which the catalogue translates.
    app.jinja_env.filters["translated"] = gettext

    @app.context_processor
    def language():
        return {"language": current()}


def waiting(headers) -> str:
    """When a rate-limited person may try again, in words: "Try again in 59 minutes"."""
    try:
        seconds = max(int(headers.get("Retry-After", "")), 1)
    except ValueError:
        return gettext("Try again later.")
    # Whole units, rounded up: 3,599 seconds is "60 minutes", never a promise of "1 hour" early.
    for unit, size in (("minute", 60), ("hour", 3600)):
        if seconds <= size * (60 if unit == "minute" else 48):
            return gettext(
                "Try again in %(wait)s.",
                wait=format_timedelta(
                    -(-seconds // size) * size, granularity=unit, threshold=10**6
                ),
            )
    return gettext("Try again tomorrow.")
