"""What one JSON registration costs in CPU, with the argon2id hash and without it, in process.

    .venv/bin/python benchmarks/registration_in_process.py [--count 200] [--profile]

Builds the app on its embedded defaults, a fresh SQLite file in a temporary instance folder and
rate limits off, warms up, then registers `--count` unique customers through Flask's test client
(POST /api/v1/customers) twice: once as shipped, once with the password hash replaced by a cheap
stand-in, so that the second figure is the work around the hash. It also counts the SQL
statements each registration sends (a `before_cursor_execute` listener), and with `--profile`
prints the top of a cProfile of the run without the hash, by cumulative CPU time. It prints
figures and asserts nothing about time.
"""

import argparse
import cProfile
import time

from in_process import fresh_app, print_profile, registrar


def cheap_hash(secret):
    """A stand-in for argon2id with the same shape of answer."""
    return "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$" + str(len(secret))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="registrations per figure")
    parser.add_argument("--warm-up", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="cProfile the run without hash")
    parser.add_argument("--top", type=int, default=40, help="profile lines to print")
    args = parser.parse_args()

    app = fresh_app("registration")
    from sqlalchemy import event

    from webapp.extensions import db
    from webapp.registration import store

    register = registrar(app.test_client())
    statements = [0]

    def run(count):
        """(CPU ms per registration, SQL statements per registration)."""
        sent = statements[0]
        start = time.process_time()
        for _ in range(count):
            register()
        cpu = time.process_time() - start
        return cpu * 1000 / count, (statements[0] - sent) / count

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_):
        statements[0] += 1

    for _ in range(args.warm_up):
        register()
    with_hash, sql = run(args.count)

    real_hash = store.hash_secret
    store.hash_secret = cheap_hash
    try:
        for _ in range(args.warm_up):
            register()
        without_hash, sql_cheap = run(args.count)
        profiler = None
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            run(args.count)
            profiler.disable()
    finally:
        store.hash_secret = real_hash

    print(f"registrations per figure: {args.count} (after {args.warm_up} to warm up)")
    print(f"CPU ms per registration, with the hash:    {with_hash:7.2f}")
    print(f"CPU ms per registration, without the hash: {without_hash:7.2f}")
    print(f"the hash's share:                          {1 - without_hash / with_hash:7.1%}")
    print(f"SQL statements per registration:           {sql:7.2f}")
    if sql_cheap != sql:
        print(f"SQL statements per registration (no hash): {sql_cheap:7.2f}")
    if profiler is not None:
        heading = f"without the hash, {args.count} registrations, by cumulative CPU time"
        print()
        print_profile(profiler, heading, "cumulative", top=args.top)


if __name__ == "__main__":
    main()
