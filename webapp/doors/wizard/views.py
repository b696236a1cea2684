"""The wizard's routes: one page per step, the inline checks, and the final post.

The same routes serve the service's own pages (`/register`, `/t/<tenant>/register`) and the embed
(`/t/<tenant>/embed`); only the layout, the framing policy and the door name differ.
"""

from flask import Blueprint, abort, g, redirect, request
from werkzeug.datastructures import MultiDict

from webapp import i18n, metrics, registration
from webapp.auth import ratelimits
from webapp.console import funnel
from webapp.doors.wizard import access, drafts, guard, ownership
from webapp.doors.wizard.answers import SECRET, kept, posted, reads_country, stored
from webapp.doors.wizard.countries import with_country
from webapp.doors.wizard.fields import one, views
from webapp.doors.wizard.flow import Visit, heading
from webapp.doors.wizard.pages import Translated, render, render_field, render_kept, said
from webapp.faults import FaultError, fault
from webapp.forms import STEPS, step_of
from webapp.http import framing
from webapp.http.body import ensure_fits
from webapp.http.errors import answering
from webapp.registration.passwords import hash_secret, strength
from webapp.tenants import DEFAULT_SLUG, registry
from webapp.trust import enumeration, honeypot, proof_of_work

bp = Blueprint("wizard", __name__)
COOKIE = "wizard_draft"  # lets a bare /register resume; never needed, never set in the embed


def route(suffix, endpoint, methods, **defaults):
    """The same view under /register (default tenant) and /t/<tenant>/(register|embed)."""

    def register(view):
        bp.add_url_rule(
            "/register" + suffix,
            endpoint,
            view,
            methods=methods,
            defaults={"slug": DEFAULT_SLUG, "mode": "register", **defaults},
        )
        bp.add_url_rule(
            "/t/<slug>/<any(register, embed):mode>" + suffix,
            endpoint,
            view,
            methods=methods,
            defaults=defaults,
        )
        return view

    return register


@bp.before_request
def arrive():
    args = request.view_args
    tenant = registry().get(args["slug"])
    if tenant is None:
        raise fault(91009)
    access.ensure_open_to_browsers(tenant, args["mode"])
    if args["mode"] == "embed":
        # Without embed_origins the embed still renders, but no page may frame it.
        framing.allow(tenant.embed_origins)
    registration.ensure_open(tenant)
    posting = request.method == "POST"
    if posting:
        ensure_fits()  # a chunked body over the limit is 413, as a declared one, not cut short
    token = request.form.get("draft") if posting else request.args.get("draft")
    claimed = drafts.draft_id(token)
    # An inline check reads the draft only where its field needs it (`check`).
    draft = drafts.find(claimed, tenant.slug) if request.endpoint != "wizard.check" else None
    if not token and not posting and args["mode"] == "register":
        kept = drafts.draft_id(request.cookies.get(COOKIE))
        resumed = drafts.find(kept, tenant.slug)
        if resumed is not None and resumed.customer_id is None:
            draft, claimed = resumed, resumed.id
        # The person comes back to a bare /register (a bookmark, Back) after 24 hours: said, as a
        # link to the expired draft says it, and the cookie goes.
        g.cookie_expired = resumed is None and drafts.expired(kept, tenant.slug)
    g.visit = Visit(tenant, args["mode"], draft, claimed, i18n.chosen())
    if posting:
        guard.protect(claimed)


