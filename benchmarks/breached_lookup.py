"""The breached-password filter: building it from a list of generated SHA-1 hashes (hashes per
second, peak memory of the import command) and looking passwords up in it (microseconds per
lookup, as a registration does: SHA-1 of the password, then the filter). Prints figures; not a
test.

    python benchmarks/breached_lookup.py [--hashes 10000000] [--lookups 1000000]
"""

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from webapp.trust import breached


def write_list(path, count):
    """`count` distinct SHA-1 hashes in Have I Been Pwned's form (`HASH:COUNT`)."""
    with open(path, "w") as out:
        for index in range(count):
            digest = hashlib.sha1(f"leaked-{index}".encode()).hexdigest().upper()
            out.write(f"{digest}:{index % 97 + 1}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hashes", type=int, default=10_000_000)
    parser.add_argument("--lookups", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "pwned.txt", Path(folder) / "breached.bloom"
        write_list(source, args.hashes)
        env = {
            **os.environ,
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "benchmark",
            "TENANTS_FILE": str(Path(folder) / "none.toml"),
            "LOG_JSON": "false",
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
        }
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "webapp",
                "import-breached-passwords",
                str(source),
                "--output",
                str(output),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        bloom = breached.load(str(output))
        info = breached.describe(str(output))
        passwords = [f"leaked-{i}" if i % 2 else f"fresh-{i}" for i in range(args.lookups)]
        start = time.perf_counter()
        found = sum(hashlib.sha1(p.encode()).digest() in bloom for p in passwords)
        lookup = (time.perf_counter() - start) / args.lookups
        false = sum(hashlib.sha1(p.encode()).digest() in bloom for p in passwords[::2]) / len(
            passwords[::2]
        )
        print(f"list: {args.hashes:,} hashes, {source.stat().st_size / 2**20:,.0f} MiB")
        print(
            f"import: {took:.1f} s, {args.hashes / took:,.0f} hashes/s, "
            f"peak RSS {peak:,.0f} MiB (of which the filter {info['bytes'] / 2**20:,.1f} MiB)"
        )
        print(
            f"filter: false-positive rate 1 in {1 / info['rate']:,.0f} (designed 1 in "
            f"{1 / breached.FALSE_POSITIVE_RATE:,.0f}); measured {false:.5f} "
            f"on {len(passwords[::2]):,} fresh passwords"
        )
        print(
            f"lookup: {lookup * 1e6:.2f} µs per password (SHA-1 and filter), "
            f"{found:,} of {args.lookups:,} found"
        )


if __name__ == "__main__":
    main()
