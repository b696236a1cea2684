"""Step 4, consents and contact methods. Which ids exist and which are mandatory is the tenant's."""

from wtforms import Form, SelectMultipleField

from webapp.i18n import N_


class ListField(SelectMultipleField):
    """Any number of plain string values (one checkbox each in the wizard)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, validate_choice=False, choices=[], **kwargs)

    def process_formdata(self, valuelist):
        self.data = [value.strip() for value in valuelist]


class ConsentsForm(Form):
    consentIds = ListField(N_("Consents"))
    contactMethods = ListField(N_("How may we contact you?"))
