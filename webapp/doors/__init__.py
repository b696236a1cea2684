"""One blueprint per door. Doors depend on the registration service, never on each other."""


def register_doors(app):
    from ..extensions import csrf
    from . import api, seed_b, seed_c

    for blueprint in (api.bp, seed_b.bp, seed_c.bp):
        csrf.exempt(blueprint)  # machine doors carry credentials, not cookies
        app.register_blueprint(blueprint)

    from . import ops
    app.register_blueprint(ops.bp)  # /healthz and /readyz for load balancers

    from . import wizard
    # The wizard works without cookies (the embed must), so its own draft-bound token replaces
    # Flask-WTF's session-bound one.
    csrf.exempt(wizard.bp)
    app.register_blueprint(wizard.bp)

    from .. import openapi
    openapi.init_app(app)  # last: the document gathers the OPENAPI_PATHS of every door above