def remember(response):
    visit = g.visit
    if g.get("cookie_expired"):
        return forget(response)
    if visit.draft is not None and not visit.embedded:
        response.set_cookie(
            COOKIE,
            visit.token,
            max_age=int(drafts.LIFETIME.total_seconds()),
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def forget(response):
    if request.cookies.get(COOKIE):
        response.delete_cookie(COOKIE, secure=request.is_secure, httponly=True, samesite="Lax")
    return response


def _restart(visit):
    """Back to the first step; it says why when the draft has expired."""
    return redirect(visit.step_url("account", **({"expired": 1} if visit.lapsed else {})), 303)


def _strength(answers):
    password = answers.get(SECRET)
    return strength(password, (answers.get("username"), answers.get("email"))) if password else None


def _step_page(visit, step, shown, errors=None, status=200, advice=None):
    draft = visit.draft
    if step == "address":  # the tenant's country is chosen until the person chooses another
        shown = with_country(shown, visit.tenant)
    fields = views(step, visit.tenant, shown, errors or {})
    then = request.values.get("then") == "review"  # changing an answer from the review
    page = {
        "step": step,
        "number": visit.pages.index(step) + 1,
        "pages": len(visit.pages),
        "back": "review" if then else visit.previous_page(step),
        "password_saved": bool(draft and draft.password_hash),
        "then": then,
        "expired": visit.lapsed or request.args.get("expired") == "1" or g.get("cookie_expired"),
    }
    csrf = guard.token(visit.claimed)
    if not errors and advice is None:
        # No error: the page every visitor sees, but for the tokens and, when they show the
        # visitor's answers, the fields. The heading is the step's in the page's language (both
        # in the key): translated only when the page is drawn.
        common = tuple(f.common() for f in fields)
        apart = None in common
        key = (*page.values(), tuple(f.name for f in fields) if apart else common)
        return remember(
            render_kept(
                f"wizard/{step}.html",
                key,
                status,
                fields_apart=apart,
                heading=Translated(heading, step),
                fields=fields,
                problems=[],
                csrf=csrf,
                **page,
            )
        )
    return remember(
        render(
            f"wizard/{step}.html",
            status,
            fields=fields,
            problems=[(f"#{f.focus_id}", f.error) for f in fields if f.error],
            strength=advice,
            csrf=csrf,
            heading=heading(step),
            **page,
        )
    )


def _answers_now_wrong(visit):
    """The answers that would fail "Create account" now though each passed its step: a phone
    number read in the address's country chosen since, a username taken meanwhile. Shown on the
    review, each with its step's Change link, before the person asks to create the account."""
    answers = stored(visit.draft.answers)
    _, faults = registration.check(
        visit.tenant, answers, visit.door, password_hash=visit.draft.password_hash
    )
    faults, _ = enumeration.split_taken(visit.tenant, faults, answers.get("username"))
    return {f.field: said(f, answers) for f in faults if f.field is not None}


def _review_page(visit, errors=None, status=200):
    shown = stored(visit.draft.answers)
    sections = [
        (step, heading(step), views(step, visit.tenant, shown, errors or {})) for step in STEPS
    ]
    problems = [
        (visit.step_url(step, then="review") + f"#{f.focus_id}", f.error)
        for step, _, fields in sections
        for f in fields
        if f.error
    ]
    unsolved = (errors or {}).get(proof_of_work.FIELD)
    problems += [(f"#{proof_of_work.FIELD}", unsolved)] if unsolved else []
    return remember(
        render(
            "wizard/review.html",
            status,
            step="review",
            number=visit.pages.index("review") + 1,
            pages=len(visit.pages),
            heading=heading("review"),
            sections=sections,
            back="consents",
            problems=problems,
            csrf=guard.token(visit.claimed),
            unsolved=unsolved,
        )
    )


def _done_page(visit):
    """The completion page; for a bot's attempt the same page, with no customer."""
    customer_id = visit.draft.customer_id
    customer = registration.find(visit.tenant, customer_id) if customer_id else None
    if customer is None and not honeypot.ended(visit.draft):
        abort(404)
    return forget(
        render("wizard/done.html", step="done", heading=heading("done"), customer=customer)
    )


@route("", "show", ["GET"], step="account")
@route("/<any(profile, address, consents, review, done):step>", "show", ["GET"])
def show(slug, mode, step):
    visit = g.visit
    if visit.completed:
        return _done_page(visit) if step == "done" else redirect(visit.step_url("done"))
    opened = visit.first_open_page()
    if step == "done" or visit.pages.index(step) > visit.pages.index(opened):
        return _restart(visit) if opened == "account" else redirect(visit.step_url(opened))
    if step == "review":
        return _review_page(visit, _answers_now_wrong(visit))
    if visit.draft is None:
        return _step_page(visit, step, MultiDict())
    # Opened from the review (a Change link, or a problem it listed): an answer that has become
    # wrong since its step was saved says so here too, beside its field.
    wrong = _answers_now_wrong(visit) if request.args.get("then") == "review" else None
    return _step_page(visit, step, stored(visit.draft.answers), wrong)


@route("", "save", ["POST"], step="account")
@route("/<any(profile, address, consents):step>", "save", ["POST"])
@ratelimits.username_probe
def save(slug, mode, step):
    visit, tenant = g.visit, g.visit.tenant
    if visit.completed:
        return redirect(visit.step_url("done"), 303)
    if visit.expired or (visit.draft is None and step != "account"):
        return _restart(visit)
    if step != "account":
        ownership.refuse_unverified(visit)
    answers = posted(step, tenant, request.form, visit.draft and visit.draft.answers)
    saved = visit.draft.password_hash if visit.draft else None
    _, faults = registration.check(tenant, answers, visit.door, steps=(step,), password_hash=saved)
    faults, taken = enumeration.split_taken(tenant, faults, answers.get("username"))
    if faults:
        shown = MultiDict(request.form)
        shown.poplist(SECRET)
        # No strength meter: the password box comes back empty, and its error says why.
        return _step_page(visit, step, shown, {f.field: said(f, answers) for f in faults}, 422)
    hashed = hash_secret(answers[SECRET]) if answers.get(SECRET) else None
    if visit.draft is None:
        visit.draft = drafts.start(tenant.slug)
    honeypot.watch(visit.draft, request.form)
    if step == "account":
        ownership.account_saved(visit, answers["email"], taken)
    drafts.save(visit.draft, kept(answers, step, tenant), hashed)
    funnel.record(visit, step)  # the console's funnel: no answer, no personal data
    then = "review" if request.form.get("then") == "review" else visit.next_page(step)
    if visit.needs_code:  # a new email: its code first, then on as asked
        return remember(
            redirect(
                visit.step_url("verify", **({"then": "review"} if then == "review" else {})), 303
            )
        )
    return remember(redirect(visit.step_url(then), 303))


@route("/review", "create", ["POST"])
@ratelimits.registration
def create(slug, mode):
    visit = g.visit
    if visit.completed:
        return redirect(visit.step_url("done"), 303)
    if visit.draft is None:
        return _restart(visit)
    metrics.attempted(visit.tenant, visit.door)
    ownership.refuse_unverified(visit)
    if visit.first_open_page() != "review":
        return redirect(visit.step_url(visit.first_open_page()), 303)
    draft = visit.draft
    blocked = honeypot.stopped(draft, request.form, visit.door)
    if blocked:
        metrics.registered(visit.tenant.slug, visit.door, f"blocked_{blocked}")
        return redirect(visit.step_url("done"), 303)
    if visit.tenant.proof_of_work:
        try:
            proof_of_work.verify(
                visit.tenant,
                request.form.get(proof_of_work.FIELD),
                proof_of_work.FIELD,
                scripted=proof_of_work.FIELD in request.form,  # the widget adds the field
            )
        except FaultError as error:
            answering(error)
            return _review_page(visit, {f.field: said(f) for f in error.faults}, error.status)
    try:
        registration.register(
            visit.tenant,
            stored(draft.answers),
            visit.door,
            password_hash=draft.password_hash,
            options=registration.Options(
                language=i18n.current(),  # the email's language
                email_verified_at=ownership.verified_at(visit),
                # Completed with the customer, so that a second click never finds one without
                # the other.
                before_commit=lambda customer: drafts.complete(draft, customer.id),
            ),
        )
    except FaultError as error:
        if drafts.completed_meanwhile(draft):  # a second click on "Create account"
            return redirect(visit.step_url("done"), 303)
        if any(f.field is None for f in error.faults):
            raise
        return _review_page(
            visit, {f.field: said(f, stored(draft.answers)) for f in error.faults}, 422
        )
    funnel.record(visit, "done")
    return redirect(visit.step_url("done"), 303)


@route("/check/<field>", "check", ["POST"])
@ratelimits.validation
@ratelimits.username_probe
def check(slug, mode, field):
    """One field's inline check: its wrapper again, with its error or without."""
    visit, tenant = g.visit, g.visit.tenant
    step = step_of(field, tenant)
    if step is None:
        abort(404)
    if field == SECRET or reads_country(step, tenant, field):
        # The password chosen earlier; the address's country, which the profile's phone numbers
        # are read in (`posted` adds it from the draft).
        visit.draft = drafts.find(visit.claimed, tenant.slug)
    answers = posted(step, tenant, request.form, visit.draft and visit.draft.answers)
    shown = MultiDict(request.form)
    shown.poplist(SECRET)
    if field == SECRET and not answers.get(SECRET) and visit.draft and visit.draft.password_hash:
        found = None  # the password chosen earlier stands
    else:
        found = registration.check_field(tenant, field, answers, visit.door)
    hidden = enumeration.hides(tenant, found, answers.get("username"))
    error = said(found, answers) if found and not hidden else None
    view = one(step, field, tenant, shown, error)
    if field == SECRET:
        return render("partials/password_feedback.html", field=view, strength=_strength(answers))
    if view.target:  # the country: the whole address is drawn again for it
        return render(
            "partials/address_fields.html", fields=views(step, tenant, shown, {field: error})
        )
    return render_field(view)
