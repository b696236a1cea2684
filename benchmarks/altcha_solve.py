"""ALTCHA at the shipped difficulty: how long Chromium takes to solve a challenge (the widget, its
Web Workers and the PBKDF2 worker, as the review step runs them), and how long the server takes to
verify a solution. Prints figures; not a test.

    python benchmarks/altcha_solve.py [--runs 21]

Needs Chromium (`/usr/bin/chromium`) and `scripts/setup` (static/vendor/altcha).
"""

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from altcha import Challenge, Payload, solve_challenge
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from webapp import create_app
from webapp.tenants import registry
from webapp.trust import proof_of_work

# Solve one challenge with the widget as the review step makes it, without the widget's
# artificial minimum duration, and answer the milliseconds from attaching it to "verified".
SOLVE = """async ([challenge, worker]) => {
  if (!globalThis.$altcha || !globalThis.$altcha.algorithms.has("PBKDF2/SHA-256")) {
    await import("/static/vendor/altcha/altcha.min.js");
    globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(worker));
  }
  const widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", JSON.stringify(challenge));
  widget.setAttribute("auto", "onload");
  widget.setAttribute("configuration", JSON.stringify({minDuration: 0}));
  const started = performance.now();
  const done = new Promise((resolve, reject) => {
    widget.addEventListener("statechange", (event) => {
      if (event.detail.state === "verified") resolve(performance.now() - started);
      if (event.detail.state === "error") reject(new Error("the widget failed"));
    });
  });
  document.body.append(widget);
  const took = await done;
  widget.remove();
  return took;
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp())
    (folder / "tenants.toml").write_text("[tenants.guarded]\nproof_of_work = true\n")
    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "LOG_JSON": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "TENANTS_FILE": str(folder / "tenants.toml"),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    with app.test_request_context():
        tenant = registry().get("guarded")
        challenges = [proof_of_work.challenge(tenant) for _ in range(args.runs)]
        made = timed(lambda: proof_of_work.challenge(tenant), 200)
        payloads = [
            Payload(Challenge.from_dict(c), solve_challenge(Challenge.from_dict(c))).to_base64()
            for c in challenges[:5]
        ]
        from altcha import verify_solution

        secret, key = proof_of_work._secret("challenge"), proof_of_work._secret("key")
        verified = timed(lambda: verify_solution(payloads[0], secret, hmac_key_secret=key), 2000)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        page = browser.new_page()
        page.goto(origin + "/static/css/wizard.css")  # any page of the service's origin
        page.set_content("<!doctype html><body></body>")
        worker = origin + "/static/vendor/altcha/pbkdf2.js"
        solved = [page.evaluate(SOLVE, [challenge, worker]) for challenge in challenges]
        browser.close()
    server.shutdown()
    tries = proof_of_work.COUNTER_FROM + proof_of_work.COUNTER_SPAN / 2
    print(
        f"difficulty: {proof_of_work.ALGORITHM}, {proof_of_work.COST} iterations a try, "
        f"about {tries:.0f} tries ({proof_of_work.COUNTER_FROM}-"
        f"{proof_of_work.COUNTER_FROM + proof_of_work.COUNTER_SPAN - 1})"
    )
    print(
        f"Chromium solving ({len(solved)} runs): median {statistics.median(solved):.0f} ms, "
        f"min {min(solved):.0f} ms, max {max(solved):.0f} ms"
    )
    print(
        f"server: making a challenge {made * 1000:.3f} ms, verifying a solution "
        f"{verified * 1000:.3f} ms (medians)"
    )


def timed(action, runs):
    """The median seconds one call of `action` takes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
