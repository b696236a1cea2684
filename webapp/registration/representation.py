"""The stored customer as the JSON API returns it (contract section 4), and as webhooks carry it."""

from webapp.registration.fields import CONSENT_LISTS, TEXT
from webapp.registration.store_profile import store_profile
from webapp.trust.opt_in import status


def iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def customer_json(customer) -> dict:
    consents, contact_methods = CONSENT_LISTS
    return {
        "customerId": customer.id,
        "customerNumber": customer.tenant_number,
        "tenantId": customer.tenant,
        **{field.name: getattr(customer, field.column) for field in TEXT if not field.secret},
        "emailVerified": customer.email_verified_at is not None,
        "emailVerifiedAt": iso(customer.email_verified_at),
        "addresses": [dict(customer.address)] if customer.address else [],
        "consents": {
            # Those in force: a withdrawn or expired consent is no longer given (its record
            # stays below, with its evidence); a pending one is, awaiting its confirmation.
            consents: [
                record.consent_id
                for record in customer.consents
                if status(record) not in ("withdrawn", "expired")
            ],
            contact_methods: list(customer.contact_methods or []),
            "records": [
                {
                    "consentId": record.consent_id,
                    "version": record.version,
                    "grantedAt": iso(record.granted_at),
                    "door": record.door,
                    "status": status(record),
                    "confirmedAt": iso(record.confirmed_at),
                    "withdrawnAt": iso(record.withdrawn_at),
                }
                for record in customer.consents
            ],
        },
        "customAttributes": [dict(item) for item in customer.custom_attributes or []],
        "userId": customer.user_id,
        "source": customer.source,
        "createdAt": iso(customer.created_at),
        "loyaltyCardNumber": customer.loyalty_card_number,
        "storedValueCardNumber": customer.stored_value_card_number,
        "storeProfile": store_profile(customer),
    }
