"""Which InRegistration members the door reads, and what it makes of those it does not.

.NET's serializers ignore members a data contract does not have, and a client that reuses the
response's `Customer` contract for the request sends its read-only members as nil or null. So a
nil or null member the door does not read is ignored; with a value, a read-only member is refused
as such and any other as unknown.
"""

READ_ONLY = "read-only"
# Customer's members: None for text the door reads, READ_ONLY for those only the answer fills.
CUSTOMER = {
    "FirstName": None,
    "LastName": None,
    "EMail": None,
    "Phone": None,
    "BirthDate": None,
    "CustomerId": READ_ONLY,
    "EmailVerified": READ_ONLY,
    "EmailVerifiedAt": READ_ONLY,
    "LoyaltyCardNumber": READ_ONLY,
    "StoredValueCardNumber": READ_ONLY,
}
# InRegistration's members: None for text, else the nested member's own members.
REGISTRATION = {
    "Customer": CUSTOMER,
    "Password": None,
    "SecurityQuestion": None,
    "SecurityAnswer": None,
    "Channel": None,
}


def unread(schema, name, null):
    """Why member `name`, which the door does not read (`name` is None or read-only in `schema`),
    is refused: None when it is nil or null and so ignored."""
    if null:
        return None
    return "Is read-only" if schema.get(name) == READ_ONLY else "Is not a known field"


def read(schema, name):
    """Whether the door reads member `name` (a name of `schema`, in its own spelling)."""
    return name in schema and schema[name] != READ_ONLY
