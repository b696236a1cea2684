"""The operator's commands: `flask --app webapp <command>`."""
import click
from flask import current_app

from .tenants import registry


def init_app(app):
    app.cli.add_command(create_api_key)


@click.command("create-api-key")
@click.argument("tenant")
def create_api_key(tenant):
    """Make an API key for TENANT and print it, once."""
    from .credentials import create_api_key as make

    if registry().get(tenant) is None:
        raise click.ClickException(f"no tenant '{tenant}' in {current_app.config['TENANTS_FILE']}")
    key_id, secret = make(tenant)
    click.echo(f"key id: {key_id}")
    click.echo(f"secret: {secret}")
    click.echo(f"bearer token: {key_id}.{secret}")
