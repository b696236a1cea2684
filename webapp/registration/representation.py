"""The stored customer as the JSON API returns it (contract section 4), and as webhooks carry it."""


def iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def customer_json(customer) -> dict:
    return {
        "customerId": customer.id,
        "customerNumber": customer.tenant_number,
        "tenantId": customer.tenant,
        "externalId": customer.external_id,
        "username": customer.username,
        "email": customer.email,
        "title": customer.title,
        "forename": customer.forename,
        "surname": customer.surname,
        "dateOfBirth": customer.date_of_birth,
        "phone": customer.phone,
        "mobile": customer.mobile,
        "addresses": [dict(customer.address)] if customer.address else [],
        "consents": {
            "consentIds": [record.consent_id for record in customer.consents],
            "contactMethods": list(customer.contact_methods or []),
            "records": [{"consentId": record.consent_id, "version": record.version,
                         "grantedAt": iso(record.granted_at), "door": record.door}
                        for record in customer.consents],
        },
        "customAttributes": [dict(item) for item in customer.custom_attributes or []],
        "displayName": customer.display_name,
        "customerType": customer.customer_type,
        "currency": customer.currency,
        "gender": customer.gender,
        "nationality": customer.nationality,
        "userId": customer.user_id,
        "source": customer.source,
        "createdAt": iso(customer.created_at),
        "loyaltyCardNumber": customer.loyalty_card_number,
        "storedValueCardNumber": customer.stored_value_card_number,
    }
