"""What differs about each door, declared as data; the service reads a door's policy and never asks
which door called it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DoorPolicy:
    # Fields the door has no place for: their requiredness is waived there (contract section 1).
    waived: frozenset[str] = frozenset()
    # Nor has it a place for the tenant's own attributes.
    waives_custom_attributes: bool = False
    # The door's own password minimum, which holds where the tenant's is lower.
    password_min_length: int = 0
    # Its callers collected consent themselves: the mandatory consents, and the email as the
    # contact method (none where the tenant does not offer email).
    implied_consents: bool = False
    # The door takes one email, which is also the username.
    email_as_username: bool = False
    # It takes the fields only a partner's system sends (forms.PartnerForm).
    partner_fields: bool = True


PERSON = DoorPolicy(partner_fields=False)
ONLINE_ORDERING_PASSWORD_MIN_LENGTH = 7

POLICIES = {
    "wizard": PERSON,
    "embed": PERSON,  # the wizard in a partner's frame
    "api": DoorPolicy(),
    "online_ordering": DoorPolicy(
        waived=frozenset({"title", "contactMethods"}),
        waives_custom_attributes=True,
        password_min_length=ONLINE_ORDERING_PASSWORD_MIN_LENGTH,
        implied_consents=True,
        email_as_username=True,
    ),
    "web_store": DoorPolicy(
        waived=frozenset({"title", "surname", "password", "contactMethods"}),
        waives_custom_attributes=True,
        implied_consents=True,
        email_as_username=True,
    ),
}


def policy_of(door) -> DoorPolicy:
    """The policy of a door; one the table does not name is taken as the JSON API."""
    return POLICIES.get(door, POLICIES["api"])
