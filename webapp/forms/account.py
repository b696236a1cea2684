"""Step 1, account: username, email, password."""
from wtforms import PasswordField, StringField

from .rules import (TextForm, email_format, email_key, max_length, required, seed, strip,
                    username_format, username_key)


class AccountForm(TextForm):
    username = StringField(
        "Username", filters=[strip],
        validators=[required(seed(90075)), max_length(200, seed(90030), username_key),
                    username_format],
        description="Letters, numbers and . _ - @ only",
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
    email = StringField(
        "Email address", filters=[strip],
        validators=[required("Enter your email address"), max_length(200, compared_as=email_key),
                    email_format],
        render_kw={"autocomplete": "email", "type": "email", "spellcheck": "false"})
    # Passwords are taken exactly as typed: no trimming, no case change.
    password = PasswordField(
        "Password",
        validators=[required(seed(90044)), max_length(200)],
        description="At least 8 characters. A few unusual words together are easy to remember "
                    "and hard to guess.",
        render_kw={"autocomplete": "new-password", "spellcheck": "false"})
