"""Shared fixtures. Everything is built into temporary folders: the tests never read the repository's
own data/processed or reports/, so they always test fresh output.

Two things may be missing on a fresh machine: the municipalities' source texts (../shared/seeds) and
Chromium. Tests that need them skip with a Swedish reason, except under CI=true, where both are
required and a missing one fails the test (CI has the seeds and .ci/run installs Chromium)."""
import os
import shutil
import sys
from pathlib import Path

import pytest

from helpers.core.paths import seeds_dir

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # scripts/sie_writer.py: the SIE writer the tests use
SEEDS = seeds_dir()
SEED_FILES = ("000_9a859a4574b8859d.txt", "001_9a1f06ce4f8e1c97.txt", "002_fb51e279e401cbdd.txt",
              "003_fe945f43253c1e20.txt", "004_d12cbedd518a29af.txt")
PUBLISHED = {"sodertalje": "2017-08", "lomma": "2017-08", "nacka": "2017-10", "botkyrka": "2017-08"}
TEST_KOMMUNER = ROOT / "tests" / "kommuner"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def in_ci() -> bool:
    """CI=true (set by .ci/run and by CI services): what may be skipped elsewhere is required."""
    return os.environ.get("CI", "").lower() == "true"


def unavailable(missing: str, skipped: str) -> None:
    """Skip with a Swedish reason, or fail under CI=true, where nothing may be skipped for want of tools."""
    if in_ci():
        pytest.fail(f"{missing} saknas, och med CI=true får inget test hoppas över", pytrace=False)
    pytest.skip(f"{missing} saknas – {skipped}")


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The municipalities' published reports as text (../shared/seeds or OMSORG_SEEDS)."""
    missing = [f for f in SEED_FILES if not (SEEDS / f).is_file()]
    if missing:
        unavailable(f"källtexterna i {SEEDS}",
                    "testet mot källtexten hoppas över; CI har dem (eller ange OMSORG_SEEDS=<mapp>)")
    return SEEDS


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, which `make test` installs where it can."""
    if not Path(CHROMIUM).exists():
        unavailable("Chromium", "webbläsartestet hoppas över; installera med 'sudo apt-get install chromium' "
                    "(make test gör det själv som root)")
    return CHROMIUM


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
    from helpers.app.report import open_report

    return {k: open_report(k, p, processed=processed.version.parent.parent) for k, p in PUBLISHED.items()}


@pytest.fixture(scope="session")
def test_raw(tmp_path_factory) -> Path:
    """data/raw with only the two test municipalities typed from other report shapes."""
    raw = tmp_path_factory.mktemp("raw_test")
    for k in ("testmkr", "testplus"):
        shutil.copytree(TEST_KOMMUNER / k, raw / k)
    return raw


@pytest.fixture(scope="session")
def test_contexts(test_raw, tmp_path_factory):
    from helpers.app.report import open_report
    from helpers.batch.build import build

    out = tmp_path_factory.mktemp("processed_test")
    build(raw=test_raw, processed=out)
    return {"testmkr": open_report("testmkr", "2017-04", processed=out, raw=test_raw),
            "testplus": open_report("testplus", "2017-08", processed=out, raw=test_raw)}


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
