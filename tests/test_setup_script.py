"""`scripts/setup --if-changed` (scripts/serve and scripts/test run it): each side installed again
only when what it is installed from changed, pyproject.toml and the interpreter for Python and
package-lock.json for npm. Run in a copy of the files it reads, with `python3` and `npm`
stand-ins that write down how they were called: neither this checkout's .venv nor the network is
touched."""

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Writes down its name and arguments. As `python3 -m venv DIR` it makes DIR's python, pip and
# flask (a virtualenv after `pip install -e .`), each a copy of itself.
STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >> "$SETUP_CALLS"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  for tool in python pip flask; do cp "$0" "$3/bin/$tool"; done
fi
"""


def make_checkout(folder):
    for name in ("scripts/setup", "pyproject.toml", "package-lock.json"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, folder / name)
    # What `npm install` would fetch, as far as the script copies it into static/vendor.
    for path in set(re.findall(r"node_modules/[\w.@/-]+", (ROOT / "scripts/setup").read_text())):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text("/* stand-in */\n")


def setup(folder, stand_ins, calls, python="python3"):
    """Run `scripts/setup --if-changed` in `folder` with the interpreter `python`; return the
    stand-ins' calls, one a line."""
    calls.write_text("")
    env = {
        **os.environ,
        "PATH": f"{stand_ins}{os.pathsep}{os.environ['PATH']}",
        "SETUP_CALLS": str(calls),
        "PYTHON": python,
    }
    done = subprocess.run(
        ["bash", str(folder / "scripts/setup"), "--if-changed"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return calls.read_text().splitlines()


def installs(calls):
    """Which sides were installed: 'python' (a virtualenv, pip) and 'npm'."""
    sides = set()
    for call in calls:
        if call.startswith(("python3 -m venv", "python3.99 -m venv", "pip ")):
            sides.add("python")
        if call.startswith("npm "):
            sides.add("npm")
    return sides


def test_setup_if_changed_installs_only_the_side_that_changed(tmp_path):
    checkout, stand_ins, calls = tmp_path / "checkout", tmp_path / "bin", tmp_path / "calls"
    make_checkout(checkout)
    stand_ins.mkdir()
    for name in ("python3", "npm"):
        (stand_ins / name).write_text(STAND_IN)
        (stand_ins / name).chmod(0o755)

    first = setup(checkout, stand_ins, calls)
    assert installs(first) == {"python", "npm"}
    assert any(call.startswith("pip install") and "-e .[test]" in call for call in first)
    assert (checkout / "static/vendor/htmx.min.js").exists()  # copied from node_modules

    again = setup(checkout, stand_ins, calls)
    assert installs(again) == set(), again
    # The static files are built every time (webapp.http.static_build decides what is new).
    assert again == ["python -m webapp.http.static_build"]

    with open(checkout / "pyproject.toml", "a") as pyproject:
        pyproject.write("# a dependency changed\n")
    assert installs(setup(checkout, stand_ins, calls)) == {"python"}
    assert installs(setup(checkout, stand_ins, calls)) == set()

    with open(checkout / "package-lock.json", "a") as lock:
        lock.write("\n")
    assert installs(setup(checkout, stand_ins, calls)) == {"npm"}
    assert installs(setup(checkout, stand_ins, calls)) == set()

    # Another interpreter: the virtualenv is made again with it.
    shutil.copy2(stand_ins / "python3", stand_ins / "python3.99")
    other = setup(checkout, stand_ins, calls, python="python3.99")
    assert installs(other) == {"python"}
    assert "python3.99 -m venv .venv --clear" in other
    assert installs(setup(checkout, stand_ins, calls, python="python3.99")) == set()
