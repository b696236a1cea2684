"""Fields that only a partner's system sends (the JSON API and the dialects), never the person in
the wizard."""

from wtforms import StringField

from webapp.forms.rules import TextForm, max_length, optional, strip


class PartnerForm(TextForm):
    externalId = StringField("External ID", filters=[strip], validators=[optional, max_length(200)])
    # Which types a caller may pick is the tenant's rule, checked by the registration service.
    customerType = StringField(
        "Customer type", filters=[strip], validators=[optional, max_length(64)]
    )
    # The web-store API's, kept with the customer (Customer.extra).
    companyName = StringField(
        "Company name", filters=[strip], validators=[optional, max_length(100)]
    )
    taxId = StringField("Tax ID", filters=[strip], validators=[optional, max_length(50)])
    fiscalCode = StringField("Fiscal code", filters=[strip], validators=[optional, max_length(50)])
