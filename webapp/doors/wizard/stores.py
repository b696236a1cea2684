"""What the wizard draws once and keeps (URLs, fields, pages): stores that live with the app, so
that each app draws its own, and that start again when full."""

from flask import current_app


def kept(store: str, key, make, at_most: int):
    """What the app's `store` keeps under `key`, made by `make()` on first use."""
    found = current_app.extensions.setdefault(f"wizard.{store}", {})
    value = found.get(key)
    if value is None:
        if len(found) >= at_most:
            found.clear()
        value = found[key] = make()
    return value
