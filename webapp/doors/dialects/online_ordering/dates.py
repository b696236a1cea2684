"""The online-ordering API's dates: .NET DateTimes, whose date part is a birth date.

Two forms come in: ISO 8601 (`1990-03-27T00:00:00`, as the vendor's samples and
DataContractSerializer's XML write them) and DataContractJsonSerializer's
`/Date(<ms since 1970 UTC>[±hhmm])/`, where the offset is that of the local time the client meant.
A birth date is answered in the form it came in, so that the client can read it back.
"""

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
DOTNET_JSON = re.compile(r"/Date\((-?[0-9]{1,15})(?:([+-])([0-9]{2})([0-9]{2}))?\)/")


def json_form(text):
    """The offset (`+hhmm`, or "" for none) of a DataContractJsonSerializer date; None for any
    other text."""
    match = DOTNET_JSON.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    return "".join(match.group(2, 3, 4)) if match[2] else ""


def _zone(form):
    if not form:
        return UTC
    sign = -1 if form[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(form[1:3]), minutes=int(form[3:5])))


def date_part(text):
    """The date (YYYY-MM-DD) of a real date-time in either form, in its own time zone; else the
    text as given, which the date rule refuses unless it is a date."""
    text = text.strip()
    try:
        if ISO.fullmatch(text):
            return datetime.fromisoformat(text).date().isoformat()
        form = json_form(text)
        if form is not None:
            milliseconds = int(DOTNET_JSON.fullmatch(text)[1])
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=milliseconds)
            return moment.astimezone(_zone(form)).date().isoformat()
    except (ValueError, OverflowError):
        pass  # out of range, or no such time of day
    return text


def answer(stored, form):
    """A stored birth date (YYYY-MM-DD) as a DateTime in the request's `form` (None: ISO)."""
    if stored is None:
        return None
    if form is None:
        return f"{stored}T00:00:00"
    midnight = datetime.combine(date.fromisoformat(stored), time(), _zone(form))
    milliseconds = (midnight - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    return f"/Date({milliseconds}{form})/"
