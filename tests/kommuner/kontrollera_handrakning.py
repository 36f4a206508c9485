"""Oberoende kontroll av handräkningen för testkommunerna testmkr och testplus.

Läser CSV-filerna och metadata.toml med ren Python (csv, tomllib) – INTE med projektets kod – och
1. räknar om varje samband som data/raw/README.md beskriver (summarader, netto = intäkter + kostnader,
   avvikelse = utfall/prognos − budget, angivna samband, andelar) med toleransen n × en halv enhet,
2. kräver att exakt de planterade felen (och deras följder) inte går ihop och att allt annat blir
   ok eller avrundning,
3. rättar de planterade felen (som forvantat.toml säger att rapporten ska använda) och kräver att
   ALLA kontroller då går ihop – följderna beror alltså bara på de planterade orsakerna,
4. räknar rubriktalen, de största avvikelserna, textens belägg och prognoskontrollen och jämför
   dem med forvantat.toml.

Kör:  /work/main/.venv/bin/python tests/kommuner/kontrollera_handrakning.py
"""
from __future__ import annotations

import csv
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
EPS = 1e-9
ROW_COLUMNS = {"verksamhet", "overordnad", "radtyp", "summerar", "kommentar", "ar", "enhet"}
MISSING = {"", "-", "–", ".."}
NUMBER = re.compile(r"^-?\d{1,3}( \d{3})*(,\d+)?$|^-?\d+(,\d+)?$")


# --- tal som i README ("Talformat") ---------------------------------------------------------------

def parse(cell: str) -> tuple[float | None, int]:
    """'−1 001,6' → (-1001.6, 1); '63 %' → (63.0, 0); tom/-/–/.. → (None, 0)."""
    s = cell.replace("\u00a0", " ").strip()
    if s in MISSING:
        return None, 0
    if s.endswith("%"):
        s = s[:-1].strip()
    s = s.replace("\u2212", "-")
    s = re.sub(r"^–\s*", "-", s)
    if not NUMBER.match(s):
        raise ValueError(f"kan inte läsa talet {cell!r}")
    decimals = len(s.split(",")[1]) if "," in s else 0
    return float(s.replace(" ", "").replace(",", ".")), decimals


