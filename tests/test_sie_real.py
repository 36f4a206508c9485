"""Real SIE exports (tests/fixtures/sie_real/, 23 files from 13 programs plus a hand-written municipal ledger):
each gives the figures in forvantat.toml – worked out there without this project's code – or a clear Swedish
reason why not, and every amount lands in exactly one place (the places sum to the file's result)."""
from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path

import pytest

import sie4
from helpers.core.period import Period
from helpers.ingest.ledger import read_ledger
from helpers.ingest.load import load_kommun
from helpers.ingest.metadata import load_metadata

FIXTURES = Path(__file__).parent / "fixtures" / "sie_real"
RESULT_CLASSES = ("klass3", "klass4", "klass5", "klass6", "klass7")   # the nämnd's result: classes 3–7
META = """id = "{id}"
namn = "Testkommun"
kommunkod = "9999"
namnder = ["Nämnden"]
kostnadstecken = "minus"
huvudtabeller = ["huvudbok"]

[sie]
dimension = {dim}
{extra}objekt = "sie_objekt.csv"
intakter = ["3"]
kostnader = ["4", "5", "6", "7"]
exkludera = ["1", "2", "8", "9"]
"""


@cache
def expected() -> dict:
    return tomllib.loads((FIXTURES / "forvantat.toml").read_text(encoding="utf-8"))


FILES = sorted(expected()["fil"])
# Files whose own records contradict each other (forvantat.toml: egna_poster_stammer = false); the reason
# each must give instead of figures.
REFUSED = {
    "softone_xe_sie3": "stämmer inte med filens #RES",
    "softone_xe_sie4": "balanserar inte",
    "softone_business_sie4": "stämmer inte med filens #RES",
    # Not contradictory, but nothing to report: period balances only on balance accounts, no vouchers.
    "smalloffice_sie34": "filen ger inget utfall",
}


# forvantat.toml's pbudget0 counts only the {} rows. Edison budgets some accounts (3020, 6212, 7010, 7220, 7610) per
# object with no {} row at all; those rows are the account's budget and count. Their sum, classes 3–7, by awk over
# the file: −983 985,00 kr (the {} rows: 250 191,00, as in forvantat.toml).
BUDGET_PER_OBJECT_ONLY = {"edison_typ3": -983985.00}

def place(tmp_path: Path, fil: str, folder: str, mapping: str = "objekt;verksamhet;overordnad\n", dim: int = 1,
          extra: str = "", kommun: str = "real") -> Path:
    raw = tmp_path / "raw"
    k = raw / kommun
    (k / folder).mkdir(parents=True)
    (k / "metadata.toml").write_text(META.format(id=kommun, dim=dim, extra=extra), encoding="utf-8")
    (k / "sie_objekt.csv").write_text(mapping, encoding="utf-8")
    (k / folder / fil).write_bytes((FIXTURES / fil).read_bytes())
    return raw


def last_month(e: dict) -> str:
    """The folder a controller would put the file in: the month its #OMFATTN says the export runs to
    (magenta, softone_business_sie3: January exports), else the fiscal year's last month."""
    end = min(e["rar0_slut"], sie4.read(FIXTURES / e["fil"]).omfattn or e["rar0_slut"])
    return f"{end[:4]}-{end[4:6]}"


def read(tmp_path: Path, e: dict, **kw):
    folder = last_month(e)
    raw = place(tmp_path, e["fil"], folder, **kw)
    meta = load_metadata("real", raw)
    return read_ledger(meta, Period.parse(folder), raw / "real" / folder / e["fil"], f"real/{folder}")


def classified(r) -> float:
    """The net outcome of every place except accounts outside the classes (e.g. SoftOne's account 'FEL', which
    the ledger keeps as 'Ej placerat: konto FEL' with a finding)."""
    return math.fsum(v for (n, c), v in r.values.items()
                     if c == "Utfall perioden" and not n.startswith("Ej placerat: konto "))


def result_tkr(figures: dict) -> float:
    """The nämnd's net outcome in tkr, costs negative, from a forvantat.toml table (kr, SIE signs)."""
    return -math.fsum(figures[k] for k in RESULT_CLASSES) / 1000


def test_fixtures_cover_enough_programs():
    files = expected()["fil"]
    assert len(files) >= 15
    assert len({e["program"] for e in files.values()}) >= 8


