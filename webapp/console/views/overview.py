"""A tenant's overview: registrations per day by door over 30 days, and the wizard's funnel."""

from datetime import timedelta

from flask_babel import format_date
from sqlalchemy import select

from webapp.console import charts, funnel, session
from webapp.console.blueprint import DOORS, bp, door_label, render, step_label
from webapp.console.models import DailyRegistrations
from webapp.extensions import db
from webapp.i18n import gettext
from webapp.models import utcnow

DAYS = 30


def _registrations(slug):
    today = utcnow().date()
    days = [today - timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    rows = db.session.execute(
        select(DailyRegistrations.day, DailyRegistrations.door, DailyRegistrations.count).where(
            DailyRegistrations.tenant == slug, DailyRegistrations.day >= days[0]
        )
    ).all()
    counts = {(day, door): count for day, door, count in rows}
    seen = {door for _, door in counts}
    doors = [d for d in DOORS if d in seen] + sorted(seen - set(DOORS))
    return days, doors, counts


@bp.get("/t/<slug>")
def overview(slug):
    tenant = session.tenant(slug)
    days, doors, counts = _registrations(slug)
    _day_label = {day: format_date(day, "d MMM") for day in days}.__getitem__  # page's language
    total = sum(counts.values())
    busiest = max(days, key=lambda d: sum(counts.get((d, door), 0) for door in doors))
    registrations = charts.stacked_days(
        gettext("Registrations per day, last %(days)s days", days=DAYS),
        gettext(
            "%(total)s registrations from %(first)s to %(last)s, most on %(busiest)s. "
            "The table below gives every figure.",
            total=total,
            first=_day_label(days[0]),
            last=_day_label(days[-1]),
            busiest=_day_label(busiest),
        ),
        days,
        doors,
        counts,
        door_label,
        _day_label,
    )
    steps = funnel.funnel(tenant, DAYS)
    funnel_chart = charts.horizontal(
        gettext("Wizard funnel, last %(days)s days", days=DAYS),
        gettext(
            "Drafts that finished each step: %(figures)s. The table below gives the drop-off "
            "between steps.",
            figures=", ".join(f"{step_label(s)} {n}" for s, n, _ in steps),
        ),
        [(step_label(step), reached) for step, reached, _ in steps],
    )
    table = [(day, [counts.get((day, door), 0) for door in doors]) for day in reversed(days)]
    return render(
        "console/overview.html",
        shown=tenant,
        chart=registrations,
        doors=doors,
        table=table,
        total=total,
        steps=steps,
        funnel_chart=funnel_chart,
        day_label=_day_label,
    )
