"""The operator's commands: `flask --app webapp <command>`."""

import io
import logging
import sys

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy.exc import OperationalError

from webapp.config import unusable_database
from webapp.tenants import TenantConfigError, registry

# webapp.ops.exports.FORMATS's names (tests/test_start_up_imports.py checks): the export code is
# imported only when the command runs, as is the loyalty import's and Flask-Migrate's.
EXPORT_FORMATS = ("csv", "jsonl")


def init_app(app):
    app.cli.add_command(_Migrations(app))
    app.cli.add_command(create_api_key)
    app.cli.add_command(export_customers)
    app.cli.add_command(import_loyalty)
    app.cli.add_command(worker)
    app.cli.add_command(outbox)
    app.cli.add_command(purge_drafts)
    app.cli.add_command(import_breached_passwords)


class _DatabaseInOneLine:
    """A database that cannot be reached or refuses ends the command in one line naming why, as
    a setting that cannot serve does, not in a traceback."""

    def invoke(self, context):
        try:
            return super().invoke(context)
        except OperationalError as error:
            raise unusable_database(error) from None


class Command(_DatabaseInOneLine, click.Command):
    """Every operator's command is one of these (or a Group)."""


class Group(_DatabaseInOneLine, click.Group):
    pass


class _Migrations(Group):
    """`flask db ...`: Flask-Migrate's command group, which imports Alembic. Until the command
    runs, this stands in for it; then it registers Flask-Migrate on the app and takes its
    commands."""

    def __init__(self, app):
        super().__init__("db", help="Perform database migrations.")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra):
        from webapp.database.schema import migrations

        migrations(self.app)  # before Flask-Migrate's commands are imported: see there
        from flask_migrate.cli import db as commands

        # Its options (--directory) and their callback too: its commands read what that keeps.
        self.params, self.callback = commands.params, commands.callback
        self.commands.update(commands.commands)
        return super().make_context(info_name, args, parent=parent, **extra)


def _known_tenant(slug):
    found = registry().get(slug)
    if found is None:
        raise click.ClickException(f"no tenant '{slug}' in {current_app.config['TENANTS_FILE']}")
    return found


@click.command("create-api-key", cls=Command)
@click.argument("tenant")
@with_appcontext
def create_api_key(tenant):
    """Make an API key for TENANT and print it, once."""
    from webapp.auth.credentials import create_api_key as make
    from webapp.console import audit
    from webapp.extensions import db

    _known_tenant(tenant)
    key_id, secret = make(tenant)
    audit.write("cli", "created API key", tenant, detail=key_id)
    db.session.commit()
    click.echo(f"key id: {key_id}")
    click.echo(f"secret: {secret}")
    click.echo(f"bearer token: {key_id}.{secret}")


@click.command("worker", cls=Command)
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@with_appcontext
def worker(once):
    """Deliver the outbox (account emails, webhooks) until stopped by SIGTERM or SIGINT; every
    hour, also delete the wizard's expired drafts (as purge-drafts does)."""
    from webapp.doors.wizard.drafts import purge_expired
    from webapp.outbox import worker as delivery

    if once:
        outcomes = delivery.run_once(current_app._get_current_object())
        click.echo(
            f"sent: {outcomes['sent']}, to retry: {outcomes['retry']}, failed: {outcomes['failed']}"
        )
    else:
        delivery.run_forever(current_app._get_current_object(), hourly=(purge_expired,))


@click.group("outbox", cls=Group, invoke_without_command=True)
@click.pass_context
@with_appcontext
def outbox(context):
    """List the outbox messages that are pending or failed."""
    if context.invoked_subcommand is not None:
        return
    from webapp.outbox.worker import pending_or_failed

    messages = pending_or_failed()
    if not messages:
        click.echo("Nothing is pending or failed.")
    for message in messages:
        due = message.next_attempt_at.isoformat(timespec="seconds") + "Z"
        click.echo(
            f"{message.id}  {message.kind:<7}  {message.tenant}  {message.status:<7}  "
            f"attempts: {message.attempts}  next: {due}  {message.last_error or ''}".rstrip()
        )


