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
import io
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
REPORT_FOLDER = "rapporter"     # per (kommun, period): every frame a report reads, computed by the build
KEEP_VERSIONS = 3


def atomic_write(path: Path, write: Callable[[Path], object], *, overwrite: bool = True) -> Path:
    """Write ``path`` via a temporary file in the same folder and rename it into place.

    ``write`` receives the temporary path. The file gets the normal permissions (umask). With
    ``overwrite=False`` an existing file (even one created meanwhile) is left alone: OmsorgError."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(fd)
        write(tmp)
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file exists: never replaces it
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise OmsorgError(f"Filen {path} finns redan och skrivs inte över. Välj ett annat filnamn eller ange "
                          "--skriv-over för att ersätta den.") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise disk_error(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def save_workbook(workbook, path: Path) -> None:
    """An openpyxl workbook saved to ``path`` (for ``atomic_write``) through memory: a full disk then
    fails in one plain write, and no half-written zip archive is left to fail again (with a traceback)
    when the interpreter tidies up."""
    buf = io.BytesIO()
    workbook.save(buf)
    Path(path).write_bytes(buf.getvalue())


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


def publish(writers: dict[str, Callable[[Path], object]], processed: Path | None = None,
            folders: dict[str, Path] | None = None) -> Path:
    """Write every file of a build into a new version folder, then switch ``AKTUELL`` to it.

    ``folders`` are already written folders (on the same file system) moved into the version under
    their names. Nothing a reader can see changes until the switch; on any failure the new folder is
    removed and the previous set stays current."""
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
            for fname, folder in (folders or {}).items():
                os.rename(folder, staging / fname)
                for f in sorted((staging / fname).rglob("*")):
                    if f.is_file():
                        manifest[str(f.relative_to(staging))] = _sha256(f)
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
    """The folder of the current complete build, every file checked against the manifest's hashes.
    Swedish OmsorgError when there is none or a file is damaged."""
    processed = Path(processed) if processed else paths.processed_dir()
    try:
        name = (processed / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        raise OmsorgError(f"Det finns ingen byggd data i {processed}. Kör först 'omsorg bygg' (eller make report).") from None
    folder = processed / VERSIONS / name
    if not name or not (folder / "manifest.json").exists():
        raise OmsorgError(f"Den byggda datan i {processed} är ofullständig ({name} saknas). Kör 'omsorg bygg' igen.")
    verify(folder)
    heal_links(processed)
    return folder


_VERIFIED: dict[tuple, bool] = {}  # (file, size, mtime) already checked in this process


def verify(version: Path, only: list[str] | None = None) -> None:
    """Files of a version against the sha256 in its manifest (a truncated or changed file is refused
    before anyone reads it): ``only`` these (paths relative to the version), or else every file at the
    top of the version (a report's own files are checked when the report reads them)."""
    bad = []
    try:
        doc = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        files = dict(doc["filer"])
    except (OSError, ValueError, KeyError, TypeError):
        raise OmsorgError(f"Den byggda datan i {version} är skadad (manifest.json går inte att läsa). Kör omsorg bygg "
                          "igen.") from None
    wanted = only if only is not None else [f for f in files if "/" not in f]
    for fname in wanted:
        digest = files.get(fname, "")
        path = version / fname
        try:
            st = path.stat()
            key = (str(path), st.st_size, st.st_mtime_ns, digest)
            if key not in _VERIFIED:
                _VERIFIED[key] = _sha256(path) == digest
            ok = _VERIFIED[key]
        except OSError:
            ok = False
        if not ok:
            bad.append(fname)
    if bad:
        raise OmsorgError(f"Den byggda datan i {version} är skadad: {', '.join(bad)} stämmer inte med manifestet "
                          "(filen saknas, är avkortad eller har ändrats efter bygget). Kör omsorg bygg igen.")


def heal_links(processed: Path) -> None:
    """Put the convenience links back on the current version when a build was stopped between the
    switch and the links. Best effort, and only when no build holds the lock (never races one)."""
    try:
        name = (processed / POINTER).read_text(encoding="utf-8").strip()
        names = [f for f in json.loads((processed / VERSIONS / name / "manifest.json").read_text(encoding="utf-8"))["filer"]
                 if "/" not in f]   # the files at the top; a version's folders (rapporter/) are not linked
        stale = [f for f in names if not (processed / f).is_symlink()
                 or os.readlink(processed / f) != os.path.relpath(processed / VERSIONS / name / f, processed)]
    except (OSError, ValueError, KeyError, TypeError):
        return
    stale = [f for f in stale if (processed / f).is_symlink() or not (processed / f).exists()]  # copies: left alone
    if not stale:
        return
    try:
        fd = os.open(processed / ".las", os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if (processed / POINTER).read_text(encoding="utf-8").strip() == name:
            _link_convenience(processed, processed / VERSIONS / name, stale)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def read_parquet(version: Path, name: str) -> pd.DataFrame:
    verify(version, [f"{name}.parquet"])
    return pd.read_parquet(version / f"{name}.parquet")


def report_folder(root: Path, kommun: str, period) -> Path:
    """Where the build keeps one report's frames: <root>/<kommun>/<period>/ (root: a version's
    REPORT_FOLDER, or the build's own folder before it is published)."""
    return Path(root) / kommun / str(period)


def write_report_frames(folder: Path, frames: dict[str, pd.DataFrame]) -> None:
    """One parquet file per frame (the build's own folder, published as a whole by ``publish``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def read_report_frames(version: Path, kommun: str, period, names) -> dict[str, pd.DataFrame]:
    """The frames ``write_report_frames`` wrote for one report of a published version, each checked
    against the manifest first; a Swedish OmsorgError when one is missing or damaged."""
    folder = report_folder(version / REPORT_FOLDER, kommun, period)
    verify(version, [str((folder / f"{name}.parquet").relative_to(version)) for name in names])
    try:
        return {name: pd.read_parquet(folder / f"{name}.parquet") for name in names}
    except (OSError, ValueError) as exc:
        raise OmsorgError(f"Den byggda datan för rapporten ({folder}) är ofullständig eller skadad ({type(exc).__name__}). "
                          "Kör 'omsorg bygg' igen.") from None
