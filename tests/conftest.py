import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real shipped data, validated and built into a temporary data/processed/."""
    from helpers.build import build

    out = tmp_path_factory.mktemp("processed")
    os.environ["OMSORG_PROCESSED"] = str(out)
    build(processed=out)
    return out


@pytest.fixture(scope="session")
def tidy(built):
    from helpers.load import read_processed

    return read_processed(built)


@pytest.fixture
def raw_copy(tmp_path):
    """A writable copy of data/raw for bad-input tests."""
    dst = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", dst)
    return dst


@pytest.fixture(scope="session")
def batch(built, tmp_path_factory):
    """One batch run of every notebook for every municipality into a temporary reports/."""
    from helpers.runner import run_batch

    reports = tmp_path_factory.mktemp("reports")
    code = run_batch(alla=True, workers=2, reports=reports, quiet=True)
    return code, reports