@outbox.command("retry")
@click.argument("message_id")
@with_appcontext
def outbox_retry(message_id):
    """Make MESSAGE_ID due now, so that the worker sends it again."""
    from webapp.outbox.worker import retry_now

    outcome = retry_now(message_id)
    if outcome is None:
        raise click.ClickException(f"no outbox message '{message_id}'")
    if outcome == "in flight":
        raise click.ClickException(
            f"{message_id} is being sent by a worker now; its outcome will show in the list"
        )
    click.echo(f"{message_id} is due now; the worker will send it.")


@click.command("purge-drafts", cls=Command)
@with_appcontext
def purge_drafts():
    """Delete the wizard's half-finished registrations that have expired (after 24 hours)."""
    from webapp.doors.wizard.drafts import purge_expired

    click.echo(f"Deleted {purge_expired()} expired draft(s).")


@click.command("import-breached-passwords", cls=Command)
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the filter (default: breached-passwords.bloom in the instance folder).",
)
def import_breached_passwords(source, output):
    """Build the breached-password filter from SOURCE: SHA-1 hashes, one a line, as HASH or
    HASH:COUNT (Have I Been Pwned's downloads), streamed in one pass."""
    from pathlib import Path

    from webapp.trust import breached

    output = output or str(Path(current_app.instance_path) / "breached-passwords.bloom")
    if not Path(output).parent.is_dir():
        raise click.ClickException(f"{Path(output).parent} is not a folder: make it first")
    with click.progressbar(
        length=Path(source).stat().st_size, label="Importing", file=sys.stderr
    ) as bar:
        try:
            added, skipped = breached.build(source, output, bar.update)
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    if not added:
        raise click.ClickException(
            f"{source} holds no SHA-1 hash (one a line, as HASH or HASH:COUNT): nothing written"
            + (f", {output} is as it was" if Path(output).exists() else "")
        )
    click.echo(
        f"{added} hashes written to {output} ({Path(output).stat().st_size} bytes, "
        f"false-positive rate 1 in {round(1 / breached.FALSE_POSITIVE_RATE)}); "
        f"{skipped} line(s) skipped that held no SHA-1 hash."
    )
    click.echo(f"Set BREACHED_PASSWORDS_FILE={output} to check new passwords against it.")


@click.command("import-loyalty", cls=Command)
@click.argument("tenant")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_loyalty(tenant, csv_file):
    """Import TENANT's loyalty accounts from CSV_FILE (columns email, card_number)."""
    from webapp.ops.loyalty_import import import_file

    import_file(tenant, csv_file)


@click.command("export-customers", cls=Command)
@click.option("--tenant", required=True, help="The tenant's slug.")
@click.option(
    "--format",
    "format_",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="jsonl: the API's customer JSON, one a line; csv: one column per field.",
)
@with_appcontext
def export_customers(tenant, format_):
    """Write a tenant's customers to standard output, streamed in customer-number order."""
    from webapp.ops.exports import FORMATS

    found = _known_tenant(tenant)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        FORMATS[format_](found, out)
    finally:
        out.flush()
        out.detach()  # standard output stays open for whatever runs next


def _not_reported(record):
    """False for a warning the app logs as it starts that check-config prints in its report."""
    return not getattr(record, "reported", False)


# Registered as a `flask.commands` plugin (pyproject.toml), not in init_app: Flask then finds it
# without building the app first, so it can report a tenants file that stops the app from starting.
@click.command("check-config")
@click.pass_context
def check_config(context):
    """Check the tenants file (TENANTS_FILE) and print what each tenant allows."""
    from webapp.ops.config_report import breached_report, report

    starting = logging.getLogger("webapp")
    starting.addFilter(_not_reported)
    try:
        app = context.ensure_object(ScriptInfo).load_app()
    except TenantConfigError as error:
        raise click.ClickException(f"the tenants file is broken: {error}") from None
    finally:
        starting.removeFilter(_not_reported)
    if "secret_key_warning" in app.extensions:
        click.echo(f"warning: {app.extensions['secret_key_warning']}")
        click.echo()
    for line in report(app.config["TENANTS_FILE"], app.extensions["tenants"]):
        click.echo(line)
    click.echo()
    click.echo(breached_report(app.config.get("BREACHED_PASSWORDS_FILE")))
    from webapp.http.assets import problem

    said = problem(app)
    if said:
        raise click.ClickException(said)
