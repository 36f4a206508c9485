"""Shared fixtures. Everything is built into temporary folders: the tests never read the repository's
own data/processed or reports/, so they always test fresh output."""
import os
import shutil
from pathlib import Path

import pytest

from helpers.core.paths import seeds_dir

ROOT = Path(__file__).resolve().parents[1]
SEEDS = seeds_dir()
PUBLISHED = {"sodertalje": "2017-08", "lomma": "2017-08", "nacka": "2017-10", "botkyrka": "2017-08"}
TEST_KOMMUNER = ROOT / "tests" / "kommuner"


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The four municipalities' published reports as text. Missing seeds fail loudly (never skip)."""
    if not (SEEDS / "000_9a859a4574b8859d.txt").exists():
        pytest.fail(f"Källtexterna saknas i {SEEDS}. Testerna behöver ../shared/seeds bredvid projektet "
                    "(eller OMSORG_SEEDS=<mapp>).")
    return SEEDS


@pytest.fixture(scope="session")
def processed(tmp_path_factory):
    """The shipped raw data, validated, checked and published into a temporary data/processed/."""
    from helpers.batch.build import build

    out = tmp_path_factory.mktemp("processed")
    old = os.environ.get("OMSORG_PROCESSED")
    os.environ["OMSORG_PROCESSED"] = str(out)
    result = build(processed=out)
    yield result
    if old is None:
        os.environ.pop("OMSORG_PROCESSED", None)
    else:
        os.environ["OMSORG_PROCESSED"] = old


@pytest.fixture(scope="session")
def contexts(processed):
    """A report context for each published municipality."""
    from helpers.app.context import ReportContext

    return {k: ReportContext(k, p, processed=processed.version.parent.parent) for k, p in PUBLISHED.items()}


@pytest.fixture(scope="session")
def test_raw(tmp_path_factory) -> Path:
    """data/raw with only the two test municipalities typed from other report shapes."""
    raw = tmp_path_factory.mktemp("raw_test")
    for k in ("testmkr", "testplus"):
        shutil.copytree(TEST_KOMMUNER / k, raw / k)
    return raw


@pytest.fixture(scope="session")
def test_contexts(test_raw, tmp_path_factory):
    from helpers.app.context import ReportContext
    from helpers.batch.build import build

    out = tmp_path_factory.mktemp("processed_test")
    build(raw=test_raw, processed=out)
    return {"testmkr": ReportContext("testmkr", "2017-04", processed=out, raw=test_raw),
            "testplus": ReportContext("testplus", "2017-08", processed=out, raw=test_raw)}


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw for bad-input tests."""
    dst = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", dst)
    return dst


@pytest.fixture(scope="session")
def batch(processed, tmp_path_factory):
    """One batch run of every report into a temporary reports/."""
    from helpers.batch.runner import run_batch

    reports = tmp_path_factory.mktemp("reports")
    code = run_batch(alla=True, workers=2, reports=reports, quiet=True)
    return code, reports


# Fixtures that build data (the four municipalities, the test municipalities, a workspace): a test that
# uses one is an integration test, marked "bygge" so `make test-fast` can leave it out.
BUILDING_FIXTURES = {"processed", "contexts", "test_raw", "test_contexts", "batch", "baseline", "ws", "attacked"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.bygge)
