"""The web-store door's `storeProfile`: what a web store sent that the canonical customer has no
field for, kept as given under the web-store API's own names (contract section 8).

Every customer representation carries it: an object for customers registered through the web-store
door, null for the others. Its members are always all there, null where the store sent nothing.
"""

WEB_STORE_DOOR = "web_store"
# The members in the order the web-store API's Customer lists them.
MEMBERS = (
    "customerGroupId",
    "companyName",
    "shippingAddresses",
    "taxId",
    "taxIdValid",
    "b2b_b2c",
    "fiscalCode",
    "taxExempt",
    "acceptMarketing",
    "lang",
)


def store_profile(customer):
    if customer.door != WEB_STORE_DOOR:
        return None
    extra = customer.extra or {}
    kept = {
        **extra,
        "companyName": (extra.get("billingPerson") or {}).get("companyName"),
        "lang": customer.language,
    }
    return {name: kept.get(name) for name in MEMBERS}
