"""The wizard's pages in order, and the visit: which tenant, which layout, which draft."""
from dataclasses import dataclass

from flask import url_for

from webapp.doors.wizard import drafts
from webapp.doors.wizard.answers import passed
from webapp.forms import STEPS
from webapp.i18n import N_, gettext
from webapp.models import Draft
from webapp.tenants import Tenant

PAGES = (*STEPS, "review")  # "Step N of 5"; the completion page follows
HEADINGS = {
    "account": N_("Create your account"),
    "profile": N_("About you"),
    "address": N_("Your address"),
    "consents": N_("Consents and contact"),
    "review": N_("Check your answers"),
    "done": N_("Account created"),
}


def heading(page) -> str:
    return gettext(HEADINGS[page])


@dataclass
class Visit:
    tenant: Tenant
    mode: str  # "register": the service's own pages; "embed": inside a partner's iframe
    draft: Draft | None
    claimed: str | None  # the draft id the request's token names, even one since expired
    language: str | None = None  # the language the visit asked for (?lang=), carried along

    @property
    def embedded(self):
        return self.mode == "embed"

    @property
    def door(self):
        return "embed" if self.embedded else "wizard"

    @property
    def expired(self):
        return self.claimed is not None and self.draft is None

    @property
    def token(self):
        return drafts.token(self.draft) if self.draft else None

    @property
    def completed(self):
        return self.draft is not None and self.draft.customer_id is not None

    def url(self, endpoint, **values):
        """A URL of this wizard (posts carry the draft in the form, not in the URL)."""
        return url_for(f"wizard.{endpoint}", slug=self.tenant.slug, mode=self.mode, **values)

    def step_url(self, step, **values):
        """A page of this wizard, with the draft token when there is a draft."""
        if self.draft is not None:
            values.setdefault("draft", self.token)
        if self.language:
            values.setdefault("lang", self.language)
        return self.url("show", step=step, **values)

    def first_open_page(self):
        """The first step not yet passed; "review" when all have been."""
        answers = self.draft.answers if self.draft else {}
        return next((s for s in STEPS if not passed(answers, s, self.tenant)), "review")

    def next_page(self, step):
        return PAGES[PAGES.index(step) + 1]

    def previous_page(self, step):
        index = PAGES.index(step)
        return PAGES[index - 1] if index else None
