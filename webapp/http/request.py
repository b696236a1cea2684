"""The request class the app uses: Flask's, with query strings that are not UTF-8 read safely."""

from urllib.parse import parse_qsl

from flask import Request as FlaskRequest
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property


class Request(FlaskRequest):
    @cached_property
    def args(self) -> MultiDict[str, str]:
        # Werkzeug keeps a percent-encoded byte that is not UTF-8 as it came, but fails on the
        # same byte sent raw (no browser does; some servers let it through): keep it encoded too.
        return self.parameter_storage_class(
            parse_qsl(
                self.query_string.decode("utf-8", "werkzeug.url_quote"),
                keep_blank_values=True,
                errors="werkzeug.url_quote",
            )
        )