@pytest.mark.parametrize("name", FILES)
def test_reader_reads_every_record_the_independent_parser_counted(name):
    """sie4 alone: #RES, #PSALDO (both readings of {}) and #TRANS per class as the independent script found."""
    e = expected()["fil"][name]
    f = sie4.read(FIXTURES / e["fil"], transactions="aggregate")
    assert f.sie_type == e["sietyp"] and f.fiscal_years[0] == (e["rar0_start"], e["rar0_slut"])
    assert f.program == e["program"]

    def by_class(pairs) -> dict[str, float]:
        out: dict[str, float] = {}
        for account, amount in pairs:
            if account[:1] in "345678" and account.isdigit():
                out[f"klass{account[0]}"] = out.get(f"klass{account[0]}", 0.0) + amount
        return out

    fiscal = set(f.fiscal_months(0))
    got = by_class((b.account, b.amount) for b in f.res if b.year_index == 0)
    for k in RESULT_CLASSES:
        assert got.get(k, 0.0) == pytest.approx(e["res0"][k], abs=0.005), ("res0", k)
    if "trans0" in e and name != "softone_xe_sie4":   # its unbalanced voucher is counted there, not here
        got = by_class((a, v) for (a, _o, m), v in f.trans_totals.items() if m in fiscal)
        for k in RESULT_CLASSES:
            assert got.get(k, 0.0) == pytest.approx(e["trans0"][k], abs=0.005), ("trans0", k)
    if e["psaldo_tolkning"] in ("tom_lista_ar_utan_objekt", "tom_lista_ar_totalen", "inga_objektrader_i_klass_3_8"):
        rows = [r for r in f.psaldo if r.year_index == 0 and r.period in fiscal]
        if e["psaldo_tolkning"] != "tom_lista_ar_utan_objekt":
            rows = [r for r in rows if not r.objects]
        got = by_class((r.account, r.amount) for r in rows)
        for k in RESULT_CLASSES:
            assert got.get(k, 0.0) == pytest.approx(e["psaldo0"][k], abs=0.005), ("psaldo0", k)


@pytest.mark.parametrize("name", [n for n in FILES if n not in REFUSED])
def test_ledger_gives_the_files_result_and_every_amount_lands_once(tmp_path, name):
    e = expected()["fil"][name]
    r = read(tmp_path, e)
    assert [str(p) for p in r.problems if p.allvarlig] == []
    s = r.source
    # The right figure: the file's own #RES for the fiscal year (= #PSALDO read right = #TRANS), classes 3–7.
    assert classified(r) == pytest.approx(result_tkr(e["res0"]), abs=1e-6)
    total = math.fsum(v for (_n, c), v in r.values.items() if c == "Utfall perioden")
    assert total == pytest.approx(s.resultat_tkr, abs=1e-6)
    if "pbudget0" in e:   # the budget: #PBUDGET read the same way, the whole fiscal year
        budget = math.fsum(v for (_n, c), v in r.values.items() if c == "Budget helår")
        assert budget == pytest.approx(result_tkr(e["pbudget0"]) - BUDGET_PER_OBJECT_ONLY.get(name, 0.0) / 1000,
                                       abs=1e-6)
        assert s.budget_ur == "pbudget"
    # #PSALDO when the file has period balances on result accounts, else the vouchers.
    assert s.utfall_ur == ("psaldo" if e["har_psaldo"] else "trans")
    if e["psaldo_tolkning"] == "tom_lista_ar_utan_objekt":
        assert s.tom_objektlista == "utan_objekt" and s.avstamt_mot == "#RES"
    elif e["psaldo_tolkning"] == "tom_lista_ar_totalen":
        assert s.tom_objektlista == "hela_kontot"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_file_that_contradicts_itself_gives_a_swedish_reason(tmp_path, name):
    r = read(tmp_path, expected()["fil"][name])
    fatal = [str(p) for p in r.problems if p.allvarlig]
    assert fatal and any(REFUSED[name] in m for m in fatal), fatal
    assert len(r.problems) < 25          # one line per kind, not one per record


# --------------------------------------------------------------------------------------------------
# The seven failures of the issue, each with a real export
# --------------------------------------------------------------------------------------------------

def test_1_voucher_only_type4_gives_the_outcome(tmp_path):
    e = expected()["fil"]["bl2018_sie4"]          # BL Administration: #PBUDGET and #TRANS, no #PSALDO
    r = read(tmp_path, e)
    assert r.source.utfall_ur == "trans" and r.source.budget_ur == "pbudget"
    assert r.source.resultat_tkr == pytest.approx(result_tkr(e["trans0"]), abs=1e-6)
    assert r.source.resultat_tkr != 0


def test_2_object_combinations_are_placed(tmp_path):
    # Avendo's rows {1 "Nord" 7 "1"} count for Nord; per object as the independent script summed them.
    e = expected()["fil"]["avendo520_objektsaldo_sie3"]
    mapping = "objekt;verksamhet;overordnad\nNord;Nord;Område\nSyd;Syd;Område\n"
    r = read(tmp_path, e, mapping=mapping)
    net = {n: v for (n, c), v in r.values.items() if c == "Utfall perioden"}
    assert net["Nord"] == pytest.approx(-e["objekt_psaldo0"]["1"]["Nord"] / 1000, abs=1e-6)
    assert net["Syd"] == pytest.approx(-e["objekt_psaldo0"]["1"]["Syd"] / 1000, abs=1e-6)
    assert math.fsum(net.values()) == pytest.approx(r.source.resultat_tkr, abs=1e-6)


