"""The service's root: a person who opens it lands on the default tenant's wizard (section 15)."""

from flask import Blueprint, redirect, request, url_for

bp = Blueprint("home", __name__)


@bp.get("/")
def home():
    # The query goes along, so that /?lang=de opens the German wizard.
    query = request.query_string.decode("ascii", "replace")
    return redirect(url_for("wizard.show") + (f"?{query}" if query else ""), 302)
