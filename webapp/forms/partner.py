"""Fields that only a partner's system sends (the JSON API and the dialects), never the person in
the wizard."""

from webapp.forms.rules import TextForm, max_length, optional, text_field


class PartnerForm(TextForm):
    externalId = text_field("External ID", optional, max_length(200))
    # Which types a caller may pick is the tenant's rule, checked by the registration service.
    customerType = text_field("Customer type", optional, max_length(64))
    # The web-store API's, kept with the customer (Customer.extra).
    companyName = text_field("Company name", optional, max_length(100))
    taxId = text_field("Tax ID", optional, max_length(50))
    fiscalCode = text_field("Fiscal code", optional, max_length(50))