def read_table(folder: Path, fil: str) -> tuple[list[str], list[dict]]:
    with open(folder / fil, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = rows[0]
    assert all(len(r) == len(header) for r in rows), f"{fil}: olika antal celler"
    out = []
    for line, r in enumerate(rows[1:], start=2):
        d = dict(zip(header, r))
        d["_line"] = line
        d.setdefault("radtyp", "post")
        d["radtyp"] = d["radtyp"] or "post"
        out.append(d)
    return header, out


# --- en kontroll ------------------------------------------------------------------------------------

def assess(published, computed, tol, missing=False) -> str:
    if missing or published is None or computed is None:
        return "ej_kontrollerbar"
    diff = abs(published - computed)
    if diff <= EPS:
        return "ok"
    if diff <= tol + EPS:
        return "avrundning"
    return "fel"


class Table:
    def __init__(self, folder: Path, meta: dict, tmeta: dict, overrides: dict | None = None):
        self.id = tmeta["id"]
        self.meta = tmeta
        self.sign = tmeta.get("kostnadstecken", meta["kostnadstecken"])
        self.kolumner = tmeta.get("kolumner", {})
        self.relations = tmeta.get("relation", [])
        header, self.rows = read_table(folder, tmeta["fil"])
        self.value_columns = [h for h in header if h not in ROW_COLUMNS]
        assert set(self.value_columns) == set(self.kolumner), (self.id, self.value_columns)
        self.v: dict[tuple[str, str], tuple[float | None, int]] = {}
        for r in self.rows:
            for c in self.value_columns:
                self.v[(r["verksamhet"], c)] = parse(r[c])
        for key, cell in (overrides or {}).items():  # rättade celler, skrivna som i en rapport
            self.v[key] = parse(cell)

    def val(self, rad, kol):
        return self.v[(rad, kol)][0]

    def dec(self, rad, kol):
        return self.v[(rad, kol)][1]

    def norm(self, rad, kol):
        """Arbetsytans tecken: kostnader och netto negativa även i plus-tabeller."""
        x = self.val(rad, kol)
        if x is None:
            return None
        return -x if self.sign == "plus" and self.kolumner[kol]["matt"] in ("netto", "kostnader") else x

    # gruppsumma: post/summa med publicerat värde, rubrik via sin summarad (annars sina rader)
    def group(self, kol: str, group: str, exclude: int) -> tuple[float, int, int]:
        summa_of = {r["summerar"]: r for r in self.rows if r["radtyp"] == "summa" and r["summerar"]}
        total, used, missing = 0.0, 0, 0
        for r in self.rows:
            if r["overordnad"] != group or r["_line"] == exclude:
                continue
            if r["radtyp"] == "summa" and r["summerar"] == group:
                continue
            if r["radtyp"] == "rubrik":
                s = summa_of.get(r["verksamhet"])
                if s is not None and s["overordnad"] == group:
                    continue
                if s is not None:
                    x = self.val(s["verksamhet"], kol)
                    if x is None:
                        missing += 1
                    else:
                        total, used = total + x, used + 1
                    continue
                t, u, m = self.group(kol, r["verksamhet"], exclude)
                total, used, missing = total + t, used + u, missing + m
                continue
            x = self.val(r["verksamhet"], kol)
            if x is None:
                missing += 1
            else:
                total, used = total + x, used + 1
        return total, used, missing

    def checks(self) -> list[dict]:
        out = []

        def add(rad, kol, kind, pub, comp, tol, missing=False, text=""):
            out.append(dict(tabell=self.id, rad=rad, kolumn=kol, slag=kind, publicerat=pub,
                            beraknat=None if comp is None else round(comp, 6), tolerans=tol,
                            bedomning=assess(pub, comp, tol, missing), text=text))

        cols = self.kolumner
        # 1. summarader, kolumn för kolumn (aldrig andel)
        for r in self.rows:
            if r["radtyp"] != "summa":
                continue
            for c in self.value_columns:
                if cols[c]["matt"] == "andel" or self.val(r["verksamhet"], c) is None:
                    continue
                s, n, m = self.group(c, r["summerar"], r["_line"])
                pub = self.val(r["verksamhet"], c)
                tol = n * 0.5 * 10 ** -self.dec(r["verksamhet"], c)
                miss = m > 0 and abs(pub - s) > tol + EPS
                add(r["verksamhet"], c, "summa", pub, s, tol, missing=miss,
                    text=f"summa av {n} rader" + (f", {m} saknas" if m else ""))
        post_rows = [r for r in self.rows if r["radtyp"] != "rubrik"]
        # 2. netto = intäkter + kostnader (samma slag, omfattning, år)
        by_key: dict[tuple, dict[str, str]] = {}
        for c, d in cols.items():
            if d["matt"] in ("netto", "intakter", "kostnader"):
                by_key.setdefault((d.get("slag"), d.get("omfattning"), d.get("ar")), {})[d["matt"]] = c
        for m in by_key.values():
            if "netto" in m and "kostnader" in m and "intakter" in m:
                for r in post_rows:
                    rad = r["verksamhet"]
                    i, k, n = (self.norm(rad, m[x]) for x in ("intakter", "kostnader", "netto"))
                    if n is None:
                        continue
                    dec = max(self.dec(rad, m[x]) for x in ("intakter", "kostnader", "netto"))
                    comp = None if i is None or k is None else i + k
                    pub = self.val(rad, m["netto"])
                    comp_pub = None if comp is None else (-comp if self.sign == "plus" else comp)
                    add(rad, m["netto"], "netto", pub, comp_pub, 2 * 0.5 * 10 ** -dec,
                        missing=comp is None, text="intäkter + kostnader")
        # 3. avvikelse = utfall (period) / prognos (helår) − budget, arbetsytans tecken
        for c, d in cols.items():
            if d["matt"] != "avvikelse":
                continue
            omf, ar = d.get("omfattning"), d.get("ar")
            outcome_slag = "utfall" if omf == "period" else "prognos"
            budget = [x for x, e in cols.items() if e["matt"] == "netto" and e.get("slag") == "budget"
                      and e.get("omfattning") == omf and e.get("ar") == ar]
            outcome = [x for x, e in cols.items() if e["matt"] == "netto" and e.get("slag") == outcome_slag
                       and e.get("omfattning") == omf and e.get("ar") == ar]
            if not budget or not outcome:
                continue
            for r in post_rows:
                rad = r["verksamhet"]
                pub, b, o = self.val(rad, c), self.norm(rad, budget[0]), self.norm(rad, outcome[0])
                if pub is None:
                    continue
                dec = max(self.dec(rad, x) for x in (c, budget[0], outcome[0]))
                comp = None if b is None or o is None else o - b
                add(rad, c, "avvikelse", pub, comp, 2 * 0.5 * 10 ** -dec, missing=comp is None,
                    text=f"{outcome[0]} − {budget[0]}")
        # 4. angivna samband
        for rel in self.relations:
            c = rel["kolumn"]
            for r in post_rows:
                rad = r["verksamhet"]
                pub = self.val(rad, c)
                if "taljare" in rel:
                    num, den = self.val(rad, rel["taljare"]), self.val(rad, rel["namnare"])
                    if pub is None:
                        comp = None if num is None or den in (None, 0) else 100 * num / den
                        add(rad, c, "relation", None, comp, None, missing=True, text="andel, publicerad saknas")
                        continue
                    comp = 100 * num / den
                    tol = 0.5 * 10 ** -self.dec(rad, c) + abs(comp) * (0.5 / abs(num) + 0.5 / abs(den))
                    add(rad, c, "relation", pub, comp, tol, text="100 × täljare / nämnare")
                    continue
                if pub is None:
                    continue
                parts = [(x, 1) for x in rel.get("plus", [])] + [(x, -1) for x in rel.get("minus", [])]
                vals = [self.val(rad, x) for x, _ in parts]
                comp = None if any(x is None for x in vals) else sum(s * x for (_, s), x in zip(parts, vals))
                dec = max([self.dec(rad, c)] + [self.dec(rad, x) for x, _ in parts])
                add(rad, c, "relation", pub, comp, len(parts) * 0.5 * 10 ** -dec, missing=comp is None,
                    text="angivet samband")
        return out


def load(kommun: str, overrides: dict | None = None) -> tuple[dict, dict[str, Table]]:
    folder = HERE / kommun
    meta = tomllib.loads((folder / "metadata.toml").read_text(encoding="utf-8"))
    assert meta["id"] == kommun
    tables = {}
    for t in meta["tabell"]:
        if t["dataset"] == "text":
            continue
        tables[t["id"]] = Table(folder, meta, t, (overrides or {}).get(t["id"]))
    return meta, tables


def all_checks(tables: dict[str, Table]) -> list[dict]:
    return [c for t in tables.values() for c in t.checks()]


def bad(checks):
    return {(c["tabell"], c["rad"], c["kolumn"], c["slag"]): c["bedomning"]
            for c in checks if c["bedomning"] not in ("ok", "avrundning")}


def close(a, b, tol=0.006):
    return abs(float(a) - float(b)) <= tol


def show(checks, title):
    print(f"\n== {title}")
    for c in checks:
        print(f"  {c['bedomning']:16s} {c['tabell']:20s} {c['rad'][:34]:34s} {c['kolumn'][:28]:28s} {c['slag']:9s} "
              f"publ={c['publicerat']} ber={c['beraknat']} tol={c['tolerans'] if c['tolerans'] is None else round(c['tolerans'], 4)}")


def check_expected_entries(kommun: str, checks: list[dict], exp: dict, tables: dict):
    index = {}
    for c in checks:
        index.setdefault((c["tabell"], c["rad"]), []).append(c)
    for f in exp["fynd"]:
        assert f["bedomning"] in ("fel", "ej_kontrollerbar", "varning") and "varfor" in f and "foljder" in f
        if f.get("publicerat_saknas"):
            # den tomma cellen: varje kontroll som behöver den (raden eller gruppen) är ej_kontrollerbar
            t = tables[f["tabell"]]
            assert t.val(f["rad"], f["kolumn"]) is None and f["publicerat"] == ""
            needing = [c for c in checks if c["bedomning"] == "ej_kontrollerbar"]
            assert len(needing) == len(f["foljder"]) or f["foljder"] == [], (needing, f["foljder"])
            continue
        hits = [c for c in index[(f["tabell"], f["rad"])] if c["kolumn"] == f["kolumn"]]
        assert hits, f
        c = next(h for h in hits if h["bedomning"] == f["bedomning"])
        if True:
            assert close(c["publicerat"], f["publicerat"]) and close(c["beraknat"], f["beraknat"], 0.006), (c, f)
            assert close(c["publicerat"] - c["beraknat"], f["differens"], 0.006), (c, f)
            assert close(c["tolerans"], f["tolerans"], 0.001), (c, f)
    for o in exp["ok_relationer"]:
        hits = [c for c in index[(o["tabell"], o["rad"])] if c["kolumn"] == o["kolumner"][0]
                and close(c["publicerat"], o["publicerat"]) and close(c["beraknat"], o["beraknat"], 0.006)]
        assert hits and all(h["bedomning"] == o["bedomning"] for h in hits), (o, hits)
        if "beraknat_med_radernas_utfall" in o:
            alt = o["beraknat_med_radernas_utfall"]
            row_sum = sum(tables[o["tabell"]].val(r["verksamhet"], o["kolumner"][1])
                          for r in tables[o["tabell"]].rows if r["radtyp"] == "post")
            exact = 100 * row_sum / tables[o["tabell"]].val(o["rad"], o["kolumner"][2])
            assert close(alt, exact, 0.005) and assess(o["publicerat"], exact, 0.5) == o["bedomning"]
    print(f"  {kommun}: fynd och ok_relationer i forvantat.toml stämmer med omräkningen")


# --- testmkr ------------------------------------------------------------------------------------------

def testmkr():
    exp = tomllib.loads((HERE / "testmkr" / "forvantat.toml").read_text(encoding="utf-8"))
    meta, tables = load("testmkr")
    checks = all_checks(tables)
    show(checks, "testmkr: alla kontroller")
    expected_bad = {
        # orsak 1 (planterat 2): Summa äldreomsorg, Kostnader −266,1 mot raderna −265,8
        ("drift_verksamhet", "Summa äldreomsorg", "Kostnader", "summa"): "fel",
        ("drift_verksamhet", "Summa äldreomsorg", "Netto utfall", "netto"): "fel",                # följd
        ("drift_verksamhet", "Summa Vård- och omsorgsnämnden", "Kostnader", "summa"): "fel",      # följd
        # orsak 2 (planterat 3): tom Intäkter, Daglig verksamhet
        ("drift_verksamhet", "Daglig verksamhet", "Netto utfall", "netto"): "ej_kontrollerbar",
        ("drift_verksamhet", "Summa funktionsnedsättning", "Intäkter", "summa"): "ej_kontrollerbar",
        # orsak 3 (planterat 4): Resultat ≠ Summa intäkter + Summa kostnader
        ("resultat_omrade", "Stöd till personer med funktionsnedsättning", "Resultat", "relation"): "fel",
        ("resultat_omrade", "Summa verksamheter", "Resultat", "summa"): "fel",                     # följd
    }
    assert bad(checks) == expected_bad, bad(checks)
    d = {(c["tabell"], c["rad"], c["kolumn"], c["slag"]): c for c in checks}
    k = d[("drift_verksamhet", "Summa äldreomsorg", "Kostnader", "summa")]
    assert close(k["publicerat"], -266.1) and close(k["beraknat"], -265.8) and close(k["publicerat"] - k["beraknat"], -0.3)
    assert close(d[("drift_verksamhet", "Summa Vård- och omsorgsnämnden", "Kostnader", "summa")]["beraknat"], -402.7)
    r = d[("resultat_omrade", "Stöd till personer med funktionsnedsättning", "Resultat", "relation")]
    assert close(r["publicerat"], -3.5) and close(r["beraknat"], -4.5)
    # Planterat 1: totalen −13,9 och en verksamhet med +0,4
    dv = tables["drift_verksamhet"]
    total = "Summa Vård- och omsorgsnämnden"
    assert dv.val(total, "Avvikelse") == -13.9
    posts = [r["verksamhet"] for r in dv.rows if r["radtyp"] == "post"]
    assert len(posts) == 7
    assert close(sum(dv.val(p, "Avvikelse") for p in posts), -13.9)
    assert [p for p in posts if dv.val(p, "Avvikelse") == 0.4] == ["Hälso- och sjukvård", "Nämnd och administration"]
    # bevis för att raderna är rätt: radernas kostnad ger radens netto och nämndens total
    assert close(dv.val("Summa äldreomsorg", "Intäkter") + (-112.5 - 125.8 - 27.5), dv.val("Summa äldreomsorg", "Netto utfall"))
    assert close(tables["resultat_omrade"].val("Äldreomsorg", "Summa kostnader"), -265.8)
    # tom cell är inte 0: som 0 hade den gett två falska fel
    assert dv.val("Daglig verksamhet", "Intäkter") is None
    assert close(dv.val("Daglig verksamhet", "Netto utfall") - dv.val("Daglig verksamhet", "Kostnader"), 2.3)
    assert close(dv.val("Summa funktionsnedsättning", "Intäkter") - 6.4 - 19.5, 2.3)

    # rättat: med "rapporten använder" (och det tomma värdet ifyllt bara för att visa att inget annat är fel)
    corr = {"drift_verksamhet": {("Summa äldreomsorg", "Kostnader"): "−265,8",
                                 ("Daglig verksamhet", "Intäkter"): "2,3"},
            "resultat_omrade": {("Stöd till personer med funktionsnedsättning", "Resultat"): "-4,5"}}
    _, fixed = load("testmkr", corr)
    fixed_checks = all_checks(fixed)
    assert bad(fixed_checks) == {}, bad(fixed_checks)
    print("  testmkr: med de tre orsakerna rättade går ALLA kontroller ihop (ok/avrundning)")

    # rubriken
    rub = exp["rubrik"]
    assert rub["period_resultat"] == dv.val(total, "Avvikelse") == -13.9 and rub["period_enhet"] == "mkr"
    assert rub["prognosavvikelse"] == dv.val(total, "Prognosavvikelse") == -34.7
    assert close(sum(dv.val(p, "Prognosavvikelse") for p in posts), -34.7)
    for key, col in [("utfall_period", "Netto utfall"), ("budget_period", "Budget perioden"),
                     ("helarsbudget", "Helårsbudget"), ("prognos", "Prognos")]:
        assert rub[key] == dv.val(total, col), key
    top = sorted(posts, key=lambda p: -abs(dv.val(p, "Avvikelse")))
    assert [[p, dv.val(p, "Avvikelse")] for p in top[:3]] == rub["storsta_avvikelser_period"]
    assert abs(dv.val(top[2], "Avvikelse")) > abs(dv.val(top[3], "Avvikelse"))   # ingen delad tredjeplats
    topp = sorted(posts, key=lambda p: -abs(dv.val(p, "Prognosavvikelse")))
    assert [[p, dv.val(p, "Prognosavvikelse")] for p in topp[:3]] == rub["storsta_avvikelser_prognos"]
    assert abs(dv.val(topp[2], "Prognosavvikelse")) > abs(dv.val(topp[3], "Prognosavvikelse"))
    # periodbudget = helårsbudget / 3 på varje rad
    for r in dv.rows:
        if r["radtyp"] == "post":
            assert close(dv.val(r["verksamhet"], "Helårsbudget") / 3, dv.val(r["verksamhet"], "Budget perioden"), 0.051)
    # prognoskontroll: rak uppräkning utfall / 4 × 12 mot prognos, gräns 5 % av |helårsbudget|
    flagged = []
    for r in dv.rows:
        if r["radtyp"] == "rubrik":
            continue
        rad = r["verksamhet"]
        rak = dv.val(rad, "Netto utfall") / 4 * 12
        if abs(dv.val(rad, "Prognos") - rak) > 0.05 * abs(dv.val(rad, "Helårsbudget")):
            flagged.append(rad)
    assert flagged == exp["prognoskontroll"]["flaggade"] == []
    check_expected_entries("testmkr", checks, exp, tables)


# --- testplus -----------------------------------------------------------------------------------------

def testplus():
    exp = tomllib.loads((HERE / "testplus" / "forvantat.toml").read_text(encoding="utf-8"))
    meta, tables = load("testplus")
    checks = all_checks(tables)
    show(checks, "testplus: alla kontroller")
    T = "resultat_verksamhet"
    P = "Utfall i % av budget"
    U = "Utfall jan–aug"
    expected_bad = {
        (T, "Ekonomiskt bistånd", P, "relation"): "fel",               # planterat 1
        (T, "Socialpsykiatri", P, "relation"): "ej_kontrollerbar",     # planterat 2
        (T, "Summa Socialnämnden", U, "summa"): "fel",                 # planterat 4
    }
    assert bad(checks) == expected_bad, bad(checks)
    t = tables[T]
    posts = [r["verksamhet"] for r in t.rows if r["radtyp"] == "post"]
    assert len(posts) == 8
    rows_u = sum(t.val(p, U) for p in posts)
    assert rows_u == 332481 and t.val("Summa Socialnämnden", U) == 331460
    assert rows_u - t.val("Summa Socialnämnden", U) == 1021
    # andelen: aldrig summerad; summaradens procent är kvoten av summorna (båda varianterna → 68)
    B = t.val("Summa Socialnämnden", "Budget helår")
    assert round(100 * rows_u / B) == round(100 * t.val("Summa Socialnämnden", U) / B) == t.val("Summa Socialnämnden", P) == 68
    published_pcts = [t.val(p, P) for p in posts if t.val(p, P) is not None]
    assert sum(published_pcts) == 445 and close(sum(published_pcts) / len(published_pcts), 63.57, 0.01)
    assert close(sum(100 * t.val(p, U) / t.val(p, "Budget helår") for p in posts), 538.67, 0.01)
    # felet på Ekonomiskt bistånd förklaras inte av summagapet
    eb_needed = 36 / 100 * t.val("Ekonomiskt bistånd", "Budget helår")
    assert abs(eb_needed - t.val("Ekonomiskt bistånd", U)) > 5000
    # alla korrekta procent ligger minst 0,05 från avrundningsgränsen
    for p in posts:
        exact = 100 * t.val(p, U) / t.val(p, "Budget helår")
        assert abs(exact - round(exact)) < 0.45, p

    assert t.val("Socialpsykiatri", P) is None                    # tom, inte 0
    assert close(100 * t.val("Socialpsykiatri", U) / t.val("Socialpsykiatri", "Budget helår"), 66.42, 0.005)
    assert close(100 * t.val("Ekonomiskt bistånd", U) / t.val("Ekonomiskt bistånd", "Budget helår"), 63.04, 0.005)

    # text som belägg: radernas summa, inte den publicerade
    text_rows = list(csv.DictReader(open(HERE / "testplus" / "text_namnd.csv", encoding="utf-8-sig"), delimiter=";"))
    kalla = (HERE / "kallor" / "testplus_delarsrapport_2017-08.txt").read_text(encoding="utf-8").splitlines()
    budget_period = B * 8 / 12
    assert budget_period == 324800
    derived_rows = budget_period - rows_u                       # −7 681
    derived_pub = budget_period - t.val("Summa Socialnämnden", U)  # −6 660
    truth_rows = {"utfall_period": rows_u, "avvikelse_period": derived_rows,
                  "prognosavvikelse": t.val("Summa Socialnämnden", "Avvikelse (budget - prognos)")}
    truth_pub = dict(truth_rows, utfall_period=t.val("Summa Socialnämnden", U), avvikelse_period=derived_pub)
    for tr in text_rows:
        value, dec = parse(tr["varde"])
        assert tr["enhet"] == "mkr" and tr["verksamhet"] == ""
        assert tr["citat"] in kalla[int(tr["rad_i_kallan"]) - 1]           # citatet står på raden i källan
        tkr, tol = value * 1000, 0.5 * 10 ** -dec * 1000 + 8 * 0.5
        assert assess(tkr, truth_rows[tr["matt"]], tol) in ("ok", "avrundning"), tr
        if tr["matt"] in ("utfall_period", "avvikelse_period"):
            assert assess(tkr, truth_pub[tr["matt"]], tol) == "fel", tr    # stöder INTE den publicerade summan
        tk = next(x for x in exp["text_kontroller"] if x["matt"] == tr["matt"])
        assert close(tk["text"], value) and close(tk["beraknat_tkr"], truth_rows[tr["matt"]])
        assert close(tk["differens_tkr"], tkr - truth_rows[tr["matt"]], 0.01)
        assert tk["bedomning"] == assess(tkr, truth_rows[tr["matt"]], tol)
    print("  testplus: texten stöder radernas summa (332 481) och inte den publicerade (331 460)")

    # rättat
    corr = {T: {("Ekonomiskt bistånd", P): "63 %", ("Socialpsykiatri", P): "66 %", ("Summa Socialnämnden", U): "332 481"}}
    _, fixed = load("testplus", corr)
    fixed_checks = all_checks(fixed)
    assert bad(fixed_checks) == {}, bad(fixed_checks)
    print("  testplus: med de tre orsakerna rättade går ALLA kontroller ihop (ok/avrundning)")

    # rubriken
    rub = exp["rubrik"]
    assert rub["period_resultat"] == derived_rows == -7681 and rub["period_enhet"] == "tkr" and rub["period_harledd"]
    assert rub["prognosavvikelse"] == t.val("Summa Socialnämnden", "Avvikelse (budget - prognos)") == -12900
    assert sum(t.val(p, "Avvikelse (budget - prognos)") for p in posts) == -12900
    assert rub["utfall_period"] == rows_u and rub["helarsbudget"] == B == sum(t.val(p, "Budget helår") for p in posts)
    assert rub["prognos"] == t.val("Summa Socialnämnden", "Prognos helår") == sum(t.val(p, "Prognos helår") for p in posts)
    assert rub["budget_period_harledd"] == budget_period
    assert close(rub["andel_av_helarsbudget"], 100 * rows_u / B, 0.005)
    dev = {p: t.val(p, "Budget helår") * 8 / 12 - t.val(p, U) for p in posts}
    assert all(float(x).is_integer() for x in dev.values()) and sum(dev.values()) == derived_rows
    top = sorted(posts, key=lambda p: -abs(dev[p]))
    assert [[p, dev[p]] for p in top[:3]] == rub["storsta_avvikelser_period"]
    assert abs(dev[top[2]]) > abs(dev[top[3]])
    pa = {p: t.val(p, "Avvikelse (budget - prognos)") for p in posts}
    topp = sorted(posts, key=lambda p: -abs(pa[p]))
    assert [[p, pa[p]] for p in topp[:3]] == rub["storsta_avvikelser_prognos"]
    assert abs(pa[topp[2]]) > abs(pa[topp[3]])
    assert rub["formulering"]["forbehall"] == meta["forbehall"][0]["text"]
    assert meta["forbehall"][0]["text"] in "\n".join(kalla)
    # prognoskontroll: 1,5 × utfall mot prognos, gräns 5 % av helårsbudgeten
    flagged = [p for p in posts + ["Summa Socialnämnden"]
               if abs(t.val(p, "Prognos helår") - (rows_u if p.startswith("Summa") else t.val(p, U)) * 1.5)
               > 0.05 * t.val(p, "Budget helår")]
    assert flagged == exp["prognoskontroll"]["flaggade"] == []
    check_expected_entries("testplus", checks, exp, tables)


if __name__ == "__main__":
    testmkr()
    testplus()
    print("\nAlla handräkningar bekräftade.")
    sys.exit(0)