def test_3_braces_as_postings_without_object(tmp_path):
    # −671,4 tkr read naively; +277,8 tkr is the company's own #RES and its SIE 4 twin.
    e = expected()["fil"]["avendo520_objektsaldo_sie3"]
    assert result_tkr(e["psaldo0_naiv"]) == pytest.approx(-671.37814)
    r = read(tmp_path, e)
    assert r.source.tom_objektlista == "utan_objekt"
    assert r.source.resultat_tkr == pytest.approx(277.79846, abs=1e-6)
    twin = read(tmp_path / "twin", expected()["fil"]["avendo520_transaktioner_sie4"])
    assert twin.source.resultat_tkr == pytest.approx(277.79846, abs=1e-6)


@pytest.mark.parametrize("name,text", [("bl2011_brutet_typ3", "juli 2009–juni 2010"),
                                       ("softone_xe_sie3", "september 2015–augusti 2016")])
def test_4_fiscal_year_from_rar(tmp_path, name, text):
    e = expected()["fil"][name]
    r = read(tmp_path, e)
    assert r.fiscal_start == (int(e["rar0_start"][:4]), int(e["rar0_start"][4:6]))
    if r.source is not None:
        assert r.source.period_text == text
    # December 2009 in a year from July: July–December only.
    e = expected()["fil"]["bl2011_brutet_typ3"]
    raw = place(tmp_path / "dec", e["fil"], "2009-12")
    dec = read_ledger(load_metadata("real", raw), Period(2009, 12), raw / "real" / "2009-12" / e["fil"], "real/2009-12")
    assert dec.source.period_text == "juli–december 2009"
    assert dec.source.period_fran == "2009-07" and dec.source.period_till == "2009-12"


def test_5_records_the_report_does_not_use_are_warnings(tmp_path):
    # bl2018_sie3: #PSALDO with årsnr 0 for the previous year's months; avendo520: #PBUDGET −1 outside its #RAR.
    for name in ("bl2018_sie3", "avendo520_objektsaldo_sie3", "mamut_sie4", "visma_admin_underdim",
                 "softone_business_sie3", "edison_typ4", "specter_exempel"):
        e = expected()["fil"][name]
        r = read(tmp_path / name, e)
        assert [str(p) for p in r.problems if p.allvarlig] == [], name
        assert classified(r) == pytest.approx(result_tkr(e["res0"]), abs=1e-6), name
        assert len(r.problems) < 25, name


def municipal(tmp_path: Path, name: str):
    e = expected()["kommun"][name]
    rows = (FIXTURES / e["mappning"]).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "ansvar;verksamhetskod;verksamhet;overordnad"
    mapping = "objekt;objekt2;verksamhet;overordnad\n" + "\n".join(rows[1:]) + "\n"
    raw = place(tmp_path, e["fil"], e["manadsmapp"], mapping=mapping, dim=int(e["dimension_ansvar"]),
                extra=f"dimension2 = {e['dimension_verksamhet']}\n", kommun="kommunen")
    return e, raw, load_kommun("kommunen", raw)


@pytest.mark.parametrize("name", ["kommun_ansvar_verksamhet", "kommun_verifikat_2016-12"])
def test_6_and_7_municipal_ledger_ansvar_by_verksamhet(tmp_path, name):
    e, _raw, loaded = municipal(tmp_path, name)
    t = loaded.tidy
    t = t[t["tabell"] == "huvudbok"]
    value = {(r.verksamhet, r.kolumn): r.varde for r in t.itertuples()}
    for verksamhet, x in e["verksamhet"].items():
        # tkr with costs negative: the negated kronor of forvantat.toml.
        assert value[(verksamhet, "Utfall perioden")] == pytest.approx(-x["netto_utfall_tkr"], abs=1e-9), verksamhet
        assert value[(verksamhet, "Intäkter perioden")] == pytest.approx(-x["intakter_utfall_tkr"], abs=1e-9)
        assert value[(verksamhet, "Kostnader perioden")] == pytest.approx(-x["kostnader_utfall_tkr"], abs=1e-9)
        if "netto_budget_tkr" in x:
            assert value[(verksamhet, "Budget perioden")] == pytest.approx(-x["netto_budget_tkr"], abs=1e-9)
            assert value[(verksamhet, "Budget helår")] == pytest.approx(-x["netto_helarsbudget_tkr"], abs=1e-9)
    assert value[("Boende LSS", "Utfall perioden")] == 0.0          # mapped, no rows: zero, not missing
    (source,) = loaded.sources[("kommunen", e["manadsmapp"])]
    assert source.period_text == "juli–december 2016"
    assert source.utfall_ur == ("psaldo" if e["har_psaldo"] else "trans")
    assert source.dimensioner == (1, 6)
    places = math.fsum(v for (_n, c), v in value.items() if c == "Utfall perioden")
    assert places == pytest.approx(source.resultat_tkr, abs=1e-9)
    assert source.resultat_tkr == pytest.approx(-math.fsum(e["res0"][k] for k in RESULT_CLASSES) / 1000, abs=1e-9)
    assert source.ej_placerat_tkr == 0.0
