"""The operators' console (contract section 14): overview, customers, API keys, outbox, audit.

`models` holds its tables, `rollups` keeps the overview's daily counts, `funnel` records the
wizard's step events, `operators` and `session` sign operators in, `audit` writes what they do,
`charts` draws the overview, `views/` holds one module per page, `commands` the CLI.
"""


def init_app(app):
    from webapp.console import rollups  # noqa: F401 (counts each new customer)
    from webapp.console.blueprint import bp
    from webapp.console.commands import register_commands
    from webapp.console.session import CookieSessions
    from webapp.console.views import audit_log, auth, customers, keys, outbox, overview  # noqa: F401

    app.session_interface = CookieSessions()
    app.register_blueprint(bp)
    register_commands(app)
