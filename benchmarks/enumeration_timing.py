"""The account step of an enumeration-safe tenant, timed for a taken and a free email side by side.

Contract section 12: a taken address must answer as a free one, timing included (the password is
hashed either way). This posts the wizard's account step in-process (the Flask test client, the
shipped argon2id parameters, a fresh SQLite file, no rate limits), alternating a taken and a free
address so that drift hits both alike, and prints the mean and median of each and the difference
of the means as a share of their mean (it should stay under 5 %): in wall-clock time, which an
outsider sees, and in this process's CPU time, which other load on the machine disturbs less.

    python benchmarks/enumeration_timing.py [rounds]
"""

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from webapp import create_app

PASSWORD = "violet-Harbour-tangent-93"
TENANTS = """
[tenants.default]
name = "Bench"
verify_email = "code"
enumeration_safe = true
"""


def build(folder: Path):
    (folder / "tenants.toml").write_text(TENANTS)
    return create_app(
        {
            "SECRET_KEY": "bench",
            "TENANTS_FILE": str(folder / "tenants.toml"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )


def account_step(client, email) -> tuple[float, float]:
    """(wall, CPU) seconds of one account-step post (a new draft each time), answered 303."""
    data = {"username": f"u{uuid.uuid4().hex[:12]}", "email": email, "password": PASSWORD}
    start, cpu = time.perf_counter(), time.process_time()
    response = client.post("/register", data=data)
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 303, response.status_code
    return elapsed


def report(title, times):
    """Print one table; return the difference of the means as a percentage of their mean."""
    means = {kind: statistics.mean(values) for kind, values in times.items()}
    print(f"{title:8}{'mean':>10}{'median':>10}{'stdev':>10}")
    for kind, values in times.items():
        print(
            f"{kind:8}{means[kind] * 1000:10.2f}{statistics.median(values) * 1000:10.2f}"
            f"{statistics.stdev(values) * 1000:10.2f}"
        )
    difference = abs(means["taken"] - means["free"]) / statistics.mean(means.values()) * 100
    print(f"difference of the means: {difference:.2f} % of their mean (should be under 5 %)")
    return difference


def main(rounds=40):
    with tempfile.TemporaryDirectory() as folder:
        app = build(Path(folder))
        client = app.test_client()
        taken = "owner@example.com"
        response = client.post(
            "/api/v1/customers",
            json={
                "username": "owner",
                "password": PASSWORD,
                "email": taken,
                "title": "Ms",
                "surname": "Owner",
                "consents": {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]},
            },
        )
        assert response.status_code == 202, response.get_data(as_text=True)
        for _ in range(3):  # warm up both paths
            account_step(client, taken)
            account_step(client, f"{uuid.uuid4().hex[:5]}@example.com")
        samples = {"taken": [], "free": []}
        for _ in range(rounds):
            samples["taken"].append(account_step(client, taken))
            samples["free"].append(account_step(client, f"{uuid.uuid4().hex[:5]}@example.com"))
    print(f"account step, {rounds} posts each, milliseconds")
    wall = report("wall", {kind: [w for w, _ in values] for kind, values in samples.items()})
    cpu = report("CPU", {kind: [c for _, c in values] for kind, values in samples.items()})
    return wall, cpu


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
