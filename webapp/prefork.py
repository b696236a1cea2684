"""gunicorn hooks that let the workers share the memory of the app the master built
(`preload_app`): gunicorn.conf.py takes them, and the benchmark loads this file as its config.

The collector is off in the master from here on, so that start-up leaves no freed holes in its
pages. Before the workers are forked, the app warms itself up (`webapp/warm_up.py`, if it offers
that: what the first requests would build, built once and shared), and everything alive is frozen
(`gc.freeze`), so that a worker's collections never write to those objects and so never copy the
pages they share; each worker turns the collector back on. Nothing here imports the app, so that
the benchmark's bare route can load this file too.
"""

import gc

gc.disable()


def when_ready(server):
    """In the master, after the app is built and before the first worker is forked."""
    if server.cfg.preload_app:
        warm_up = getattr(server.app.wsgi(), "extensions", {}).get("warm_up")
        if warm_up is not None:
            warm_up()
    gc.freeze()


def post_fork(server, worker):
    gc.enable()
