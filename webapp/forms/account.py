"""Step 1, account: username, email, password."""

from wtforms import PasswordField

from webapp.forms.rules import (
    TextForm,
    email_format,
    max_length,
    missing,
    normalize_username,
    required,
    text_field,
    username_format,
    vendor,
)
from webapp.i18n import N_


class AccountForm(TextForm):
    # Fields whose checks read no other field, here or beyond the form: an inline check binds
    # one of them alone. Not the password, which must not contain the username or the email.
    stands_alone = ("username", "email")

    username = text_field(
        N_("Username"),
        required(vendor(90075)),
        max_length(200, vendor(90030), normalize_username),
        username_format,
        description=N_("Letters, numbers and . _ - @ only"),
        autocomplete="username",
        spellcheck="false",
        autocapitalize="none",
    )
    email = text_field(
        N_("Email address"),
        required(N_("Enter your email address")),
        max_length(200),
        email_format,
        autocomplete="email",
        type="email",
        spellcheck="false",
    )
    # Passwords are taken exactly as typed: no trimming, no case change. The wizard's hint starts
    # with the tenant's minimum length.
    password = PasswordField(
        N_("Password"),
        validators=[required(vendor(90044), missing), max_length(200)],
        description=N_("A few unusual words together are easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password", "spellcheck": "false"},
    )
