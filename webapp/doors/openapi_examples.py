"""A working request and its answer for every operation of the OpenAPI document (contract
section 15), as the documentation viewer shows them and as tests send them."""

from webapp.doors.dialects.online_ordering import xml

CUSTOMER_ID = "3f8e2a61-9c1d-4b7e-a5f0-6d2c8b9e1a47"
PASSWORD = "violet-Harbour-tangent-93"
# The example people's usernames and emails, one person a door: the served document gives them a
# suffix of its own each time (openapi.document), so that each example can be sent, after the
# others and again, as it stands.
USERNAME = "ada.lovelace"
EMAIL = "ada@example.com"
ORDERING_EMAIL = "ada.orders@example.com"
ORDERING_XML_EMAIL = "ada.orders.xml@example.com"  # the same operation's XML example
STORE_EMAIL = "ada.shop@example.com"
PERSONAL = (USERNAME, EMAIL, ORDERING_EMAIL, ORDERING_XML_EMAIL, STORE_EMAIL)

NEW_CUSTOMER = {
    "username": USERNAME,
    "password": PASSWORD,
    "email": EMAIL,
    "title": "Ms",
    "forename": "Ada",
    "surname": "Lovelace",
    "dateOfBirth": "1990-03-27",
    "addresses": [
        {
            "addressLine1": "12 St James's Square",
            "city": "London",
            "postcode": "SW1Y 4JH",
            "countryCode": "GB",
        }
    ],
    "consents": {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]},
}
CUSTOMER = {
    "customerId": CUSTOMER_ID,
    "customerNumber": 1,
    "tenantId": "default",
    "externalId": None,
    "username": USERNAME,
    "email": EMAIL,
    "emailVerified": False,
    "emailVerifiedAt": None,
    "title": "Ms",
    "forename": "Ada",
    "surname": "Lovelace",
    "dateOfBirth": "1990-03-27",
    "phone": None,
    "mobile": None,
    "addresses": [
        {
            "addressLine1": "12 St James's Square",
            "addressLine2": None,
            "city": "London",
            "region": None,
            "postcode": "SW1Y 4JH",
            "countryCode": "GB",
        }
    ],
    "consents": {
        "consentIds": ["terms", "privacy"],
        "contactMethods": ["email"],
        "records": [
            {
                "consentId": consent,
                "version": "1",
                "grantedAt": "2026-12-06T09:30:00Z",
                "door": "api",
                "status": "confirmed",
                "confirmedAt": "2026-12-06T09:30:00Z",
                "withdrawnAt": None,
            }
            for consent in ("terms", "privacy")
        ],
    },
    "customAttributes": [],
    "displayName": None,
    "customerType": "Standard",
    "currency": "GBP",
    "gender": None,
    "nationality": None,
    "userId": None,
    "source": "CUSTOMER",
    "createdAt": "2026-12-06T09:30:00Z",
    "loyaltyCardNumber": None,
    "storedValueCardNumber": None,
    "storeProfile": None,
}

IN_REGISTRATION = {
    "Customer": {
        "BirthDate": "1990-03-27T00:00:00",
        "EMail": ORDERING_EMAIL,
        "FirstName": "Ada",
        "LastName": "Lovelace",
        "Phone": "+44 7911 123456",
    },
    "Password": PASSWORD,
    "SecurityQuestion": "First pet's name?",
    "SecurityAnswer": "Rex",
}
IN_REGISTRATION_XML = (
    f'<InRegistration xmlns:i="{xml.XSI}" xmlns="{xml.INBOUND}">'
    f'<Customer xmlns:d2p1="{xml.MODELS}"><d2p1:BirthDate>1990-03-27T00:00:00</d2p1:BirthDate>'
    f"<d2p1:EMail>{ORDERING_XML_EMAIL}</d2p1:EMail><d2p1:FirstName>Ada</d2p1:FirstName>"
    "<d2p1:LastName>Lovelace</d2p1:LastName><d2p1:Phone>+44 7911 123456</d2p1:Phone>"
    f"</Customer><Password>{PASSWORD}</Password><SecurityAnswer>Rex</SecurityAnswer>"
    "<SecurityQuestion>First pet's name?</SecurityQuestion></InRegistration>"
)
CUSTOMER_RESULTS = {"Customer": None, "CustomerId": CUSTOMER_ID, "PrivacySuccess": True}
CUSTOMER_RESULTS_XML = xml.customer_results(None, CUSTOMER_ID, True).decode()

WEB_STORE_CUSTOMER = {
    "email": STORE_EMAIL,
    "password": PASSWORD,
    "billingPerson": {
        "name": "Ada Lovelace",
        "street": "12 St James's Square",
        "city": "London",
        "countryCode": "GB",
        "postalCode": "SW1Y 4JH",
    },
    "taxId": "GB123456789",
    "b2b_b2c": "b2b",
    "acceptMarketing": False,
    "lang": "en",
}
WEB_STORE_CREATED = {"id": 1}
