"""The one registration service: every door checks and stores customers through here.

Doors hand in *answers*: a MultiDict keyed by the wizard's field names (which are the JSON names,
with the address and consents flattened and custom attributes as `customAttributes.<name>`).
Faults come back keyed the same way, in the contract's field order; each door maps them onto its
own paths and format.

`fields` is the customer's fields, in order; `policy` what differs about each door; `rules` the
checks; `store` the transaction. `representation` is the stored customer as the doors return it;
`passwords` and `loyalty` are the parts of the rules that need more than a form.
"""

from webapp.metrics import counting_registrations
from webapp.registration.rules import Caller, check, check_field, ensure_open
from webapp.registration.store import Options, address_given_data, find, register

register = counting_registrations(register)  # every door's outcomes, counted for /metrics

__all__ = [
    "Caller",
    "Options",
    "address_given_data",
    "check",
    "check_field",
    "ensure_open",
    "find",
    "register",
]
