"""Static files, served by WhiteNoise in front of the app from the build (`static_build`): under
their hashed names with a year's `immutable` caching, under their own names (the partners'
`embed.js`) revalidated on each use, and gzip or Brotli as the browser accepts, precompressed.
Templates name them with `static_url("css/wizard.css")`, which gives the hashed URL.
"""

import re
from pathlib import Path

from flask import request
from whitenoise import WhiteNoise

from webapp.http import headers as security_headers
from webapp.http.static_build import DIGEST_LENGTH, build, read_manifest

YEAR = 365 * 24 * 60 * 60
HASHED = re.compile(rf"\.[0-9a-f]{{{DIGEST_LENGTH}}}(\.[^./]+)?$")


class StaticFiles(WhiteNoise):
    FOREVER = YEAR  # what WhiteNoise sends with `immutable` (its own default is ten years)


def _security_headers(app) -> list[tuple[str, str]]:
    """The headers every response of the app carries (a static file's: no nonce, no framing),
    taken from the one place that sets them."""
    with app.test_request_context():
        response = app.response_class()
        before = set(response.headers.keys())
        security_headers.apply(response)
    return [(key, value) for key, value in response.headers.items() if key not in before]


def init_app(app):
    folder = build(Path(app.static_folder))
    prefix = app.static_url_path + "/"
    urls = {name: prefix + hashed for name, hashed in read_manifest(folder).items()}
    fixed = _security_headers(app)

    def add_headers(headers, path, url):
        for key, value in fixed:
            headers[key] = value

    app.wsgi_app = StaticFiles(
        app.wsgi_app,
        root=folder,
        prefix=prefix,
        max_age=0,
        allow_all_origins=False,
        immutable_file_test=lambda path, url: HASHED.search(url) is not None,
        add_headers_function=add_headers,
    )

    def static_url(name: str) -> str:
        """The URL of static file `name` under its hashed name, built once at start-up."""
        return request.script_root + urls[name]

    app.jinja_env.globals["static_url"] = static_url
