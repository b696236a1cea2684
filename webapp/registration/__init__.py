"""The one registration service: every door checks and stores customers through `service`.

`representation` is the stored customer as the doors return it; `passwords` and `loyalty` are the
parts of the rules that need more than a form.
"""
from webapp.metrics import counting_registrations
from webapp.registration.service import (
                                         Caller,
                                         Options,
                                         address_given_data,
                                         check,
                                         check_field,
                                         ensure_open,
                                         find,
                                         register,
)

register = counting_registrations(register)  # every door's outcomes, counted for /metrics

__all__ = ["Caller", "Options", "address_given_data", "check", "check_field", "ensure_open",
           "find", "register"]
