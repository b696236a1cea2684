"""The static files as they are served: each also under a name that holds a digest of its content
(`css/wizard.3f2a9c1b7d4e.css`), so that browsers may keep it for a year, and each precompressed
with gzip and Brotli (WhiteNoise's compressor), so that no request compresses anything.

    python -m webapp.http.static_build      # scripts/setup runs it; the app runs it at start-up
                                            # when the files have changed since

A build goes to a folder of its own, named for the digest of every source file, under `build/`;
`manifest.json` in it maps each source name to its hashed name and is written last, so that a
folder with a manifest is complete. Builds racing each other (several workers starting) each
write a temporary folder and the first rename wins. Earlier builds are left for processes still
serving pages that name their files; `build/` may be emptied while the service is stopped.
"""

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from whitenoise.compress import Compressor

PROJECT = Path(__file__).resolve().parents[2]
SOURCE = PROJECT / "static"
BUILDS = PROJECT / "build"
MANIFEST = "manifest.json"
DIGEST_LENGTH = 12  # hex digits of SHA-256 in a hashed name


def sources(source: Path) -> dict[str, bytes]:
    """Each file under `source` by its path relative to it (with "/"), skipping hidden files."""
    return {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(source).parts)
    }


def hashed_name(name: str, content: bytes) -> str:
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"


def folder_for(files: dict[str, bytes], builds: Path) -> Path:
    """The build folder of exactly these files."""
    everything = hashlib.sha256()
    for name, content in files.items():
        everything.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return builds / f"static-{everything.hexdigest()[:DIGEST_LENGTH]}"


def read_manifest(folder: Path) -> dict[str, str] | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        return None


def build(source: Path = SOURCE, builds: Path = BUILDS) -> Path:
    """The build folder of `source`'s files as they are now, built if there is none yet."""
    files = sources(source)
    folder = folder_for(files, builds)
    if read_manifest(folder) is not None:
        return folder
    builds.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".static-", dir=builds))
    try:
        compressor = Compressor(quiet=True)
        manifest = {}
        for name, content in files.items():
            manifest[name] = hashed_name(name, content)
            for served in (name, manifest[name]):
                path = work / served
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                if compressor.should_compress(served):
                    compressor.compress(str(path))
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        try:
            work.rename(folder)
        except OSError:  # another process built the same files first
            if read_manifest(folder) is None:
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def main():
    folder = build()
    print(f"static files built in {os.path.relpath(folder, PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
