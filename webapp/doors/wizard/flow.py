"""The wizard's pages in order, and the visit: which tenant, which layout, which draft."""

from dataclasses import dataclass, field

from flask import request, url_for

from webapp.doors.wizard import drafts, stores
from webapp.doors.wizard.answers import passed
from webapp.forms import STEPS
from webapp.i18n import N_, gettext
from webapp.models import Draft
from webapp.tenants import Tenant
from webapp.trust import honeypot, verification

PAGES = (*STEPS, "review")  # "Step N of 5"; the completion page follows
VERIFY = "verify"  # after the account, for tenants that verify emails (contract section 12)
HEADINGS = {
    "account": N_("Create your account"),
    "verify": N_("Check your email"),
    "profile": N_("About you"),
    "address": N_("Your address"),
    "consents": N_("Consents and contact"),
    "review": N_("Check your answers"),
    "done": N_("Account created"),
}

URLS_AT_MOST = 1024  # the wizard's URLs without a draft's token, kept


def heading(page) -> str:
    return gettext(HEADINGS[page])


@dataclass
class Visit:
    tenant: Tenant
    mode: str  # "register": the service's own pages; "embed": inside a partner's iframe
    draft: Draft | None
    claimed: str | None  # the draft id the request's token names, even one since expired
    language: str | None = None  # the language the visit asked for (?lang=), carried along
    _token: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def embedded(self):
        return self.mode == "embed"

    @property
    def door(self):
        return "embed" if self.embedded else "wizard"

    @property
    def expired(self):
        """The token names a draft this visit cannot go on with: start again."""
        return self.claimed is not None and self.draft is None

    @property
    def lapsed(self):
        """Expired for the reason the page gives: the draft ran out its 24 hours (or has gone,
        as expired drafts do within the hour); not, say, another tenant's draft."""
        return self.expired and drafts.expired(self.claimed, self.tenant.slug)

    @property
    def token(self):
        """The draft's token: the same for a draft every time, so signed once for the visit."""
        if self.draft is None:
            return None
        if self._token is None or self._token[0] is not self.draft:
            self._token = (self.draft, drafts.token(self.draft))
        return self._token[1]

    @property
    def completed(self):
        """True once "Create account" has ended the draft: a customer stored, or a bot's attempt
        stopped (whose completion page is the same, without a number)."""
        draft = self.draft
        return draft is not None and (draft.customer_id is not None or honeypot.ended(draft))

    def url(self, endpoint, **values):
        """A URL of this wizard (posts carry the draft in the form, not in the URL). One without
        a draft's token is the same for every visitor, so it is built once and kept."""
        if "draft" in values:
            return self._build(endpoint, values)
        key = (request.script_root, self.tenant.slug, self.mode, endpoint, *values.items())
        return stores.kept("urls", key, lambda: self._build(endpoint, values), URLS_AT_MOST)

    def _build(self, endpoint, values):
        return url_for(f"wizard.{endpoint}", slug=self.tenant.slug, mode=self.mode, **values)

    def step_url(self, step, **values):
        """A page of this wizard, with the draft token when there is a draft."""
        if self.draft is not None:
            values.setdefault("draft", self.token)
        if self.language:
            values.setdefault("lang", self.language)
        if step == VERIFY:  # a page of its own, with its own views
            return self.url("verify", **values)
        return self.url("show", step=step, **values)

    @property
    def pages(self):
        if verification.applies(self.tenant):
            return (PAGES[0], VERIFY, *PAGES[1:])
        return PAGES

    @property
    def needs_code(self):
        """True while the draft's email awaits its code: no later step may be passed."""
        if not (verification.applies(self.tenant) and self.draft is not None):
            return False
        email = (self.draft.answers.get("email") or [None])[0]
        return email is not None and verification.verified_at(self.draft, email) is None

    def first_open_page(self):
        """The first step not yet passed; "review" when all have been."""
        answers = self.draft.answers if self.draft else {}
        opened = next((s for s in STEPS if not passed(answers, s, self.tenant)), "review")
        return VERIFY if opened != "account" and self.needs_code else opened

    def next_page(self, step):
        following = self.pages[self.pages.index(step) + 1]
        if following == VERIFY and not self.needs_code:  # proved already
            return self.next_page(following)
        return following

    def previous_page(self, step):
        index = self.pages.index(step)
        return self.pages[index - 1] if index else None
