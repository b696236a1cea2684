"""The vendor dialects' faults: the service's faults moved onto paths into the dialect's own body.

The service names fields as the canonical customer does (`email`, `postcode`...). A dialect door
maps each onto its own path (`Customer.EMail`, `billingPerson.postalCode`); a field the dialect has
no place for keeps no path. Where several of the service's fields share one path (the email is
also the username), the path keeps one fault: that of the field listed first in the door's map.
"""

from webapp.faults import Fault, FaultError


def _rank(path, order):
    """Where a fault on `path` is listed: its place in `order`; a list's item (`a[3].b`) right
    after its list; anything else (an unknown member, at any depth) after every known one."""
    if path in order:
        return order.index(path)
    listed = (path or "").partition("[")[0]
    if "[" in (path or "") and listed in order:
        return order.index(listed) + 0.5
    return len(order)


def _under(path, parents):
    return any(path == p or path.startswith((p + ".", p + "[")) for p in parents)


def _named(item):
    # The product's own faults name the field in their message; vendor faults keep their own.
    if item.code == 91000 and item.detail and item.field:
        return Fault(item.code, item.field, f"{item.field}: {item.detail}")
    return item


def relabel(error, prior, paths, order):
    """`error` from the service, its faults on the dialect's paths.

    `prior` holds the faults the door found while reading the body, already on its paths: they win
    over what the service then found on the same path or below it (a value the door refused is
    missing to the service). `paths` maps the service's fields to the door's paths, the first
    listed winning where two share one; `order` lists the door's paths in the order faults are
    listed in.
    """
    mine = [item for item in error.faults if item in prior]
    found = [item for item in error.faults if item not in prior]
    precedence = list(paths)
    found.sort(
        key=lambda item: (
            precedence.index(item.field) if item.field in precedence else len(precedence)
        )
    )
    kept, seen = [], set()
    for item in mine:
        kept.append(item)
        seen.add(item.field)
    for item in found:
        path = paths.get(item.field)
        if path is not None:
            if _under(path, seen):
                continue
            seen.add(path)
        kept.append(Fault(item.code, path, item.detail))
    kept.sort(key=lambda item: _rank(item.field, order))
    return FaultError([_named(item) for item in kept], error.headers)
