"""One blueprint per door. Doors depend on the registration service, never on each other."""


def register_doors(app):
    from webapp.doors.api import challenge as api_challenge
    from webapp.doors.api import views as api
    from webapp.doors.dialects.online_ordering import views as online_ordering
    from webapp.doors.dialects.web_store import views as web_store
    from webapp.extensions import csrf

    for blueprint in (api.bp, api_challenge.bp, online_ordering.bp, web_store.bp):
        csrf.exempt(blueprint)  # machine doors carry credentials, not cookies
        app.register_blueprint(blueprint)

    from webapp.doors.api import cross_origin

    cross_origin.init_app(app)  # a partner's front end may call the public operations

    from webapp.doors import ops

    app.register_blueprint(ops.bp)  # /healthz and /readyz for load balancers

    from webapp.doors import wizard

    # The wizard works without cookies (the embed must), so its own draft-bound token replaces
    # Flask-WTF's session-bound one.
    csrf.exempt(wizard.bp)
    app.register_blueprint(wizard.bp)

    from webapp.doors.links import views as links

    csrf.exempt(links.bp)  # a link's signed token is its proof; mail programs post without one
    app.register_blueprint(links.bp)
    from webapp.doors import api_docs, home

    app.register_blueprint(home.bp)  # / leads to /register
    app.register_blueprint(api_docs.bp)  # /api/docs, the OpenAPI document for people

    from webapp.doors import openapi

    # Each machine door's own part of the document, beside the JSON API's.
    openapi.init_app(app, parts=(api_challenge, online_ordering, web_store))
