"""Static files: named by their content's digest and kept by browsers for a year, precompressed
with gzip and Brotli, so that a first visit costs under 30 KB and a later step only its page."""

import gzip
import re
from pathlib import Path

import brotli
import pytest
from wizard_client import Wizard, account

from webapp.http.static_build import build, read_manifest

STATIC = Path(__file__).resolve().parents[1] / "static"
HASHED = re.compile(r"^/static/(?P<name>.+)\.[0-9a-f]{12}(?P<suffix>\.[a-z]+)$")
YEAR = "max-age=31536000, public, immutable"
FIRST_VISIT_BUDGET = 30 * 1024


def assets(page):
    """The static URLs a page loads: its stylesheets and scripts."""
    return [
        tag.get("href") or tag.get("src")
        for tag in page.soup.select("link[rel=stylesheet], script[src]")
    ]


def source_of(url):
    match = HASHED.match(url)
    assert match, url
    return (STATIC / (match["name"] + match["suffix"])).read_bytes()


@pytest.mark.parametrize("start", ["/register", "/t/acme/embed"])
def test_pages_load_static_files_under_hashed_names_kept_for_a_year(client, start):
    urls = assets(Wizard(client, start).page)
    assert len(urls) >= 3
    for url in urls:
        with client.get(url) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == YEAR
            assert response.data == source_of(url)


@pytest.mark.parametrize(
    "encoding, decompress", [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_static_files_come_compressed_as_the_browser_accepts(client, encoding, decompress):
    url = assets(Wizard(client).page)[0]
    with client.get(url, headers={"Accept-Encoding": f"{encoding}, identity"}) as response:
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        assert int(response.headers["Content-Length"]) < len(source_of(url)) / 2
        assert decompress(response.data) == source_of(url)
    with client.get(url, headers={"Accept-Encoding": "identity"}) as response:
        assert "Content-Encoding" not in response.headers
        assert response.data == source_of(url)


def test_a_first_visit_costs_under_30_kb_and_the_next_step_only_its_page(client):
    wizard = Wizard(client)
    transferred = len(wizard.page.response.data)
    for url in assets(wizard.page):
        with client.get(url, headers={"Accept-Encoding": "br, gzip"}) as response:
            transferred += len(response.data)
    assert transferred < FIRST_VISIT_BUDGET
    first = set(assets(wizard.page))
    wizard.submit(account())
    assert wizard.page.soup.h1 is not None and not wizard.page.errors()
    assert set(assets(wizard.page)) <= first  # all kept by the browser from the first step


def test_the_partner_script_keeps_its_name_and_is_revalidated(client):
    with client.get("/static/embed.js") as response:
        assert response.headers["Cache-Control"] == "max-age=0, public"
        etag = response.headers["ETag"]
    with client.get("/static/embed.js", headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304


def test_an_unknown_static_file_is_a_404(client):
    assert client.get("/static/css/nowhere.0123456789ab.css").status_code == 404


def test_a_build_is_made_once_per_version_of_the_files(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n" * 40)
    first = build(source, tmp_path / "build")
    assert build(source, tmp_path / "build") == first
    manifest = read_manifest(first)
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", manifest["css/site.css"])
    for name in ("css/site.css", manifest["css/site.css"]):
        for variant in ("", ".gz", ".br"):
            assert (first / (name + variant)).is_file()
    (source / "css" / "site.css").write_text("body { color: navy; }\n" * 40)
    second = build(source, tmp_path / "build")
    assert second != first
    assert read_manifest(second)["css/site.css"] != manifest["css/site.css"]
