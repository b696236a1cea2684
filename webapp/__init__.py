"""The registration service. `create_app` builds it; everything else lives in its own module."""

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import config as settings
from webapp.extensions import csrf, db
from webapp.http.request import Request

PROJECT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    instance_path = os.environ.get("INSTANCE_PATH") or str(PROJECT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT / "templates"),
        static_folder=str(PROJECT / "static"),
    )
    app.request_class = Request
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment(app.config))
    if test_config:
        app.config.update(test_config)
    settings.check_public_url(app.config)
    settings.check_database_url(app.config)
    settings.check_argon2(app.config)
    settings.check_mail_from(app.config)
    settings.check_mail_port(app.config)
    settings.refuse_blank_secret_key(app.config)
    if not app.config["SECRET_KEY"]:
        warning = settings.private_secret_key_warning(app.config)
        if warning:
            # check-config prints it in its report instead of the log line (cli._not_reported).
            logging.getLogger(__name__).warning(warning, extra={"reported": True})
            app.extensions["secret_key_warning"] = warning
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from webapp.tenants import TenantRegistry

    app.extensions["tenants"] = TenantRegistry.from_file(app.config["TENANTS_FILE"])

    from webapp.database.sqlite import engine_options, tune

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    with app.app_context():
        tune(db.engine)
    from webapp.auth import ratelimits

    ratelimits.init_app(app)  # the limiter too, on checked settings
    csrf.init_app(app)
    from webapp import i18n

    i18n.init_app(app)  # the wizard's, the embed's and the account email's languages

    from webapp.http import branding, errors, logs
    from webapp.http import headers as security_headers

    logs.init_app(app)
    branding.init_app(app)  # the text on a tenant's colour
    errors.init_app(app)
    security_headers.init_app(app)  # every response: CSP, framing, nosniff, Referrer-Policy
    from webapp.http import static_files

    static_files.init_app(app)  # hashed names, a year's caching, precompressed
    from webapp.http import assets

    assets.init_app(app)  # says so at start when static/vendor was never filled

    from webapp.doors import register_doors

    register_doors(app)

    from webapp import console, metrics

    console.init_app(app)  # the operators' pages and commands
    metrics.init_app(app)  # GET /metrics, and the request timings it serves

    from webapp import cli

    cli.init_app(app)

    from webapp import trust

    trust.init_app(app)  # the breached-password filter, loaded once

    from webapp.database.schema import upgrade_embedded_database

    upgrade_embedded_database(app)
    from webapp import warm_up

    warm_up.init_app(app)  # gunicorn's master calls it before forking (webapp/prefork.py)
    _warn_of_a_missing_tenants_file(app.config["TENANTS_FILE"], app.instance_path)
    return app


def _warn_of_a_missing_tenants_file(tenants_file, instance_path):
    """Said once the app is built (a start that fails says why instead): a file named away from
    the instance folder that is not there would leave only the built-in tenant, unsaid."""
    if (
        tenants_file != str(Path(instance_path) / "tenants.toml")
        and not Path(tenants_file).exists()
    ):
        logging.getLogger(__name__).warning(
            "TENANTS_FILE=%r does not exist: only the built-in tenant 'default' is served",
            tenants_file,
        )
