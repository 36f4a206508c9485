"""A ledger's coverage against its month folder (issue 21, "Wrong file, no word"): the March export in
the May folder, an export without #OMFATTN whose latest outcome is older than the folder, a #PBUDGET cut
short at a line boundary and a file that ends inside a voucher. Each written with scripts/sie_writer.py
into tmp_path; each message in Swedish with file, line, value and what to do; a fatal case gives no
figures. Figures in the passing cases are worked out by hand (kr in the file, tkr with costs negative)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sie_writer import write_sie
from test_ledger import MAPPING, META

from helpers.core.period import Period
from helpers.ingest.ledger import read_ledger
from helpers.ingest.metadata import load_metadata
from sie4 import SieTransaction, SieVoucher

YEAR = "2017"
ACCOUNTS = {"3010": "Avgifter", "4010": "Löner", "7010": "Köp av verksamhet"}
OBJECTS = {(1, "510"): "Hemtjänst", (1, "520"): "Boende", (1, "530"): "Dagverksamhet"}
HT, BO = ((1, "510"),), ((1, "520"),)
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]


def months(n: int) -> list[str]:
    return MONTHS[:n]


def psaldo(n: int) -> list[tuple]:
    """January … month n: 1 000 kr a month on Hemtjänst's salaries, 500 kr on Boende's purchases."""
    return [row for m in months(n) for row in ((0, m, "4010", HT, 1000.0), (0, m, "7010", BO, 500.0))]


def budget_by_month() -> list[tuple]:
    """Month by month (as the example municipality's writer does): 1 200 kr a month on 4010/Hemtjänst,
    600 kr on 7010/Boende → full year 14 400 + 7 200 kr."""
    return [row for m in MONTHS for row in ((0, m, "4010", HT, 1200.0), (0, m, "7010", BO, 600.0))]


def write(tmp_path: Path, folder: str, *, cut=None, **kw) -> tuple[Path, list[str]]:
    """The SIE file in raw/test/<folder>/huvudbok.se; ``cut(lines)`` keeps part of its lines (a cut file)."""
    raw = tmp_path / "raw"
    k = raw / "test"
    (k / folder).mkdir(parents=True)
    (k / "metadata.toml").write_text(META.format(id="test", extra=""), encoding="utf-8")
    (k / "sie_objekt.csv").write_text(MAPPING, encoding="utf-8")
    path = k / folder / "huvudbok.se"
    args = {"program": "Testekonomi", "fnamn": "Testkommun", "orgnr": "212000-0000",
            "fiscal_years": {0: (f"{YEAR}0101", f"{YEAR}1231")}, "accounts": ACCOUNTS,
            "dimensions": {1: "Ansvar"}, "objects": OBJECTS, "psaldo": psaldo(3), "pbudget": []} | kw
    write_sie(path, **args)
    lines = path.read_bytes().decode("cp437").split("\r\n")[:-1]
    if cut is not None:
        lines = cut(lines)
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return raw, lines


def read(raw: Path, folder: str):
    meta = load_metadata("test", raw)
    return read_ledger(meta, Period.parse(folder), raw / "test" / folder / "huvudbok.se", f"test/{folder}")


def fatal(r) -> list[str]:
    return [str(p) for p in r.problems if p.allvarlig]


def warnings(r) -> list[str]:
    return [str(p) for p in r.problems if not p.allvarlig]


def line_of(lines: list[str], start: str, nth: int = -1) -> int:
    """1-based number of the (last, by default) line that starts with ``start``."""
    return [i for i, text in enumerate(lines, start=1) if text.lstrip().startswith(start)][nth]


def assert_no_figures(r) -> None:
    assert r.values == {} and r.source is None and r.month_columns == []


# --- #OMFATTN against the folder ---------------------------------------------------------------------

def test_march_export_in_the_may_folder_is_refused(tmp_path):
    raw, lines = write(tmp_path, "2017-05")     # #PSALDO January–March: the writer's #OMFATTN is 20170331
    r = read(raw, "2017-05")
    (msg,) = fatal(r)
    assert msg.startswith(f"fil test/2017-05/huvudbok.se, rad {line_of(lines, '#OMFATTN')}, kolumn '#OMFATTN': "
                          "värdet '20170331': ")
    assert ("exporten gäller till 2017-03-31 (#OMFATTN) men ligger i mappen 2017-05; lägg den i 2017-03 eller "
            "gör en ny export till och med 2017-05-31") in msg
    assert "januari–maj 2017" in msg
    assert_no_figures(r)


def test_the_same_export_in_its_own_folder_gives_january_to_march(tmp_path):
    raw, _ = write(tmp_path, "2017-03")
    r = read(raw, "2017-03")
    assert fatal(r) == [] and warnings(r) == []
    # 3 × 1 000 kr on Hemtjänst and 3 × 500 kr on Boende, costs negative in tkr
    assert r.values[("Hemtjänst", "Utfall perioden")] == pytest.approx(-3.0)
    assert r.values[("Boende", "Utfall perioden")] == pytest.approx(-1.5)
    assert r.source.period_text == "januari–mars 2017"


def test_an_export_to_the_middle_of_the_month_asks_for_a_new_export(tmp_path):
    raw, lines = write(tmp_path, "2017-03", omfattn="20170315")
    r = read(raw, "2017-03")
    (msg,) = fatal(r)
    assert f"rad {line_of(lines, '#OMFATTN')}" in msg and "värdet '20170315'" in msg
    assert "exporten gäller till 2017-03-15 (#OMFATTN) men ligger i mappen 2017-03; gör en ny export till och med " \
           "2017-03-31" in msg
    assert "lägg den i" not in msg
    assert_no_figures(r)


def test_an_export_past_the_folder_month_is_not_an_omfattn_error(tmp_path):
    raw, _ = write(tmp_path, "2017-02")           # #OMFATTN 20170331 in the February folder
    r = read(raw, "2017-02")
    assert fatal(r) == []
    assert r.values[("Hemtjänst", "Utfall perioden")] == pytest.approx(-2.0)   # January + February


# --- no #OMFATTN: the latest outcome month -------------------------------------------------------------

def test_without_omfattn_an_old_latest_month_is_a_warning(tmp_path):
    raw, lines = write(tmp_path, "2017-05", omfattn="")
    assert not any(text.startswith("#OMFATTN") for text in lines)
    r = read(raw, "2017-05")
    assert fatal(r) == []
    (msg,) = warnings(r)
    assert msg.startswith(f"fil test/2017-05/huvudbok.se, rad {line_of(lines, '#PSALDO 0 201703')}, "
                          "kolumn '#PSALDO': värdet '2017-03': ")
    assert "det senaste utfallet i filen gäller 2017-03 men filen ligger i mappen 2017-05" in msg
    assert "lägg den i 2017-03 eller gör en ny export till och med 2017-05-31" in msg
    # a warning: the figures are read (January–March; April and May are 0)
    assert r.values[("Hemtjänst", "Utfall perioden")] == pytest.approx(-3.0)


def test_without_omfattn_an_export_to_the_folder_month_says_nothing(tmp_path):
    raw, _ = write(tmp_path, "2017-03", omfattn="")
    r = read(raw, "2017-03")
    assert fatal(r) == [] and warnings(r) == []


# --- #PBUDGET cut short --------------------------------------------------------------------------------

def test_full_budget_gives_the_full_year(tmp_path):
    raw, _ = write(tmp_path, "2017-03", pbudget=budget_by_month())
    r = read(raw, "2017-03")
    assert fatal(r) == [] and warnings(r) == []
    assert r.values[("Hemtjänst", "Budget helår")] == pytest.approx(-14.4)
    assert r.values[("Boende", "Budget helår")] == pytest.approx(-7.2)


def test_budget_cut_inside_a_month_is_refused(tmp_path):
    # Cut after the first October row (4010/Hemtjänst): 7010/Boende has January–September only.
    def cut(lines):
        return lines[:line_of(lines, "#PBUDGET 0 201710", 0)]

    raw, lines = write(tmp_path, "2017-03", pbudget=budget_by_month(), cut=cut)
    assert lines[-1] == '#PBUDGET 0 201710 4010 {1 "510"} 1200.00'
    r = read(raw, "2017-03")
    (msg,) = fatal(r)
    assert msg.startswith(f"fil test/2017-03/huvudbok.se, rad {line_of(lines, '#PBUDGET 0 201709 7010')}, "
                          "kolumn '#PBUDGET': värdet '7010': ")
    assert "#PBUDGET saknar de sista månaderna för 1 konton (7010) medan andra konton har budget till och med " \
           "2017-10" in msg
    assert 'konto 7010 {1 "520"} har budget för 2017-01–2017-09 men saknar 2017-10' in msg
    assert "gör om exporten med hela årets budget" in msg
    assert_no_figures(r)


def test_budget_written_account_by_account_and_cut_is_refused(tmp_path):
    by_account = [(0, m, "4010", HT, 1200.0) for m in MONTHS] + [(0, m, "7010", BO, 600.0) for m in months(6)]
    raw, lines = write(tmp_path, "2017-03", pbudget=by_account)
    r = read(raw, "2017-03")
    (msg,) = fatal(r)
    assert f"rad {line_of(lines, '#PBUDGET 0 201706 7010')}" in msg and "värdet '7010'" in msg
    assert 'konto 7010 {1 "520"} har budget för 2017-01–2017-06 men saknar 2017-07–2017-12' in msg
    assert_no_figures(r)


def test_an_account_budgeted_for_part_of_the_year_mid_file_is_accepted(tmp_path):
    # 7010/Boende budgeted January–June only, but not at the end of the file: a budget, not a cut.
    rows = [(0, m, "7010", BO, 600.0) for m in months(6)] + [(0, m, "4010", HT, 1200.0) for m in MONTHS]
    raw, _ = write(tmp_path, "2017-03", pbudget=rows)
    r = read(raw, "2017-03")
    assert fatal(r) == []
    assert r.values[("Boende", "Budget helår")] == pytest.approx(-3.6)       # 6 × 600 kr


def test_budget_cut_at_a_month_end_before_the_folder_is_refused(tmp_path):
    rows = [row for row in budget_by_month() if row[1] <= "2017-02"]
    raw, lines = write(tmp_path, "2017-03", pbudget=rows)
    r = read(raw, "2017-03")
    (msg,) = fatal(r)
    assert f"rad {line_of(lines, '#PBUDGET')}" in msg and "värdet '2017-02'" in msg
    assert "#PBUDGET har budget för 2017-01–2017-02 men ingen budget alls för 2017-03–2017-12; periodens budget " \
           "och helårsbudgeten blir för låg" in msg
    assert_no_figures(r)


def test_budget_ending_after_the_folder_month_is_a_warning(tmp_path):
    rows = [row for row in budget_by_month() if row[1] <= "2017-09"]
    raw, _ = write(tmp_path, "2017-03", pbudget=rows)
    r = read(raw, "2017-03")
    assert fatal(r) == []
    (msg,) = warnings(r)
    assert "#PBUDGET har budget för 2017-01–2017-09 men ingen budget alls för 2017-10–2017-12; helårsbudgeten " \
           "blir för låg" in msg
    assert r.values[("Hemtjänst", "Budget helår")] == pytest.approx(-10.8)    # 9 × 1 200 kr, as the file says


# --- a file that ends inside a voucher -----------------------------------------------------------------

def vouchers() -> list[SieVoucher]:
    def v(n: str, date: str, amount: float) -> SieVoucher:
        return SieVoucher("A", n, date, "Lön", (SieTransaction("4010", HT, amount, None, "", None),
                                                 SieTransaction("1930", (), -amount, None, "", None)))
    return [v("1", "20170115", 1000.0), v("2", "20170215", 1000.0), v("3", "20170315", 1000.0)]


@pytest.mark.parametrize("with_psaldo", [True, False], ids=["psaldo", "bara-verifikationer"])
def test_a_file_that_ends_inside_a_voucher_is_refused(tmp_path, with_psaldo):
    def cut(lines):
        return lines[:line_of(lines, "#TRANS 4010")]      # the last voucher's first #TRANS, no '}'

    raw, lines = write(tmp_path, "2017-03", sie_type=4, vouchers=vouchers(), omfattn="20170331",
                       psaldo=psaldo(3) if with_psaldo else [], cut=cut)
    assert lines[-1].strip().startswith("#TRANS 4010")
    r = read(raw, "2017-03")
    ours = [m for m in fatal(r) if "slutar mitt i en verifikation" in m]
    assert len(ours) == 1
    start = line_of(lines, "{")
    assert ours[0].startswith(f"fil test/2017-03/huvudbok.se, rad {start}, kolumn '#VER': värdet 'filslut': ")
    assert (f"filen slutar mitt i en verifikation (den som börjar på rad {start} avslutas aldrig med '}}'); "
            "exporten är avbruten") in ours[0]
    assert_no_figures(r)


def test_a_file_that_ends_after_a_voucher_is_read(tmp_path):
    raw, lines = write(tmp_path, "2017-03", sie_type=4, vouchers=vouchers(), omfattn="20170331", psaldo=[])
    assert lines[-1] == "}"
    r = read(raw, "2017-03")
    assert fatal(r) == []
    assert r.values[("Hemtjänst", "Utfall perioden")] == pytest.approx(-3.0)   # 3 vouchers × 1 000 kr
