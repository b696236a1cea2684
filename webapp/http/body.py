"""Reading a request body the JSON doors accept: the media type, the size, then the JSON object."""

import codecs
import json

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.faults import fault


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _whole_number(digits):
    """A JSON integer; one too long for Python's int (over 4,300 digits) stands as infinity,
    which no field takes: valid JSON, refused as the field's wrong type rather than unparsed."""
    try:
        return int(digits)
    except ValueError:
        return float("inf") if digits[0] != "-" else float("-inf")


class _GivenTwice(ValueError):
    pass


def _members_once(pairs):
    """An object whose members are each given once: of two, which one counts is each reader's
    own guess (a proxy that checked the first would pass the second through unchecked)."""
    members = dict(pairs)
    if len(members) < len(pairs):
        seen = set()
        twice = next(name for name, _ in pairs if name in seen or seen.add(name))
        raise _GivenTwice(f"The body gives the member '{twice}' twice")
    return members


def raw_body() -> bytes:
    """The request body, or 413 91006 when it is over MAX_CONTENT_LENGTH, announced or not."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None:
        if request.content_length is not None and request.content_length > limit:
            raise fault(91006)
        # A body without Content-Length (chunked) is cut at the limit without a word: allow one
        # byte more, so that a longer body shows.
        request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise fault(91006) from None
    if limit is not None and len(data) > limit:
        raise fault(91006)
    if request.content_length is not None and len(data) < request.content_length:
        # The connection ended before the announced length (a client gave up, or lied): a body
        # cut short is no body to act on, however well its start parses.
        raise fault(91003)
    return data


def ensure_fits() -> None:
    """413 91006 when the body is over MAX_CONTENT_LENGTH, for a form that is parsed later: a body
    of declared length is then read once, where it is parsed (Werkzeug reads no more than the
    declared length); one sent in chunks is read here to be measured."""
    length = request.content_length
    if length is None:
        raw_body()
    elif (limit := current_app.config["MAX_CONTENT_LENGTH"]) is not None and length > limit:
        raise fault(91006)


def read_body(media_types):
    """The raw body, once its media type is one of `media_types` and it fits the size limit."""
    if request.mimetype not in media_types:
        raise fault(91002)
    # No content coding is decoded here: a gzip body would be read as JSON that does not parse, and
    # a plain one labelled gzip taken as it is (RFC 9110: 415 for a coding the server cannot read).
    if request.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity"):
        raise fault(91002, detail="Content-Encoding is not supported: send the body as it is")
    return raw_body()


def read_json_object(media_types=("application/json",)) -> dict:
    data = read_body(media_types)
    try:
        body = json.loads(
            # A byte order mark, which some .NET writers put first, is ignored (RFC 8259, 8.1).
            data.removeprefix(codecs.BOM_UTF8).decode("utf-8"),
            parse_constant=_refuse_constant,
            parse_int=_whole_number,
            object_pairs_hook=_members_once,
        )
    except _GivenTwice as twice:
        raise fault(91003, detail=str(twice)) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise fault(91003) from None
    if not isinstance(body, dict):
        raise fault(91003, detail="The body must be a JSON object")
    return body
