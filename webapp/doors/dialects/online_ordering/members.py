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


# What a .NET client that reuses the answer's data contract sends for a read-only member it
# cannot leave empty: the type's default (a Guid, a bool and a DateTime are never null there).
DOTNET_DEFAULTS = {
    "CustomerId": "00000000-0000-0000-0000-000000000000",
    "EmailVerified": "false",
    "EmailVerifiedAt": "0001-01-01T00:00:00",
}


def unread(schema, name, value):
    """Why member `name`, which the door does not read (`name` is None or read-only in `schema`),
    is refused: None when it is ignored, as nil or null (`value` None), or as a read-only
    member's .NET default (JSON's false or the XML text "false" alike)."""
    if value is None:
        return None
    if schema.get(name) != READ_ONLY:
        return "Is not a known field"
    default = DOTNET_DEFAULTS.get(name)
    written = str(value).lower() if isinstance(value, bool | str) else None
    return None if default is not None and written == default.lower() else "Is read-only"


def read(schema, name):
    """Whether the door reads member `name` (a name of `schema`, in its own spelling)."""
    return name in schema and schema[name] != READ_ONLY
