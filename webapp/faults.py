"""The fault table (contract section 3): the vendor faults and the product's own, from 91000 up.

A fault is what every door reports when a request cannot be served. Doors render faults in their
own format; nothing else decides codes, statuses or messages.
"""

from dataclasses import dataclass

from webapp.i18n import (
    N_,  # the wizard shows these messages translated; the JSON doors in English
)


@dataclass(frozen=True)
class FaultType:
    status: int
    code: int
    name: str
    message: str


def _table(*rows):
    return {row[2]: FaultType(*row) for row in rows}


FAULTS = _table(
    # The customer API's vendor faults, exactly as its table gives them.
    (400, 90038, "MandatoryContactMethodMissingFault", N_("Contact Method Required")),
    (400, 90026, "InvalidPostcodeFault", N_("Postcode provided is incorrect")),
    (400, 90075, "UsernameRequiredFailureFault", N_("No Username provided")),
    (400, 90044, "PasswordRequiredFault", N_("No Password provided")),
    (
        400,
        90073,
        "UnsafePasswordScoreFault",
        N_("Provided Password does not meet minimum secure requirements"),
    ),
    (404, 90066, "UnknownConsentFault", N_("ConsentId provided does not exist")),
    (404, 90019, "InvalidCurrencyCodeFault", N_("Currency code provided does not exist")),
    (404, 90067, "UnknownContactMethodFault", N_("Contact Method provided does not exist")),
    (400, 90030, "InvalidUsernameFailureFault", N_("Username provided is invalid")),
    (500, 90061, "SystemFailureFault", N_("System Failure, please try again later")),
    (400, 90037, "MandatoryConsentMissingFault", N_("Consent Method Required")),
    (400, 90074, "UsernameExistsFailureFault", N_("Username Provided already exists")),
    (400, 90055, "RegistrationFailureFault", N_("Registration cannot be completed at this time")),
    (400, 90020, "InvalidDateOfBirthFault", N_("Date of Birth provided is incorrect")),
    # The product's own. Add new ones at the end; never reuse a code.
    (400, 91000, "InvalidFieldFault", N_("A field is invalid")),
    (409, 91001, "EmailExistsFault", N_("Email provided already exists")),
    (415, 91002, "UnsupportedMediaTypeFault", N_("Content-Type is not supported")),
    (400, 91003, "MalformedRequestFault", N_("Request body could not be parsed")),
    (429, 91004, "RateLimitedFault", N_("Too many requests, please try again later")),
    (401, 91005, "UnauthorizedFault", N_("Credentials are missing or invalid")),
    (413, 91006, "PayloadTooLargeFault", N_("Request body is larger than 64 KiB")),
    (
        422,
        91007,
        "IdempotencyKeyReusedFault",
        N_("Idempotency-Key was already used with a different request"),
    ),
    (409, 91008, "ExternalIdExistsFault", N_("externalId provided already exists")),
    (404, 91009, "UnknownTenantFault", N_("Tenant does not exist")),
    (
        409,
        91010,
        "IdempotencyKeyInFlightFault",
        N_("A request with this Idempotency-Key is still being processed"),
    ),
    (403, 91011, "ForbiddenFault", N_("These credentials may not act for this store")),
    (404, 91012, "CustomerNotFoundFault", N_("Customer does not exist")),
    (404, 91013, "NotFoundFault", N_("There is nothing at this address")),
    (405, 91014, "MethodNotAllowedFault", N_("This method is not allowed at this address")),
    (400, 91015, "VerificationRequiredFault", N_("The email address must be verified first")),
    (400, 91016, "InvalidCodeFault", N_("The code or link is wrong, spent or expired")),
    (400, 91017, "ChallengeFailedFault", N_("The proof-of-work challenge was not solved")),
    (400, 91018, "DisposableEmailFault", N_("Email addresses at this domain are not accepted")),
    (410, 91019, "CustomerErasedFault", N_("Customer has been erased")),
)
BY_CODE = {fault.code: fault for fault in FAULTS.values()}


@dataclass(frozen=True)
class Fault:
    """One problem found in a request: which fault, which field, and what to tell whom."""

    code: int
    field: str | None = None
    # The message for API clients; vendor faults always carry the vendor table's own message.
    detail: str | None = None

    @property
    def type(self) -> FaultType:
        return BY_CODE[self.code]

    @property
    def status(self) -> int:
        return self.type.status

    @property
    def message(self) -> str:
        return self.detail or self.type.message

    def to_dict(self) -> dict:
        # `field` is always there, null for a fault about no field (a closed registration, a
        # body that does not parse), so that a client can read it from every fault alike.
        return {
            "faultCode": self.code,
            "fault": self.type.name,
            "message": self.message,
            "field": self.field,
        }


class FaultError(Exception):
    """Raised with every fault a request has; the first one decides the HTTP status."""

    def __init__(self, faults, headers=None):
        faults = list(faults)
        assert faults, "a FaultError needs at least one fault"
        super().__init__(", ".join(f"{f.code}@{f.field}" for f in faults))
        self.faults = faults
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return self.faults[0].status

    def to_dict(self) -> dict:
        first = self.faults[0].to_dict()
        del first["field"]
        return {**first, "faults": [fault.to_dict() for fault in self.faults]}


def fault(code: int, field: str | None = None, detail: str | None = None) -> FaultError:
    """A FaultError holding one fault: `raise fault(91005)`."""
    return FaultError([Fault(code, field, detail)])
