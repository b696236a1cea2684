"""Between the wizard's forms and the service's answers: which fields a step has, what a post
gives (nothing but the step's own fields), and the GOV.UK date parts of the date of birth."""

from functools import lru_cache

from werkzeug.datastructures import MultiDict

from webapp import i18n
from webapp.forms import blank_form, field_names
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.rules import phone_number
from webapp.registration.fields import CONSENT_LISTS

DATE = "dateOfBirth"
DATE_PARTS = ("day", "month", "year")
LISTS = CONSENT_LISTS  # one checkbox per value
SECRET = "password"  # checked and hashed, never kept or shown
COUNTRY = "countryCode"  # the address's country, which national phone numbers are read with


def joined_date(form) -> str:
    """`dateOfBirth` from its day, month and year parts (or as one field, which is also allowed).

    A month may be written by name ("jan", "März"). Parts that are not numbers are passed on as
    they are, for the service to refuse."""
    day, month, year = (form.get(f"{DATE}-{part}", "").strip() for part in DATE_PARTS)
    if not (day or month or year):
        return form.get(DATE, "")
    month = str(i18n.month_number(month) or month)
    numbers = all(p.isascii() and p.isdigit() for p in (day, month, year))
    if numbers and len(day) <= 2 and len(month) <= 2 and len(year) == 4:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


def date_parts(shown) -> dict:
    """What each date box shows: the parts as typed, else the stored date split up."""
    if any(f"{DATE}-{part}" in shown for part in DATE_PARTS):
        return {part: shown.get(f"{DATE}-{part}", "") for part in DATE_PARTS}
    year, _, rest = (shown.get(DATE) or "").partition("-")
    month, _, day = rest.partition("-")
    return {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}


def posted(step, tenant, form, draft_answers=None) -> MultiDict:
    """A step's answers from a form post; anything else the post carries is ignored.

    The profile's also carry the address's country from the draft, once the address step has
    passed (on coming back to the profile), so that a national phone number counts. Only the
    profile form's own fields are checked and kept."""
    answers = MultiDict()
    for name in field_names(step, tenant):
        if name in LISTS:
            answers.setlist(name, [value for value in form.getlist(name) if value])
        elif name == DATE:
            answers[name] = joined_date(form)
        else:
            answers[name] = form.get(name, "")
    if step == "profile" and (draft_answers or {}).get(COUNTRY):
        answers.setlist(COUNTRY, draft_answers[COUNTRY])
    if step == "address" and not any(
        answers.get(name, "").strip() for name in ADDRESS_PARTS if name != COUNTRY
    ):
        answers[COUNTRY] = ""  # the preselected country alone is no address (it is optional)
    return answers


@lru_cache(maxsize=512)
def reads_country(step, tenant, name) -> bool:
    """True if the field's checks read the country `posted` carries from the draft into the
    profile's answers (a phone number, which may be written in national form)."""
    if step != "profile":
        return False
    return any(check is phone_number for check in blank_form(step, tenant)[name].validators)


def kept(answers: MultiDict, step, tenant) -> dict:
    """What a draft keeps of a passed step: every field of it (so the step counts as passed),
    the password excepted."""
    return {name: answers.getlist(name) for name in field_names(step, tenant) if name != SECRET}


def stored(draft_answers: dict) -> MultiDict:
    """A draft's answers as the service takes them."""
    return MultiDict(draft_answers)


def passed(draft_answers: dict, step, tenant) -> bool:
    return any(name in draft_answers for name in field_names(step, tenant))
