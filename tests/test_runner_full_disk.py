"""`omsorg kör` with a full disk after the reports were published (issue 21): the failure list is
still printed, the log and index that could not be written are named, and the run does not claim
that nothing changed."""
from __future__ import annotations

import errno
from pathlib import Path

from helpers.batch import runner
from helpers.batch.runner import Plan, Result, Task, run_batch


def _fake_run(monkeypatch, tmp_path: Path) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    staging = reports / ".bygge" / "k1"
    tasks = [Task("nacka", "2017-10", str(staging / "nacka"), "Nacka: uppföljning"),
             Task("lomma", "2017-08", str(staging / "lomma"), "Lomma: uppföljning")]
    monkeypatch.setattr(runner, "plan", lambda *a, **k: Plan("k1", staging, tasks))

    def run_tasks(fn, items, done, **kwargs):
        done(Result(items[0], True, 1.0))
        done(Result(items[1], False, 2.0, "kolumnen 'Budget helår' saknas"))

    monkeypatch.setattr(runner, "run_tasks", run_tasks)
    monkeypatch.setattr(runner, "_publish",
                        lambda r, rep: None if r.ok else "reports/misslyckade/lomma/2017-08/rapport.ipynb")
    return reports


def test_full_disk_after_publishing_keeps_the_failure_list(monkeypatch, tmp_path, capsys):
    reports = _fake_run(monkeypatch, tmp_path)

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    code = run_batch(kommun="nacka", workers=1, reports=reports, quiet=True)
    err = capsys.readouterr().err
    assert code == 1
    assert "lomma 2017-08: kolumnen 'Budget helår' saknas" in err
    assert "reports/misslyckade/lomma/2017-08/rapport.ipynb" in err
    assert "körloggen kunde inte skrivas (Disken är full; kunde inte skriva" in err
    assert "korlogg.json" in err
    assert "index kunde inte skrivas (Disken är full" in err
    assert "rapporterna ovan är publicerade (1 av 2 klara)" in err
    assert "Inget har ändrats" not in err
    assert "Traceback" not in err
    # the failure list comes before the message about the log
    assert err.index("Misslyckades") < err.index("körloggen kunde inte skrivas")


def test_plain_os_error_from_the_index_is_reported_too(monkeypatch, tmp_path, capsys):
    reports = _fake_run(monkeypatch, tmp_path)

    def index(_reports):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner, "write_index", index)
    code = run_batch(kommun="nacka", workers=1, reports=reports, quiet=True)
    err = capsys.readouterr().err
    assert code == 1
    assert "index kunde inte skrivas (disken är full); rapporterna ovan är publicerade" in err
    assert "körloggen" not in err
    assert (reports / "korlogg.json").exists()
    assert "lomma 2017-08" in err
