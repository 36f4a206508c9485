"""Where the project's files live. Overridable with OMSORG_ROOT / OMSORG_RAW / OMSORG_PROCESSED /
OMSORG_REPORTS for tests and batch runs."""
from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("OMSORG_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


def raw_dir() -> Path:
    return Path(os.environ.get("OMSORG_RAW", project_root() / "data" / "raw"))


def processed_dir() -> Path:
    return Path(os.environ.get("OMSORG_PROCESSED", project_root() / "data" / "processed"))


def reports_dir() -> Path:
    return Path(os.environ.get("OMSORG_REPORTS", project_root() / "reports"))


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def seeds_dir() -> Path:
    return Path(os.environ.get("OMSORG_SEEDS", project_root().parent / "shared" / "seeds"))
