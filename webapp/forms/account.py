"""Step 1, account: username, email, password."""

from wtforms import PasswordField, StringField

from webapp.forms.rules import (
    TextForm,
    email_format,
    max_length,
    missing,
    normalize_username,
    required,
    seed,
    strip,
    username_format,
)
from webapp.i18n import N_


class AccountForm(TextForm):
    username = StringField(
        N_("Username"),
        filters=[strip],
        validators=[
            required(seed(90075)),
            max_length(200, seed(90030), normalize_username),
            username_format,
        ],
        description=N_("Letters, numbers and . _ - @ only"),
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    email = StringField(
        N_("Email address"),
        filters=[strip],
        validators=[required(N_("Enter your email address")), max_length(200), email_format],
        render_kw={"autocomplete": "email", "type": "email", "spellcheck": "false"},
    )
    # Passwords are taken exactly as typed: no trimming, no case change. The wizard's hint starts
    # with the tenant's minimum length.
    password = PasswordField(
        N_("Password"),
        validators=[required(seed(90044), missing), max_length(200)],
        description=N_("A few unusual words together are easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password", "spellcheck": "false"},
    )
