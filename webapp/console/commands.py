"""The operator's commands of contract section 14: `flask --app webapp <command>`."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from webapp.cli import Command
from webapp.extensions import db


def register_commands(app):
    for command in (create_operator, list_api_keys, revoke_api_key, erase_customer, demo_data):
        app.cli.add_command(command)


def _tenant(slug):
    from webapp.cli import _known_tenant

    return _known_tenant(slug)


@click.command("create-operator", cls=Command)
@click.argument("email")
@click.option(
    "--tenant",
    "tenants",
    multiple=True,
    metavar="SLUG",
    help="A tenant the operator may see (repeat for more); none: every tenant.",
)
@click.option(
    "--base-url",
    help="Where the console is served, for the printed link "
    "(default: PUBLIC_URL, else http://localhost:5000).",
)
@with_appcontext
def create_operator(email, tenants, base_url):
    """Make a console operator (or reset one) and print their one-time setup link."""
    from flask import current_app, url_for

    from webapp.console import audit, operators

    try:  # a bare address, as the sign-in form and the audit log name the operator by it
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise click.ClickException(f"{email!r} is not an email address") from None
    if len(email) > 200:
        raise click.ClickException(f"{email!r} is longer than 200 characters")
    try:
        operator, token = operators.create(email, tenants)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    audit.write("cli", "created operator", detail=operator.email)
    db.session.commit()
    base_url = base_url or current_app.config["PUBLIC_URL"] or "http://localhost:5000"
    with current_app.test_request_context(base_url=base_url):
        link = url_for("console.setup", token=token, _external=True)
    click.echo(f"operator: {operator.email} ({', '.join(tenants) or 'every tenant'})")
    click.echo(f"setup link (valid 24 hours, once): {link}")


@click.command("list-api-keys", cls=Command)
@click.argument("tenant")
@with_appcontext
def list_api_keys(tenant):
    """List TENANT's API keys: id, created, last used, revoked."""
    from webapp.auth.keys import of_tenant

    def when(moment):
        return moment.isoformat(timespec="seconds") + "Z" if moment else "-"

    found = of_tenant(_tenant(tenant).slug)
    if not found:
        click.echo("No API keys.")
    for key in found:
        click.echo(
            f"{key.id}  created: {when(key.created_at)}  last used: "
            f"{when(key.last_used_at)}  revoked: {when(key.revoked_at)}"
        )


@click.command("revoke-api-key", cls=Command)
@click.argument("key_id")
@with_appcontext
def revoke_api_key(key_id):
    """Revoke the API key KEY_ID: every request with it is refused (401) from now on."""
    from webapp.auth.keys import revoke
    from webapp.console import audit

    key, now = revoke(key_id)
    if key is None:
        raise click.ClickException(f"no API key '{key_id}'")
    action = "revoked API key" if now else "asked to revoke an API key revoked before"
    audit.write("cli", action, key.tenant, detail=key.id)
    db.session.commit()
    click.echo(f"{key.id} is revoked." if now else f"{key.id} was revoked before.")


@click.command("erase-customer", cls=Command)
@click.argument("tenant")
@click.argument("customer_id")
@with_appcontext
def erase_customer(tenant, customer_id):
    """Erase a customer of TENANT (GDPR art. 17): personal data gone, the record's id kept."""
    from webapp import registration
    from webapp.console import audit
    from webapp.faults import FaultError

    found = _tenant(tenant)
    customer = registration.find(found, customer_id)
    if customer is None:
        raise click.ClickException(f"no customer '{customer_id}' in tenant '{tenant}'")
    try:
        audit.erased("cli", found, customer)
    except FaultError:
        raise click.ClickException(f"customer '{customer_id}' was erased before") from None
    click.echo(f"customer {customer.id} (number {customer.tenant_number}) is erased.")


@click.command("demo-data", cls=Command)
@click.option("--tenant", default="default", show_default=True)
@click.option("--customers", default=3000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
@with_appcontext
def demo_data(tenant, customers, days):
    """Add made-up customers and wizard drafts over the last DAYS days, to try the console."""
    from webapp.console.demo import populate

    slug = _tenant(tenant).slug
    with db.engine.begin() as connection:
        added, events = populate(connection, slug, customers, days)
    click.echo(f"added {added} customers and {events} wizard step events to '{slug}'")
