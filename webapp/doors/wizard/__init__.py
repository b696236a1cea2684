"""The browser wizard and its embedded form (contract sections 5 and 6)."""

from webapp.doors.wizard import (
    pages,  # noqa: F401  (registers the wizard's error pages)
    verify,  # noqa: F401  (registers the verify step's routes)
)
from webapp.doors.wizard.views import bp

__all__ = ["bp"]
