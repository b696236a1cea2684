"""`GET /api/docs`: the OpenAPI document (`/api/openapi.json`) for people, rendered by Swagger UI.

Swagger UI comes from the npm registry (`swagger-ui-dist`); scripts/setup copies its bundle and
style sheet into static/vendor/swagger-ui, so the page asks no other origin for anything and keeps
the service's Content-Security-Policy. "Try it out" sends its requests to this service.
"""

from flask import Blueprint, render_template

from webapp.extensions import limiter

bp = Blueprint("api_docs", __name__)
limiter.exempt(bp)


@bp.get("/api/docs")
def docs():
    response = render_template("api/docs.html")
    return response, 200, {"Cache-Control": "public, max-age=300"}
