"""What the wizard tells a person about a fault: a plain instruction in the GOV.UK style, in the
page's language (contract section 3).

The JSON doors answer with the fault table's messages, which API clients match on; a person is told
what to do instead ("Date of birth must be in the past", not "Date of Birth provided is
incorrect"). Where one fault has several causes, the answers say which one it was.
"""

from webapp.doors.wizard.countries import POSTCODE_ERRORS, Layout, layout
from webapp.forms.rules import (
    MAX_AGE,
    Problem,
    age_on,
    normalize_username,
    parse_birth_date,
    utc_today,
)
from webapp.forms.scripts import highly_restrictive
from webapp.i18n import N_, consent_label, gettext, joined
from webapp.registration.passwords import personal_words, strength, weakness
from webapp.registration.rules import Caller, someone_elses_address
from webapp.tenants import BUILT_IN_CONSENTS

# One instruction per fault, where the fault has one cause.
PLAIN = {
    90075: N_("Enter a username"),
    90074: N_("This username is taken – choose another"),
    90044: N_("Enter a password"),
    90038: N_("Select how we may contact you"),
    90067: N_("Select how we may contact you from the choices shown"),
    90066: N_("Select only from the consents shown"),
    90019: N_("Select a currency from the list"),
    91001: N_(
        "An account with this email address already exists – enter a different email address"
    ),
    91015: N_("Enter the code we emailed you, to confirm your email address, before you continue"),
}
# The built-in consents, by their built-in labels, left unticked: "Select that you accept ..."
# reads better than the checkboxes' own labels.
TERMS, PRIVACY = (c.label for c in BUILT_IN_CONSENTS if c.mandatory)
CONSENTS = {
    (TERMS,): N_("Select that you accept the terms and conditions"),
    (PRIVACY,): N_("Select that you accept the privacy policy"),
    (TERMS, PRIVACY): N_("Select that you accept the terms and conditions and the privacy policy"),
}
PASSWORD = {
    "common": N_("This password is too common – choose one that is harder to guess"),
    "personal": N_("Password must not contain your username or the start of your email address"),
    "built": N_("Password must not be made from your name or date of birth"),
}
FALLBACK = N_("Check this answer and try again")


def _username(tenant, answers):
    value = normalize_username(answers.get("username") or "")
    # The wizard's caller never has credentials.
    if someone_elses_address(tenant, Caller(), answers.get("username"), answers.get("email")):
        return gettext(
            "Enter your own email address as your username, or a username that is not an "
            "email address"
        )
    if len(value) > 200:
        return gettext("Username must be 200 characters or fewer")
    if not highly_restrictive(value):
        return gettext("Username must not mix letters from different alphabets")
    return gettext("Username must only include letters, numbers and . _ - @")


def _password(tenant, answers):
    password = answers.get("password") or ""
    born = parse_birth_date(answers.get("dateOfBirth"))
    names = (answers.get("forename"), answers.get("surname"), answers.get("displayName"))
    account = (answers.get("username"), answers.get("email"))
    why = weakness(
        password, tenant.password_min_length, tenant.password_min_score, account, names, born
    )
    if why == "short":
        return gettext(
            "Password must be %(num)s characters or more", num=tenant.password_min_length
        )
    if why in PASSWORD:
        return gettext(PASSWORD[why])
    # Too weak for zxcvbn: its own reason, in the page's language.
    _, advice = strength(password, (*account, *personal_words(names, born)))
    reasons = " ".join(gettext(tip) for tip in advice[:2])
    return " ".join(filter(None, (gettext("Choose a password that is harder to guess."), reasons)))


# Date parts left out, as GOV.UK's date input names them (by the parts' order on the page).
DATE_MISSING = {
    ("day",): N_("Date of birth must include a day"),
    ("month",): N_("Date of birth must include a month"),
    ("year",): N_("Date of birth must include a year"),
    ("day", "month"): N_("Date of birth must include a day and month"),
    ("day", "year"): N_("Date of birth must include a day and year"),
    ("month", "year"): N_("Date of birth must include a month and year"),
}
REAL_DATE = N_("Date of birth must be a real date, like 27 3 1990")


def _unreadable_date(value):
    """What is wrong with a date that is no date: a part left out, a short year, or the rest."""
    parts = value.split("-")  # year-month-day, as the wizard joins its three boxes
    if len(parts) == 3:
        year, month, day = (part.strip() for part in parts)
        given = {"day": day, "month": month, "year": year}
        missing = tuple(name for name, part in given.items() if not part)
        if missing in DATE_MISSING:
            return gettext(DATE_MISSING[missing])
        if year.isascii() and year.isdigit() and len(year) != 4:
            return gettext("Year must include 4 numbers")
    return gettext(REAL_DATE)


def _birth_date(tenant, answers):
    value = answers.get("dateOfBirth") or ""
    born = parse_birth_date(value)
    if born is None:
        return _unreadable_date(value)
    today = utc_today()
    if born > today:
        return gettext("Date of birth must be in the past")
    if age_on(born, today) < tenant.min_age:
        return gettext("You must be %(age)s or older to create an account", age=tenant.min_age)
    if age_on(born, today) > MAX_AGE:
        return gettext("Date of birth must be within the last %(num)s years", num=MAX_AGE)
    return gettext(REAL_DATE)


def _postcode(answers):
    """Named as the country's form labels the field ("ZIP code" for the US)."""
    form = layout((answers.get("countryCode") or "").strip().upper() or None)
    missing, wrong_like, wrong = POSTCODE_ERRORS[form.postcode or Layout.postcode]
    if not (answers.get("postcode") or "").strip():
        return gettext(missing)
    if form.postcode_example:
        return gettext(wrong_like, example=form.postcode_example)
    return gettext(wrong)


def _consent(tenant, answers):
    """Every mandatory consent left unticked, in one instruction: one at a time would send the
    person round again for the next."""
    given = answers.getlist("consentIds")
    missing = [c for c in tenant.mandatory_consents if c.id not in given]
    if not missing:
        return gettext(FALLBACK)
    labels = tuple(c.label for c in missing)
    if labels in CONSENTS and all(c.built_in for c in missing):
        return gettext(CONSENTS[labels])
    quoted = joined(gettext("“%(label)s”", label=consent_label(c)) for c in missing)
    return gettext("Select %(consents)s to continue", consents=quoted)


def instruction(fault, tenant, answers) -> str:
    """The fault as the person reads it. `answers` are the ones the fault was found in (a
    MultiDict of the wizard's field names)."""
    if isinstance(fault.detail, Problem):
        return fault.detail.translated()
    if fault.code in PLAIN:
        return gettext(PLAIN[fault.code])
    explain = {
        90030: lambda: _username(tenant, answers),
        90073: lambda: _password(tenant, answers),
        90020: lambda: _birth_date(tenant, answers),
        90026: lambda: _postcode(answers),
        90037: lambda: _consent(tenant, answers),
    }.get(fault.code)
    return explain() if explain else gettext(FALLBACK)
