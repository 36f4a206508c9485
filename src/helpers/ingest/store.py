"""Writing files so that nobody ever sees half of them.

- ``atomic_write``: one file, via a temporary file in the same folder and a rename, with the
  normal permissions (the umask, usually 0644), never owner-only.
- ``publish``: the whole of data/processed as one unit. Every build is written to its own folder
  under ``versioner/``; one rename of the pointer file ``AKTUELL`` switches readers to it. Readers
  resolve the pointer once and read every file from that folder, so they only ever see a complete
  set. A lock keeps two builds from publishing at the same time.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from ..core import paths
from ..core.errors import OmsorgError, disk_error

POINTER = "AKTUELL"
VERSIONS = "versioner"
KEEP_VERSIONS = 3


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` via a temporary file in the same folder and rename it into place.

    ``write`` receives the temporary path. The file gets the normal permissions (umask)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise disk_error(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


@contextlib.contextmanager
def folder_lock(folder: Path, name: str = ".las", what: str = "en annan körning") -> Iterator[None]:
    """An exclusive lock on ``folder``; waits (saying so once, in Swedish) while another holds it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_error(exc, folder) from None
    lock_path = folder / name
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise disk_error(exc, lock_path) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Väntar på att {what} ska bli klar ({folder}) …", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def publish(writers: dict[str, Callable[[Path], object]], processed: Path | None = None) -> Path:
    """Write every file of a build into a new version folder, then switch ``AKTUELL`` to it.

    Nothing a reader can see changes until the switch; on any failure the new folder is removed
    and the previous set stays current."""
    processed = Path(processed) if processed else paths.processed_dir()
    versions = processed / VERSIONS
    with folder_lock(processed, what="en annan 'omsorg bygg'"):
        name = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        staging = versions / f".{name}.tmp"
        final = versions / name
        try:
            staging.mkdir(parents=True)
            manifest = {}
            for fname, write in writers.items():
                target = staging / fname
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                os.close(fd)
                write(target)
                manifest[fname] = _sha256(target)
            doc = {"version": name, "skapad": _dt.datetime.now().isoformat(timespec="seconds"), "filer": manifest}
            (staging / "manifest.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
            os.rename(staging, final)
            write_text(processed / POINTER, name + "\n")
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(final, ignore_errors=True) if not _is_current(processed, name) else None
            raise disk_error(exc, processed / "versioner") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if not _is_current(processed, name):
                shutil.rmtree(final, ignore_errors=True)
            raise
        _link_convenience(processed, final, list(writers))
        _prune(versions, keep={name})
    return final


def _is_current(processed: Path, name: str) -> bool:
    try:
        return (processed / POINTER).read_text(encoding="utf-8").strip() == name
    except OSError:
        return False


def _link_convenience(processed: Path, version: Path, names: list[str]) -> None:
    """data/processed/<fil> → the current version's file, for people opening the folder."""
    for fname in names:
        link = processed / fname
        tmp = processed / f".{fname}.{uuid.uuid4().hex[:6]}.lank"
        try:
            os.symlink(os.path.relpath(version / fname, processed), tmp)
            os.replace(tmp, link)
        except OSError:  # a file system without symbolic links: a copy instead
            with contextlib.suppress(OSError):
                tmp.unlink()
            with contextlib.suppress(OSError, OmsorgError):  # a convenience; the version itself is published
                atomic_write(link, lambda p, src=version / fname: shutil.copyfile(src, p))


def _prune(versions: Path, keep: set[str]) -> None:
    """Keep the newest versions (a reader may still be reading the one before the current)."""
    done = sorted((p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[KEEP_VERSIONS:]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in versions.glob(".*.tmp"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


def current_version(processed: Path | None = None) -> Path:
    """The folder of the current complete build. Swedish OmsorgError when there is none."""
    processed = Path(processed) if processed else paths.processed_dir()
    try:
        name = (processed / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        raise OmsorgError(f"Det finns ingen byggd data i {processed}. Kör först 'omsorg bygg' (eller make report).") from None
    folder = processed / VERSIONS / name
    if not (folder / "manifest.json").exists():
        raise OmsorgError(f"Den byggda datan i {processed} är ofullständig ({name} saknas). Kör 'omsorg bygg' igen.")
    return folder


def read_parquet(version: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(version / f"{name}.parquet")
