"""Every economy figure that can be recomputed is recomputed: published sums against their rows,
deviations against outcome minus budget, net against income plus costs, percentages against their
numerator and denominator, the relations a table declares, and cross-table reconciliations.

Inputs are the tidy rows of one municipality and period (with the normalised ``belopp``), the row
structure and the metadata; nothing is read from files here."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.formats import number
from ..core.hierarchy import Row, Tree, group_sum
from ..core.units import unit as unit_of
from ..core.vocabulary import AMOUNT_MATT, ECONOMY_DATASETS, SIGNED_BY_CONVENTION
from .finding import Cell, Check, compare, half_unit, observation, ratio_tolerance

OUTCOME_FOR = {"period": "utfall", "helar": "prognos", "projekt": "prognos", "tidigare_ar": "utfall"}


@dataclass(frozen=True)
class Ctx:
    kommun: str
    period: str

    def check(self, **kw) -> Check:
        return compare(kommun=self.kommun, period=self.period, dataset="ekonomi", **kw)

    def note(self, **kw) -> Check:
        return observation(kommun=self.kommun, period=self.period, dataset="ekonomi", **kw)


def economy_checks(eco: pd.DataFrame, rows: dict[str, list[Row]], meta) -> list[Check]:
    """All economy checks for one municipality and period. ``eco`` has the column ``belopp``."""
    out: list[Check] = []
    if eco.empty:
        return out
    ctx = Ctx(str(eco["kommun"].iat[0]), str(eco["period"].iat[0]))
    for tabell, part in eco.groupby("tabell", sort=False):
        table_rows = rows.get(str(tabell), [])
        out += sum_checks(ctx, part, table_rows)
        out += deviation_checks(ctx, part)
        out += net_checks(ctx, part)
        tmeta = _table_meta(meta, str(tabell))
        if tmeta is not None:
            out += relation_checks(ctx, part, tmeta)
            out += percent_checks(ctx, part, tmeta)
    out += reconciliation_checks(ctx, eco, rows, meta)
    out += forecast_plausibility_checks(ctx, eco)
    return out


def _table_meta(meta, tabell: str):
    try:
        return meta.table(tabell)
    except KeyError:
        return None


def _cell(r) -> Cell:
    return Cell(str(r.tabell), int(r.rad), str(r.kolumn))


def _sign(r) -> float:
    """−1 where the table writes this kind of figure with the opposite sign of the normalised one."""
    return -1.0 if (r.kostnadstecken == "plus" and r.matt in SIGNED_BY_CONVENTION) else 1.0


def _tol(rs) -> float:
    return sum(half_unit(int(r.decimaler), bool(r.ungefar), float(r.varde)) for r in rs)


# --- sums down a column ----------------------------------------------------------------------------

def sum_checks(ctx: Ctx, part: pd.DataFrame, rows: list[Row]) -> list[Check]:
    """Each published summa row against the sum of its group, column by column (never a percentage)."""
    out = []
    tree = Tree(rows)
    amounts = part[part["matt"].isin(AMOUNT_MATT)]
    for kolumn, col in amounts.groupby("kolumn", sort=False):
        by_line = {int(r.rad): r for r in col.itertuples()}
        values = {line: float(r.varde) for line, r in by_line.items()}
        for row in (r for r in rows if r.radtyp == "summa"):
            if row.line not in values:
                continue
            gs = group_sum(tree, values, row.summerar, exclude=row.line)
            if gs.used == 0:
                continue
            summa = by_line[row.line]
            used = [by_line[line] for line in gs.lines]
            what = f"gruppen '{row.summerar}'" if row.summerar else "tabellens översta nivå"
            out.append(ctx.check(
                tabell=str(summa.tabell), rad_text=row.label, kolumn=str(kolumn), kind="summa",
                published=values[row.line], computed=gs.total, tol=_tol(used) + _tol([summa]),
                enhet=str(summa.enhet), cell=_cell(summa), inputs=tuple(_cell(r) for r in used),
                missing_inputs=gs.missing, ungefar=any(r.ungefar for r in used + [summa]),
                terms=tuple((_cell(r), 1.0, float(r.varde)) for r in used),
                missing=tuple(Cell(str(summa.tabell), line, str(kolumn)) for line in gs.missing_lines),
                beskrivning=f"Publicerad summa jämförd med summan av {gs.used} rader i {what} (kolumn '{kolumn}')."))
    return out


# --- relations along a row -------------------------------------------------------------------------

def _columns(part: pd.DataFrame, **match) -> list[str]:
    sel = part
    for k, v in match.items():
        sel = sel[sel[k] == v]
    return list(dict.fromkeys(sel["kolumn"]))


def deviation_checks(ctx: Ctx, part: pd.DataFrame) -> list[Check]:
    """A published deviation against outcome (or forecast) minus budget on the same row."""
    out = []
    dev = part[part["matt"] == "avvikelse"]
    net = part[part["matt"] == "netto"]
    for (omf, ar), g in dev.groupby(["omfattning", "ar"], sort=False):
        outcome_slag = OUTCOME_FOR.get(str(omf), "prognos")
        bcols = _columns(net[(net["omfattning"] == omf) & (net["ar"] == ar)], slag="budget")
        ocols = _columns(net[(net["omfattning"] == omf) & (net["ar"] == ar)], slag=outcome_slag)
        if len(bcols) != 1 or len(ocols) != 1:
            continue
        cells = {(int(x.rad), str(x.kolumn)): x for x in net.itertuples()
                 if str(x.kolumn) in (bcols[0], ocols[0])}
        for r in g.itertuples():
            b = cells.get((int(r.rad), bcols[0]))
            o = cells.get((int(r.rad), ocols[0]))
            label = "utfall" if outcome_slag == "utfall" else "prognos"
            text = (f"Publicerad avvikelse jämförd med {label} ('{ocols[0]}') minus budget ('{bcols[0]}'); "
                    "positiv = bättre än budget.")
            if b is None and o is None:
                continue
            if b is None or o is None:
                # A blank cell is no value: the check passes only if the row is consistent without it,
                # and is otherwise 'kan inte kontrolleras' (never 'fel' because of a blank).
                present = o if b is None else b
                sign = 1.0 if b is None else -1.0
                out.append(ctx.check(
                    tabell=str(r.tabell), rad_text=str(r.verksamhet), kolumn=str(r.kolumn), kind="avvikelse",
                    published=float(r.varde), computed=sign * float(present.belopp),
                    tol=_tol([present, r]),
                    enhet=str(r.enhet), cell=_cell(r), missing_inputs=1,
                    missing=(Cell(str(r.tabell), int(r.rad), bcols[0] if b is None else ocols[0]),),
                    beskrivning=text + f" '{bcols[0] if b is None else ocols[0]}' är tom på raden."))
                continue
            out.append(ctx.check(
                tabell=str(r.tabell), rad_text=str(r.verksamhet), kolumn=str(r.kolumn), kind="avvikelse",
                published=float(r.varde), computed=float(o.belopp) - float(b.belopp), tol=_tol([b, o, r]),
                enhet=str(r.enhet), cell=_cell(r),
                inputs=(Cell(str(r.tabell), int(r.rad), bcols[0]), Cell(str(r.tabell), int(r.rad), ocols[0])),
                ungefar=bool(b.ungefar or o.ungefar or r.ungefar), beskrivning=text,
                terms=((Cell(str(r.tabell), int(r.rad), bcols[0]), -_sign(b), float(b.varde)),
                       (Cell(str(r.tabell), int(r.rad), ocols[0]), _sign(o), float(o.varde)))))
    return out


def net_checks(ctx: Ctx, part: pd.DataFrame) -> list[Check]:
    """Published net against income plus costs on the same row (income may be absent: then net = costs)."""
    out = []
    comp = part[part["matt"].isin(["netto", "intakter", "kostnader"])]
    for _key, g in comp.groupby(["slag", "omfattning", "ar"], sort=False):
        ncols = _columns(g, matt="netto")
        kcols = _columns(g, matt="kostnader")
        icols = _columns(g, matt="intakter")
        if len(ncols) != 1 or len(kcols) != 1 or len(icols) > 1:
            continue
        for _rad, rg in g.groupby("rad", sort=False):
            m = {str(x.matt): x for x in rg.itertuples()}
            if "netto" not in m:
                continue
            net = m["netto"]
            text = "Publicerat netto jämfört med intäkter plus kostnader på samma rad."
            if "kostnader" not in m:
                out.append(ctx.note(tabell=str(net.tabell), rad_text=str(net.verksamhet), kolumn=str(net.kolumn),
                                    kind="netto", bedomning="ej_kontrollerbar", enhet=str(net.enhet),
                                    published=net.varde, cell=_cell(net),
                                    beskrivning=text + f" '{kcols[0]}' saknar värde på raden."))
                continue
            inc = m.get("intakter")
            parts = [m["kostnader"]] + ([inc] if inc is not None else [])
            computed = sum(float(p.belopp) for p in parts)
            published = float(net.belopp)
            missing = 1 if (inc is None and icols) else 0
            if missing:
                text += f" '{icols[0]}' är tom på raden."
            out.append(ctx.check(
                tabell=str(net.tabell), rad_text=str(net.verksamhet), kolumn=str(net.kolumn), kind="netto",
                published=published if net.kostnadstecken == "minus" else -published,
                computed=computed if net.kostnadstecken == "minus" else -computed,
                tol=_tol(parts + [net]), enhet=str(net.enhet), cell=_cell(net), inputs=tuple(_cell(p) for p in parts),
                missing_inputs=missing, ungefar=any(p.ungefar for p in parts), beskrivning=text,
                missing=(Cell(str(net.tabell), int(net.rad), icols[0]),) if missing else (),
                terms=((_cell(m["kostnader"]), 1.0, float(m["kostnader"].varde)),)
                + (((_cell(inc), _sign(net), float(inc.varde)),) if inc is not None else ())))
    return out


def relation_checks(ctx: Ctx, part: pd.DataFrame, tmeta) -> list[Check]:
    """The relations a table declares between its columns ([[tabell.relation]] with plus/minus), on
    every row, on the figures as published."""
    out = []
    sums = [r for r in tmeta.relation if not r.taljare]
    if not sums:
        return out
    by_row = {int(rad): {str(x.kolumn): x for x in g.itertuples()} for rad, g in part.groupby("rad", sort=False)}
    labels = dict(zip(part["rad"].astype(int), part["verksamhet"]))
    for rel in sums:
        formula = " + ".join(f"'{c}'" for c in rel.plus) + "".join(f" − '{c}'" for c in rel.minus)
        for rad, cells in by_row.items():
            res = cells.get(rel.kolumn)
            parts = [(c, 1.0) for c in rel.plus] + [(c, -1.0) for c in rel.minus]
            present = [(cells[c], s) for c, s in parts if c in cells]
            absent = [c for c, _ in parts if c not in cells]
            text = f"'{rel.kolumn}' jämförd med {formula} på samma rad (sambandet anges i metadata)."
            if res is None:
                if present and not absent:
                    out.append(ctx.note(tabell=tmeta.id, rad_text=str(labels[rad]), kolumn=rel.kolumn,
                                        kind="relation", bedomning="ej_kontrollerbar", enhet=tmeta.enhet,
                                        cell=Cell(tmeta.id, rad, rel.kolumn), inputs=tuple(_cell(x) for x, _ in present),
                                        beskrivning=text + " Värdet saknas i tabellen."))
                continue
            if not present:
                continue
            computed = sum(s * float(x.varde) for x, s in present)
            out.append(ctx.check(
                tabell=tmeta.id, rad_text=str(res.verksamhet), kolumn=rel.kolumn, kind="relation",
                published=float(res.varde), computed=computed, tol=_tol([x for x, _ in present] + [res]),
                enhet=str(res.enhet), cell=_cell(res), inputs=tuple(_cell(x) for x, _ in present),
                missing_inputs=len(absent), ungefar=any(x.ungefar for x, _ in present) or bool(res.ungefar),
                terms=tuple((_cell(x), sgn, float(x.varde)) for x, sgn in present),
                beskrivning=text + ("" if not absent else f" Tomt på raden: {', '.join(absent)}.")))
    return out


def percent_checks(ctx: Ctx, part: pd.DataFrame, tmeta) -> list[Check]:
    """Each percentage (matt = andel) against 100 × numerator / denominator on the same row. A
    percentage is never summed; a missing figure makes the check 'kan inte kontrolleras'."""
    out = []
    andel_cols = [c for c, s in tmeta.kolumner.items() if s.matt == "andel"]
    if not andel_cols:
        return out
    declared = {r.kolumn: (r.taljare, r.namnare) for r in tmeta.relation if r.taljare}
    by_row = {int(rad): {str(x.kolumn): x for x in g.itertuples()} for rad, g in part.groupby("rad", sort=False)}
    labels = dict(zip(part["rad"].astype(int), part["verksamhet"]))
    for col in andel_cols:
        pair = declared.get(col) or _implicit_pair(tmeta, col)
        if pair is None:
            continue
        num_col, den_col = pair
        for rad, cells in by_row.items():
            pct, num, den = cells.get(col), cells.get(num_col), cells.get(den_col)
            text = f"Publicerad andel '{col}' jämförd med 100 × '{num_col}' / '{den_col}' på samma rad."
            if pct is None or num is None or den is None or float(den.varde) == 0:
                if pct is None and num is not None and den is not None:
                    why = " Andelen saknas i tabellen."
                elif pct is not None and (num is None or den is None):
                    why = f" '{num_col if num is None else den_col}' saknar värde på raden."
                elif pct is not None and den is not None and float(den.varde) == 0:
                    # a 0 is a value, not a blank: the finding must not say the value is missing
                    why = (f" Nämnaren är 0: '{den_col}' är 0 på raden (ett värde, inte ett tomt fält), och en andel av 0 "
                           "går inte att räkna.")
                else:
                    continue
                blank = (Cell(tmeta.id, rad, col) if pct is None else
                         Cell(tmeta.id, rad, num_col if num is None else den_col))
                zero = pct is not None and num is not None and den is not None
                out.append(ctx.note(tabell=tmeta.id, rad_text=str(labels[rad]), kolumn=col, kind="andel",
                                    bedomning="ej_kontrollerbar", enhet="procent",
                                    published=None if pct is None else pct.varde,
                                    cell=Cell(tmeta.id, rad, col), beskrivning=text + why,
                                    missing=() if zero else (blank,)))
                continue
            computed = 100 * float(num.varde) / float(den.varde)
            tol = ratio_tolerance(float(num.varde), float(den.varde), int(pct.decimaler),
                                  half_unit(int(num.decimaler)), half_unit(int(den.decimaler)), scale=100)
            out.append(ctx.check(
                tabell=tmeta.id, rad_text=str(pct.verksamhet), kolumn=col, kind="andel", published=float(pct.varde),
                computed=computed, tol=tol, enhet="procent", cell=_cell(pct), inputs=(_cell(num), _cell(den)),
                beskrivning=text))
    return out


def _implicit_pair(tmeta, col: str) -> tuple[str, str] | None:
    spec = tmeta.kolumner[col]
    utfall = [c for c, s in tmeta.kolumner.items() if s.matt == "netto" and s.slag == "utfall" and s.ar == spec.ar]
    budget = [c for c, s in tmeta.kolumner.items() if s.matt == "netto" and s.slag == "budget" and s.ar == spec.ar]
    if len(utfall) == 1 and len(budget) == 1:
        return utfall[0], budget[0]
    return None


# --- across tables ---------------------------------------------------------------------------------

def reconciliation_checks(ctx: Ctx, eco: pd.DataFrame, rows: dict[str, list[Row]], meta) -> list[Check]:
    """Cross-table checks declared in metadata ([[tabell.avstamning]]), compared in tkr."""
    out = []
    for t in meta.tabell:
        if t.dataset not in ECONOMY_DATASETS:
            continue
        part = eco[eco["tabell"] == t.id]
        table_rows = rows.get(t.id, [])
        for rec in t.avstamning:
            target = eco[(eco["tabell"] == rec.tabell) & (eco["verksamhet"] == rec.verksamhet)]
            summa_rows = {r.line for r in table_rows if r.radtyp == "summa" and r.summerar == rec.grupp}
            for (matt, slag, omf, ar), g in part.groupby(["matt", "slag", "omfattning", "ar"], sort=False):
                if matt not in AMOUNT_MATT:
                    continue
                tg = target[(target["matt"] == matt) & (target["slag"] == slag) & (target["omfattning"] == omf)
                            & (target["ar"] == ar)]
                if tg.empty:
                    continue
                by_line = {int(r.rad): r for r in g.itertuples()}
                values = {line: float(r.belopp) * unit_of(r.enhet).to_tkr for line, r in by_line.items()}
                gs = group_sum(table_rows, values, rec.grupp)
                if gs.used == 0:
                    continue
                tgt = tg.iloc[0]
                used = [by_line[line] for line in gs.lines]
                to_tkr_t = unit_of(tgt["enhet"]).to_tkr
                tol = sum(half_unit(int(r.decimaler), bool(r.ungefar), float(r.varde)) * unit_of(r.enhet).to_tkr
                          for r in used) + half_unit(int(tgt["decimaler"])) * to_tkr_t
                where = f"raderna under '{rec.grupp}'" if rec.grupp else "raderna på översta nivån"
                summa_cells = tuple(Cell(t.id, line, str(g["kolumn"].iat[0])) for line in summa_rows if line in by_line)
                out.append(ctx.check(
                    tabell=t.id, rad_text=rec.grupp or "Tabellens totalsumma", kolumn=str(g["kolumn"].iat[0]),
                    kind="avstamning", published=float(tgt["belopp"]) * to_tkr_t, computed=gs.total, tol=tol,
                    enhet="tkr", cell=Cell(rec.tabell, int(tgt["rad"]), str(tgt["kolumn"])),
                    inputs=summa_cells + tuple(_cell(r) for r in used), missing_inputs=gs.missing,
                    terms=tuple((_cell(r), _sign(r) * unit_of(r.enhet).to_tkr, float(r.varde)) for r in used),
                    beskrivning=(f"Siffran i tabellen '{rec.tabell}' (rad '{rec.verksamhet}', kolumn '{tgt['kolumn']}') "
                                 f"jämförd med summan av {gs.used} rader ({where}) i tabellen '{t.id}', "
                                 f"{number(gs.total)} tkr.")))
    return out


# --- plausibility ----------------------------------------------------------------------------------

IMPLAUSIBLE_FACTOR = 3.0  # a full-year forecast more than three times the full-year budget


def _forecast_budget_positions(net: pd.DataFrame) -> dict[tuple, tuple[list[int], list[int]]]:
    """(tabell, rad, ar) → positions of its forecast rows and of its budget rows, in one pass over the
    frame (keys in order of first appearance, as ``groupby(sort=False)``; keys with a missing part left out)."""
    out: dict[tuple, tuple[list[int], list[int]]] = {}
    keys = zip(net["tabell"].tolist(), net["rad"].tolist(), net["ar"].tolist(), strict=True)
    for i, (key, slag) in enumerate(zip(keys, net["slag"].tolist(), strict=True)):
        if any(pd.isna(k) for k in key):
            continue
        fc, bu = out.setdefault(key, ([], []))
        (fc if slag == "prognos" else bu).append(i)
    return out


def forecast_plausibility_checks(ctx: Ctx, eco: pd.DataFrame) -> list[Check]:
    """A full-year forecast against the same row's full-year budget: more than three times its size, or
    of the opposite sign, is a warning (a typo such as −999 999 999, or a sign flipped in the file). Not
    provably wrong, so never 'fel'; the forecast is still shown as published."""
    out = []
    net = eco[(eco["matt"] == "netto") & (eco["omfattning"] == "helar") & eco["slag"].isin(["prognos", "budget"])]
    amounts = net["belopp"].tolist()
    for (tabell, rad, ar), (fc, bu) in _forecast_budget_positions(net).items():
        if len(fc) != 1 or len(bu) != 1:
            continue
        fv, bv = float(amounts[fc[0]]), float(amounts[bu[0]])
        if pd.isna(fv) or pd.isna(bv) or bv == 0 or fv == 0:
            continue
        too_large = abs(fv) > IMPLAUSIBLE_FACTOR * abs(bv)
        flipped = (fv > 0) != (bv > 0)
        if not (too_large or flipped):
            continue
        f, b = net.iloc[fc[0]], net.iloc[bu[0]]
        enhet = str(f["enhet"])
        why = []
        if too_large:
            why.append(f"mer än {number(IMPLAUSIBLE_FACTOR)} gånger så stor som helårsbudgeten")
        if flipped:
            why.append("av motsatt tecken mot helårsbudgeten (intäkt i stället för kostnad eller tvärtom)")
        out.append(ctx.note(
            tabell=str(tabell), rad_text=str(f["verksamhet"]), kolumn=str(f["kolumn"]), kind="avvikande",
            bedomning="varning", enhet=enhet, published=float(f["varde"]), reference=float(b["varde"]),
            cell=Cell(str(tabell), int(rad), str(f["kolumn"])), inputs=(Cell(str(tabell), int(rad), str(b["kolumn"])),),
            beskrivning=(f"Helårsprognosen för {f['verksamhet']} {int(ar)} ({number(float(f['varde']))} {enhet}) är "
                         f"{' och '.join(why)}, som är {number(float(b['varde']))} {enhet} ('{b['kolumn']}'). "
                         "Kontrollera prognosen innan den används – ett skrivfel eller ett omvänt tecken ger fel "
                         "helårsresultat.")))
    return out
