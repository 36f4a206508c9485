"""The ledger's SIE export for one month folder → amounts per verksamhet (ledger semantics).

What a figure means is decided per file, and said in ``LedgerSource`` (for the report's Källor and the
datalogg):

- **Period**: the fiscal year is #RAR 0; the period runs from its first month to the folder's month
  (a fiscal year from July gives "juli–december 2009" in folder 2009-12). A folder outside #RAR 0 is
  an error that names the right folders.
- **Outcome**: from #PSALDO when the file has it for a result account of the fiscal year; otherwise
  from #TRANS by voucher date (a type 4 file with vouchers only). With both, #PSALDO is used and the
  two are compared per account; a difference is a finding.
- **What ``{}`` means**: either the account total, with each object row a part of it (SIE 4B), or
  the postings without objects, with each object row an exclusive combination (some SIE 3 writers).
  The reading is the one that reconciles with the file's own #RES (or, without #RES, with its
  #TRANS); a finding when neither does. #TRANS rows are always exclusive.
- **Objects**: every object list, combinations included (``{1 "Nord" 6 "P12"}``), lands in the
  verksamhet its codes in the mapped dimension(s) belong to (``ledger_map``); the rest in
  "Ej placerat …". The sum of all places equals the file's result for the period.
- **Absent is zero**: SIE writes no zero rows, so a mapped verksamhet without rows is 0 for the
  period (and for the budget, when the file has a budget).
- **Budget**: #PBUDGET; the period budget is the fiscal year's months up to the folder month, the
  full-year budget all its months.
- **Problems** in records the figures do not use are warnings, one line per kind; an error only
  when a figure in use is affected."""
from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sie4

from ..core.errors import Problem
from ..core.formats import number
from ..core.period import Period
from ..core.vocabulary import MONTH_ABBR, month_name
from .ledger_map import load_mapping
from .metadata import KommunMeta

__all__ = ["LedgerRead", "LedgerSource", "UNPLACED_GROUP", "read_ledger"]

UNPLACED_GROUP = "Ej placerat i mappningen"
NO_OBJECT = "Ej placerat: utan objekt"
TOLERANCE_KR = 0.005    # SIE amounts are in öre: equal means equal to the öre
MATERIAL_KR = 500.0   # a difference against #RES this large changes figures shown in tkr
OUTCOME_COLUMNS = ("Intäkter perioden", "Kostnader perioden", "Utfall perioden")
BUDGET_COLUMNS = ("Budget perioden", "Budget helår")
# Records whose problems can touch the figures, per source of the outcome.
_TRANS_RECORDS = frozenset({"#VER", "#TRANS", "#RTRANS", "#BTRANS", "{", "}"})
_ALWAYS_FATAL = frozenset({"tom_fil", "ksumma_avkortad"})
_VOUCHER_LABELS = frozenset({"#VER", "{", "#TRANS", "#RTRANS", "#BTRANS"})  # a last line inside a voucher
WORDS = {
    "psaldo": "periodsaldona (#PSALDO)",
    "trans": "verifikationerna (#TRANS, per verifikationsdatum)",
    "hela_kontot": "hela kontots saldo (objektraderna är delar av det)",
    "utan_objekt": "bokningar utan objekt (varje objektrad är en egen kombination)",
}


@dataclass
class LedgerSource:
    """How one SIE file was read: everything the report's Källor and the datalogg should say.

    Amounts in tkr with costs negative (the report's convention). ``tom_objektlista`` is
    "hela_kontot" or "utan_objekt"; ``avstamt_mot`` "#RES", "#TRANS" or "" (no reference in the file);
    ``utfall_ur`` "psaldo" or "trans"; ``trans_stammer`` None when the file has only one of them."""

    fil: str
    program: str
    sie_typ: int | None
    exporterad: str
    foretag: str
    rakenskapsar: tuple[str, str]
    period_fran: str
    period_till: str
    period_text: str
    utfall_ur: str
    har_psaldo: bool
    har_trans: bool
    trans_stammer: bool | None
    tom_objektlista: str
    avstamt_mot: str
    konton_avstamda: int
    konton_att_avstamma: int
    budget_ur: str
    dimensioner: tuple[int, ...]
    resultat_tkr: float
    placerat_tkr: float
    ej_placerat_tkr: float
    exkluderat_tkr: float
    res_konton_som_stammer: int = 0
    res_konton: int = 0
    har_objektrader: bool = False
    verksamheter_utan_rader: list[str] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)

    def text_sv(self) -> str:
        """One paragraph for Källor: the file, where the outcome and the budget come from, what {} means."""
        start, end = self.rakenskapsar
        parts = [f"{self.fil} ({self.program or 'okänt program'}, SIE typ {self.sie_typ or '?'}"
                 + (f", exporterad {self.exporterad}" if self.exporterad else "") + ")"]
        parts.append(f"räkenskapsår {start}–{end}")
        parts.append(f"utfall {self.period_text} ur {WORDS[self.utfall_ur]}")
        if self.utfall_ur == "psaldo" and self.har_trans:
            parts.append("verifikationerna stämmer med periodsaldona" if self.trans_stammer
                         else "verifikationerna stämmer inte med periodsaldona (se fynden)")
        if self.res_konton:
            parts.append(f"utfallet stämmer med filens #RES för {self.res_konton_som_stammer} av {self.res_konton} "
                         "konton")
        parts.append("budget ur #PBUDGET" if self.budget_ur else "ingen budget i filen")
        if (self.utfall_ur == "psaldo" or self.budget_ur) and self.har_objektrader:
            how = f"{{}} betyder {WORDS[self.tom_objektlista]}"
            if self.avstamt_mot:
                how += (f", avstämt mot filens {self.avstamt_mot} för {self.konton_avstamda} av "
                        f"{self.konton_att_avstamma} konton")
            else:
                how += ", enligt SIE-standarden (filen har inget #RES att stämma av mot)"
            parts.append(how)
        if abs(self.ej_placerat_tkr) >= 0.5:
            parts.append(f"{number(self.ej_placerat_tkr)} tkr ej placerat i mappningen")
        if self.verksamheter_utan_rader:
            parts.append(f"{len(self.verksamheter_utan_rader)} verksamheter utan rader i filen räknas som 0")
        return "; ".join(parts) + "."

    def to_dict(self) -> dict:
        return asdict(self) | {"text": self.text_sv()}


@dataclass
class LedgerRead:
    """What one SIE file gives the month: values per (verksamhet, kolumn) in tkr (costs negative),
    the groups (verksamhet → område, in order), the monthly columns (kolumn, år, månad), problems and
    the source summary (None when the file gives no figures)."""

    values: dict[tuple[str, str], float] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    month_columns: list[tuple[str, int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source: LedgerSource | None = None
    fiscal_start: tuple[int, int] | None = None


def _klass(account: str, meta: KommunMeta, cache: dict[str, str]) -> str:
    k = cache.get(account)
    if k is None:
        m = meta.sie
        k = ""
        for klass, prefixes in (("exkludera", m.exkludera), ("intakter", m.intakter), ("kostnader", m.kostnader)):
            if any(account.startswith(p) for p in prefixes):
                k = klass
                break
        cache[account] = k
    return k


def _month_label(month: str, one_year: bool) -> str:
    y, m = int(month[:4]), int(month[5:])
    return f"Utfall {MONTH_ABBR[m - 1]}" if one_year else f"Utfall {MONTH_ABBR[m - 1]} {y}"


def period_text(first: str, last: str) -> str:
    """('2009-07', '2009-12') → 'juli–december 2009'; ('2009-07', '2010-03') → 'juli 2009–mars 2010'."""
    fy, fm, ly, lm = int(first[:4]), int(first[5:]), int(last[:4]), int(last[5:])
    if fy == ly:
        return f"{month_name(fm)} {fy}" if fm == lm else f"{month_name(fm)}–{month_name(lm)} {fy}"
    return f"{month_name(fm)} {fy}–{month_name(lm)} {ly}"


class _File:
    """The reading of one file (kept small: each step a method)."""

    def __init__(self, meta: KommunMeta, period: Period, path: Path, shown: str):
        self.meta, self.period, self.path = meta, period, path
        self.fname = f"{shown}/{path.name}"
        self.out = LedgerRead()
        self.klass_cache: dict[str, str] = {}
        self.unknown_objects: dict[str, list] = {}
        self.unplaced_accounts: dict[str, float] = {}
        self.excluded = 0.0

    def problem(self, message: str, *, rad: int | None = None, kolumn: str | None = None, varde: str | None = None,
                fatal: bool = True) -> None:
        self.out.problems.append(Problem(self.fname, rad, kolumn, varde, message, fatal))

    # --- the steps ----------------------------------------------------------------------------
    def run(self) -> LedgerRead:
        mapping, map_problems = load_mapping(self.meta)
        self.out.problems += map_problems
        if mapping is None:
            return self.out
        self.mapping = mapping
        try:
            sie = sie4.read(self.path, transactions="aggregate")
        except sie4.SieReadError as exc:
            self.problem(exc.message_sv)
            return self.out
        self.sie = sie
        self._check_ends_mid_voucher()
        if not self._fiscal_year():
            self._report_reader_problems(used=frozenset())
            return self.out
        self._collect()
        self._check_coverage()
        if self.source is not None:
            self.reading = self._reading()
            self.res_check = self._choose_source(self.reading[0])
        used = frozenset({"#RAR"} | ({"#PSALDO"} if self.source == "psaldo" else set())
                         | (_TRANS_RECORDS if self.source == "trans" else set())
                         | ({"#PBUDGET"} if self.budget_rows else set()))
        self._report_reader_problems(used)
        if self.source is None:
            self.problem("filen ger inget utfall: den har varken #PSALDO eller verifikationer (#VER/#TRANS) på "
                         f"resultatkonton för räkenskapsår 0 ({self._iso_year()}); exportera SIE typ 3 eller 4 "
                         "med periodsaldon eller verifikationer")
            return self.out
        if any(p.allvarlig for p in self.out.problems):
            return self.out
        self._place_all()
        return self.out

    def _iso_year(self) -> str:
        s, e = self.sie.fiscal_years[0]
        return f"{s[:4]}-{s[4:6]}-{s[6:]}–{e[:4]}-{e[4:6]}-{e[6:]}"

    def _fiscal_year(self) -> bool:
        sie = self.sie
        if sie.errors and any(p.kind == "tom_fil" for p in sie.errors):
            return False
        if 0 not in sie.fiscal_years:
            self.problem("filen saknar #RAR 0 (räkenskapsårets start och slut); utan den går det inte att veta "
                         "vilka månader siffrorna gäller. Gör om exporten med räkenskapsåret", kolumn="#RAR")
            return False
        self.fiscal = sie.fiscal_months(0)
        folder = f"{self.period.year}-{self.period.month:02d}"
        if folder not in self.fiscal:
            self.problem(f"räkenskapsår 0 i filen är {self._iso_year()} men mappen är {folder}; lägg filen i "
                         f"mappen för periodens sista månad ({self.fiscal[0]} … {self.fiscal[-1]})",
                         kolumn="#RAR", varde=folder)
            return False
        self.months = self.fiscal[: self.fiscal.index(folder) + 1]
        self.after = set(self.fiscal[len(self.months):])
        self.fiscal_set = set(self.fiscal)
        self.one_year = self.months[0][:4] == self.months[-1][:4]
        self.out.fiscal_start = (int(self.months[0][:4]), int(self.months[0][5:]))
        return True

    def _result_account(self, account: str) -> bool:
        return _klass(account, self.meta, self.klass_cache) != "exkludera"

    def _mapped_account(self, account: str) -> bool:
        """An income or cost account by the mapping (what #RES is checked on)."""
        return _klass(account, self.meta, self.klass_cache) in ("intakter", "kostnader")

    def _collect(self) -> None:
        sie = self.sie
        self.psaldo_rows = [r for r in sie.psaldo if r.year_index == 0 and r.period in self.fiscal_set]
        self.budget_rows = [r for r in sie.pbudget if r.year_index == 0 and r.period in self.fiscal_set]
        self.trans = {k: v for k, v in sie.trans_totals.items() if k[2] in self.fiscal_set}
        has_ps = any(self._result_account(r.account) for r in self.psaldo_rows)
        has_tr = any(self._result_account(k[0]) for k in self.trans)
        self.has_ps, self.has_tr = has_ps, has_tr
        broken_vouchers = any(p.record in _TRANS_RECORDS for p in sie.errors)
        self.source = "psaldo" if has_ps else "trans" if has_tr or broken_vouchers else None

    def _report_reader_problems(self, used: frozenset[str]) -> None:
        """The reader's findings, one line per kind; fatal only when a figure in use is affected."""
        fatal_problems, warnings = [], []
        for p in self.sie.problems:
            (fatal_problems if self._affects(p, used) else warnings).append(p)
        for group, fatal in ((fatal_problems, True), (warnings, False)):
            for s in sie4.summarise(group):
                detail = s.message_sv
                if fatal and not s.first.is_error:
                    detail += " (posten används i rapportens siffror)"
                if s.hint_sv:
                    detail += f". {s.hint_sv}"
                self.out.problems.append(Problem(self.fname, s.first.line, s.record, s.first.text, detail, fatal))

    def _affects(self, p: sie4.SieProblem, used: frozenset[str]) -> bool:
        if not p.is_error:
            return False
        if p.kind in _ALWAYS_FATAL:
            return True
        record = p.record or ""
        if record not in used:
            return False
        if p.year is not None and p.year != 0:
            return False
        return not (p.period is not None and p.period not in self.months)

    # --- coverage: is this the whole export, and the export for this folder? ---------------------
    def _check_ends_mid_voucher(self) -> None:
        """A file whose last record is inside a voucher (#VER, '{' or a #TRANS without the closing '}')
        was cut off: the rest of the export (later vouchers, balances) is missing."""
        open_blocks = [p for p in self.sie.errors if p.kind in ("block_utan_slut", "ver_utan_block")]
        if not open_blocks or _last_label(self.path) not in _VOUCHER_LABELS:
            return
        start = max(p.line or 0 for p in open_blocks)
        self.problem(f"filen slutar mitt i en verifikation (den som börjar på rad {start} avslutas aldrig med "
                     "'}'); exporten är avbruten och resten av filen saknas. Gör om exporten från "
                     "ekonomisystemet", rad=start or None, kolumn="#VER", varde="filslut")

    def _check_coverage(self) -> None:
        folder = self.months[-1]
        y, m = int(folder[:4]), int(folder[5:])
        folder_end = f"{folder}-{calendar.monthrange(y, m)[1]:02d}"
        omfattn = self.sie.omfattn
        if omfattn:
            self._check_omfattn(omfattn, folder, folder_end)
        else:
            self._check_latest_outcome(folder, folder_end)
        self._check_budget_months()

    def _check_omfattn(self, omfattn: str, folder: str, folder_end: str) -> None:
        until = _iso(omfattn)
        latest = self._latest_outcome()
        if until >= folder_end or (latest and latest > until[:7]):
            return   # an #OMFATTN that the file's own outcome contradicts is not trusted (some writers)
        month = until[:7]
        oy, om = int(month[:4]), int(month[5:])
        whole_month = until == f"{month}-{calendar.monthrange(oy, om)[1]:02d}"
        todo = (f"lägg den i {month} eller gör en ny export till och med {folder_end}" if whole_month
                else f"gör en ny export till och med {folder_end}")
        self.problem(f"exporten gäller till {until} (#OMFATTN) men ligger i mappen {folder}; {todo}. Annars blir "
                     f"siffrorna för {period_text(self.months[0], folder)} i själva verket siffror till och med "
                     f"{until}", rad=_omfattn_line(self.path, self.sie.encoding), kolumn="#OMFATTN", varde=omfattn)

    def _check_latest_outcome(self, folder: str, folder_end: str) -> None:
        latest = self._latest_outcome()
        if not latest or latest >= folder:
            return
        rows = [r for r in self.psaldo_rows if self._result_account(r.account)]
        lines = [r.line for r in rows if r.period == latest]
        label = "#PSALDO" if lines else "#TRANS"
        self.problem(f"det senaste utfallet i filen gäller {latest} men filen ligger i mappen {folder}, och filen "
                     "har ingen #OMFATTN som säger vilket datum exporten gäller till; månaderna efter "
                     f"{latest} räknas som 0. Kontrollera att det är rätt export: lägg den i {latest} eller gör "
                     f"en ny export till och med {folder_end}", rad=max(lines) if lines else None, kolumn=label,
                     varde=latest, fatal=False)

    def _latest_outcome(self) -> str:
        """The latest month ("YYYY-MM") with outcome on a result account in the fiscal year; "" if none."""
        months = ({r.period for r in self.psaldo_rows if self._result_account(r.account)}
                  | {k[2] for k in self.trans if self._result_account(k[0])})
        return max(months, default="")

    def _check_budget_months(self) -> None:
        """#PBUDGET cut short: the fiscal year's last months missing for every account, or for some
        accounts (object lists) while others have them (an export cut at a line boundary)."""
        by_key: dict[tuple[str, sie4.ObjectList], list] = defaultdict(list)
        for r in self.budget_rows:
            if self._result_account(r.account):
                by_key[(r.account, r.objects)].append(r)
        union = sorted({r.period for rows in by_key.values() for r in rows})
        if len(union) < 2:
            return
        last, fiscal_last = union[-1], self.fiscal[-1]
        if union == self.fiscal[: len(union)] and last < fiscal_last:
            # Every account stops at the same month: a cut at a month's end, or a budget written for part
            # of the year. An error when the period's own budget is short, else a warning.
            missing = self.fiscal[len(union):]
            short = last < self.months[-1]
            self.problem(f"#PBUDGET har budget för {_span(union)} men ingen budget alls för {_span(missing)}; "
                         + ("periodens budget och " if short else "")
                         + "helårsbudgeten blir för låg. Är filen avkortad, gör om exporten med hela årets budget",
                         rad=max(r.line for rows in by_key.values() for r in rows), kolumn="#PBUDGET", varde=last,
                         fatal=short)
        cut = []
        for key in self._cut_budget_keys(by_key, union):
            months = sorted({r.period for r in by_key[key]})
            cut.append((max(r.line for r in by_key[key]), key[0], key[1], months))
        if not cut:
            return
        cut.sort()
        line, account, objects, months = cut[0]
        where = f"konto {account}" + (f" {_objects_text(objects)}" if objects else "")
        more = f" och {len(cut) - 1} till" if len(cut) > 1 else ""
        accounts = ", ".join(dict.fromkeys(a for _l, a, _o, _m in cut[:8]))
        self.problem(f"#PBUDGET saknar de sista månaderna för {len(cut)} konton ({accounts}{'…' if len(cut) > 8 else ''})"
                     f" medan andra konton har budget till och med {last}: t.ex. {where}{more} har budget för "
                     f"{_span(months)} men saknar {_span([u for u in union if u > months[-1]])}. Filen är troligen avkortad och "
                     "helårsbudgeten skulle bli fel – gör om exporten med hela årets budget", rad=line,
                     kolumn="#PBUDGET", varde=account)

    @staticmethod
    def _cut_budget_keys(by_key: dict, union: list[str]) -> list:
        """The (account, objects) whose budget stops where the file was cut. Written month by month
        (periods never decrease down the file): those that have the month before the file's last month
        but not the last. Written account by account: the last row's own account, when its months stop
        before the others' (the accounts after it are gone without a trace)."""
        rows = sorted((r for rs in by_key.values() for r in rs), key=lambda r: r.line)
        if all(a.period <= b.period for a, b in zip(rows, rows[1:], strict=False)):
            last = rows[-1].period
            i = union.index(last)
            if i == 0:
                return []
            return [k for k, rs in by_key.items()
                    if union[i - 1] in {r.period for r in rs} and last not in {r.period for r in rs}]
        key = (rows[-1].account, rows[-1].objects)
        months = sorted({r.period for r in by_key[key]})
        return [key] if len(months) >= 2 and months == union[: len(months)] and months[-1] < union[-1] else []

    # --- placing ------------------------------------------------------------------------------
    def _place_of(self, objects: sie4.ObjectList, account: str, klass: str) -> str:
        if klass == "":
            return f"Ej placerat: konto {account}"
        key = self.mapping.key(objects)
        rows = self.mapping.match(key)
        names = list(dict.fromkeys(r.verksamhet for r in rows))
        if len(names) == 1:
            return names[0]
        if len(names) > 1:
            code = key[0] if key[1] is None else f"{key[0]} / {key[1]}"
            self.problem(f"objektet {code} passar {len(names)} verksamheter i mappningen ({', '.join(names)}, "
                         f"rad {', '.join(str(r.line) for r in rows)}); ett belopp ska hamna på exakt ett ställe – "
                         "ändra koderna så att de inte överlappar", kolumn="objekt", varde=code)
            return names[0]
        if key[0] is None:
            return NO_OBJECT
        code = key[0] if self.mapping.dimension2 is None else f"{key[0]} / {key[1] or '–'}"
        self.unknown_objects.setdefault(code, [])
        return f"Ej placerat: objekt {code}"

    def _rows_total_reading(self, rows):
        """For one account and month under the total reading: the rows to place and the account total.

        Object rows in the mapped dimension(s) are placed: the rows with exactly those dimensions when
        there are any, otherwise the finest other combination that contains them (a partition). The
        {} row is the total; what the placed rows do not cover is placed as 'utan objekt'."""
        total = None
        by_dims: dict[frozenset, list] = defaultdict(list)
        for objects, amount in rows:
            if not objects:
                total = (total or 0.0) + amount
            else:
                by_dims[frozenset(d for d, _ in objects)].append((objects, amount))
        wanted = {self.mapping.dimension} | ({self.mapping.dimension2} if self.mapping.dimension2 else set())
        chosen = None
        for need in (wanted, {self.mapping.dimension}):
            candidates = [d for d in by_dims if need <= d]
            if candidates:
                chosen = min(candidates, key=lambda d: (len(d), -len(by_dims[d]), sorted(d)))
                break
        if chosen is None and by_dims and total is None:
            chosen = min(by_dims, key=lambda d: (len(d), -len(by_dims[d]), sorted(d)))
        placed = by_dims.get(chosen, []) if chosen is not None else []
        placed_sum = math.fsum(a for _, a in placed)
        account_total = total if total is not None else placed_sum
        return placed, account_total - placed_sum, account_total

    def _amounts(self, kind: str, reading: str) -> tuple[dict[tuple[str, str, str], float], dict[str, float]]:
        """(place, klass, month) → kr (SIE signs) and, per month, the file's result (non-excluded accounts)."""
        amounts: dict[tuple[str, str, str], float] = defaultdict(float)
        result: dict[str, float] = defaultdict(float)
        if kind == "trans":
            slices = [(a, o, m, v) for (a, o, m), v in self.trans.items()]
        else:
            slices = [(r.account, r.objects, r.period, r.amount)
                      for r in (self.psaldo_rows if kind == "psaldo" else self.budget_rows)]
        if kind != "trans" and reading == "hela_kontot":
            groups: dict[tuple[str, str], list] = defaultdict(list)
            for a, o, m, v in slices:
                groups[(a, m)].append((o, v))
            slices = []
            for (a, m), rows in groups.items():
                placed, rest, _total = self._rows_total_reading(rows)
                slices += [(a, o, m, v) for o, v in placed]
                if abs(rest) > 0.005:
                    slices.append((a, (), m, rest))
        for a, o, m, v in slices:
            klass = _klass(a, self.meta, self.klass_cache)
            if klass == "exkludera":
                if m in self.months and kind != "pbudget":
                    self.excluded += v
                continue
            if klass == "":
                self.unplaced_accounts[a] = self.unplaced_accounts.get(a, 0.0) + v
            amounts[(self._place_of(o, a, klass), klass, m)] += v
            result[m] += v
        return amounts, result

    def _reading(self) -> tuple[str, str, int, int]:
        """Decide what {} means: (reading, reference, accounts reconciled, accounts to reconcile)."""
        if not self.psaldo_rows:
            return "hela_kontot", "", 0, 0
        braces = self._psaldo_totals("hela_kontot", self.fiscal_set)
        everything = self._psaldo_totals("utan_objekt", self.fiscal_set)
        with_objects = {r.account for r in self.psaldo_rows if r.objects}
        res = {b.account: b.amount for b in self.sie.res if b.year_index == 0}
        reference, ref_name = {}, ""
        if res:
            reference, ref_name = res, "#RES"
        elif self.trans:
            reference = defaultdict(float)
            for (a, _o, _m), v in self.trans.items():
                reference[a] += v
            ref_name = "#TRANS"
        informative = [a for a in with_objects
                       if self._result_account(a) and abs(braces[a] - everything[a]) > TOLERANCE_KR and a in reference]
        total_ok = [a for a in informative if abs(braces[a] - reference[a]) <= TOLERANCE_KR]
        excl_ok = [a for a in informative if abs(everything[a] - reference[a]) <= TOLERANCE_KR]
        if not informative:
            return "hela_kontot", "", 0, 0
        reading = "utan_objekt" if len(excl_ok) > len(total_ok) else "hela_kontot"
        ok = excl_ok if reading == "utan_objekt" else total_ok
        bad = [a for a in informative if a not in total_ok and a not in excl_ok]
        if bad:
            a = sorted(bad)[0]
            self.problem(
                f"för {len(bad)} konton stämmer varken läsningen '{{}} = hela kontot' eller '{{}} = bokningar utan "
                f"objekt' med filens {ref_name} (t.ex. konto {a}: {ref_name} {_kr(reference[a])}, läst som hela kontot "
                f"{_kr(braces[a])}, läst som bokningar utan objekt {_kr(everything[a])}); rapporten läser {{}} som "
                f"{WORDS[reading]}. Kontrollera exporten (alla perioder och objekt med?)", kolumn="#PSALDO",
                varde=a, fatal=False)
        return reading, ref_name, len(ok), len(informative)

    def _psaldo_totals(self, reading: str, months) -> dict[str, float]:
        """#PSALDO per account over ``months`` under the reading of {}."""
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for r in self.psaldo_rows:
            if r.period in months:
                groups[(r.account, r.period)].append((r.objects, r.amount))
        out: dict[str, float] = defaultdict(float)
        for (a, _m), rows in groups.items():
            out[a] += (self._rows_total_reading(rows)[2] if reading == "hela_kontot"
                       else math.fsum(v for _, v in rows))
        return out

    def _trans_totals(self, months) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for (a, _o, m), v in self.trans.items():
            if m in months:
                out[a] += v
        return out

    def _mismatches(self, totals: dict[str, float], reference: dict[str, float]) -> list[str]:
        return sorted(a for a in set(totals) | set(reference)
                      if self._mapped_account(a) and abs(totals.get(a, 0.0) - reference.get(a, 0.0)) > TOLERANCE_KR)

    def _choose_source(self, reading: str) -> tuple[int, int]:
        """Check the outcome against the file's own #RES (the fiscal year so far, per account).

        When the period balances do not reconcile and the vouchers come closer, the vouchers are used.
        A difference of ``MATERIAL_KR`` or more in the source in use is an error (the report would show
        wrong figures); a smaller one (öresavrundning) a finding. Returns (accounts that agree,
        accounts checked); (0, 0) without #RES."""
        res = {b.account: b.amount for b in self.sie.res if b.year_index == 0 and self._mapped_account(b.account)}
        if not res:
            return 0, 0
        fiscal = self.fiscal_set
        totals = {"psaldo": self._psaldo_totals(reading, fiscal) if self.has_ps else None,
                  "trans": self._trans_totals(fiscal) if self.has_tr else None}
        off = {k: math.fsum(abs(t.get(a, 0.0) - res.get(a, 0.0)) for a in set(t) | set(res)
                            if self._mapped_account(a))
               for k, t in totals.items() if t is not None}
        if self.source == "psaldo" and off["psaldo"] >= MATERIAL_KR and off.get("trans", math.inf) < off["psaldo"]:
            bad = self._mismatches(totals["psaldo"], res)
            self.problem(f"periodsaldona (#PSALDO) stämmer inte med filens #RES för {len(bad)} konton (t.ex. konto "
                         f"{bad[0]}) men verifikationerna stämmer bättre; utfallet tas ur verifikationerna",
                         kolumn="#PSALDO", varde=bad[0], fatal=False)
            self.source = "trans"
        used = totals[self.source]
        bad = self._mismatches(used, res)
        checked = [a for a in set(used) | set(res) if self._mapped_account(a)]
        if bad:
            a = bad[0]
            what = "periodsaldona (#PSALDO)" if self.source == "psaldo" else "verifikationerna (#TRANS)"
            fatal = off[self.source] >= MATERIAL_KR
            self.problem(f"utfallet ur {what} stämmer inte med filens #RES för {len(bad)} av {len(checked)} konton "
                         f"(t.ex. konto {a}: {_kr(used.get(a, 0.0))} mot #RES {_kr(res.get(a, 0.0))}, sammanlagt "
                         f"{_kr(off[self.source])} i skillnad); "
                         + ("rapportens siffror skulle bli fel. Gör om exporten så att den är komplett (alla "
                            "verifikationer och perioder)" if fatal else "skillnaden är avrundning och påverkar inte "
                            "tkr-beloppen"), kolumn="#RES", varde=a, fatal=fatal)
        return len(checked) - len(bad), len(checked)

    def _check_trans(self, reading: str) -> bool | None:
        if not (self.has_ps and self.has_tr):
            return None
        ps: dict[str, float] = defaultdict(float)
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for r in self.psaldo_rows:
            if r.period in self.months:
                groups[(r.account, r.period)].append((r.objects, r.amount))
        for (a, _m), rows in groups.items():
            ps[a] += (self._rows_total_reading(rows)[2] if reading == "hela_kontot"
                      else math.fsum(v for _, v in rows))
        tr: dict[str, float] = defaultdict(float)
        for (a, _o, m), v in self.trans.items():
            if m in self.months:
                tr[a] += v
        diff = sorted(a for a in set(ps) | set(tr)
                      if self._result_account(a) and abs(ps.get(a, 0.0) - tr.get(a, 0.0)) > TOLERANCE_KR)
        if diff:
            a = diff[0]
            self.problem(f"utfallet enligt #PSALDO och enligt verifikationerna (#TRANS) skiljer för {len(diff)} "
                         f"konton (t.ex. konto {a}: #PSALDO {_kr(ps.get(a, 0.0))}, #TRANS {_kr(tr.get(a, 0.0))}); "
                         "rapporten använder #PSALDO. Kontrollera att exporten tar med alla verifikationer",
                         kolumn="#PSALDO", varde=a, fatal=False)
        return not diff

    def _place_all(self) -> None:
        out = self.out
        reading, ref, n_ok, n_all = self.reading
        agree = self._check_trans(reading) if self.source == "psaldo" else None
        for name, area in self.mapping.verksamheter:
            out.groups.setdefault(name, area)
        outcome, result = self._amounts(self.source, reading)
        after = sorted({m for (_n, _k, m) in outcome if m in self.after})
        if after:
            self.problem(f"utfall för månader efter perioden {self.months[-1]}; de räknas inte",
                         kolumn="#PSALDO" if self.source == "psaldo" else "#TRANS", varde=", ".join(after), fatal=False)
        budget, _ = self._amounts("pbudget", reading) if self.budget_rows else ({}, {})
        in_period = set(self.months)
        out.month_columns = [(_month_label(m, self.one_year), int(m[:4]), int(m[5:])) for m in self.months]
        labels = dict(zip(self.months, (c for c, _y, _m in out.month_columns), strict=True))
        for (name, klass, month), kr in outcome.items():
            if month not in in_period:
                continue
            if name not in out.groups or name.startswith("Ej placerat"):
                out.groups.setdefault(name, UNPLACED_GROUP)
            tkr = -kr / 1000
            col = {"intakter": "Intäkter perioden", "kostnader": "Kostnader perioden"}.get(klass)
            if col:
                self._add(name, col, tkr)
            self._add(name, "Utfall perioden", tkr)
            self._add(name, labels[month], tkr)
        for (name, _klass, month), kr in budget.items():
            out.groups.setdefault(name, UNPLACED_GROUP)
            self._add(name, "Budget helår", -kr / 1000)
            if month in in_period:
                self._add(name, "Budget perioden", -kr / 1000)
        # Absent is zero: a mapped verksamhet without rows had no postings.
        empty = []
        for name, _area in self.mapping.verksamheter:
            if (name, "Utfall perioden") not in out.values:
                empty.append(name)
            for col in (*OUTCOME_COLUMNS, *labels.values()):
                out.values.setdefault((name, col), 0.0)
            if self.budget_rows:
                for col in BUDGET_COLUMNS:
                    out.values.setdefault((name, col), 0.0)
        self._unplaced_findings()
        placed = math.fsum(v for (n, c), v in out.values.items() if c == "Utfall perioden")
        unplaced = math.fsum(v for (n, c), v in out.values.items()
                             if c == "Utfall perioden" and n.startswith("Ej placerat"))
        sie = self.sie
        summaries = [str(s) for s in sie4.summarise(sie.problems)]
        out.source = LedgerSource(
            fil=self.path.name, program=" ".join(p for p in (sie.program, sie.program_version) if p),
            sie_typ=sie.sie_type, exporterad=_iso(sie.generated), foretag=sie.fnamn,
            rakenskapsar=tuple(_iso(d) for d in sie.fiscal_years[0]), period_fran=self.months[0],
            period_till=self.months[-1], period_text=period_text(self.months[0], self.months[-1]),
            utfall_ur=self.source, har_psaldo=self.has_ps, har_trans=self.has_tr, trans_stammer=agree,
            tom_objektlista=reading, avstamt_mot=ref, konton_avstamda=n_ok, konton_att_avstamma=n_all,
            budget_ur="pbudget" if self.budget_rows else "",
            dimensioner=tuple(d for d in (self.mapping.dimension, self.mapping.dimension2) if d),
            resultat_tkr=-math.fsum(v for m, v in result.items() if m in in_period) / 1000,
            placerat_tkr=placed, ej_placerat_tkr=unplaced,
            exkluderat_tkr=-self.excluded / 1000, res_konton_som_stammer=self.res_check[0],
            res_konton=self.res_check[1],
            har_objektrader=any(r.objects for r in (*self.psaldo_rows, *self.budget_rows)),
            verksamheter_utan_rader=empty, varningar=summaries)

    def _unplaced_findings(self) -> None:
        m = self.meta.sie
        for code in sorted(self.unknown_objects):
            self.problem(f"objektet finns i huvudboken men inte i {m.objekt}; beloppet redovisas som "
                         f"'Ej placerat: objekt {code}'", kolumn="#OBJEKT", varde=code, fatal=False)
        for konto in sorted(self.unplaced_accounts):
            self.problem(f"kontot placeras inte av mappningen (intäkter {m.intakter}, kostnader {m.kostnader}, "
                         f"exkludera {m.exkludera}); beloppet redovisas som 'Ej placerat: konto {konto}'",
                         kolumn="#KONTO", varde=konto, fatal=False)

    def _add(self, name: str, col: str, value: float) -> None:
        self.out.values[(name, col)] = self.out.values.get((name, col), 0.0) + value


def _kr(value: float) -> str:
    return f"{number(value)} kr"


def _iso(date: str) -> str:
    return f"{date[:4]}-{date[4:6]}-{date[6:]}" if len(date) == 8 else date


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]}–{months[-1]}"


def _objects_text(objects: sie4.ObjectList) -> str:
    return "{" + " ".join(f'{d} "{o}"' for d, o in objects) + "}"


def _last_label(path: Path) -> str:
    """The label of the file's last non-blank line ('{', '}', '#TRANS' …), read from its tail."""
    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 4096))
        tail = f.read().decode("latin-1")
    for raw in reversed(tail.splitlines()):
        line = raw.strip(" \t\r\n\x1a")
        if line:
            return line.split(maxsplit=1)[0]
    return ""


def _omfattn_line(path: Path, encoding: str) -> int | None:
    """The line of #OMFATTN (in the file's head: the search stops at the first balance or voucher)."""
    for rec in sie4.iter_records(path, encoding):
        if rec.label == "#OMFATTN":
            return rec.line
        if rec.label in ("#PSALDO", "#PBUDGET", "#VER", "#IB", "#UB", "#RES"):
            return None
    return None


def read_ledger(meta: KommunMeta, period: Period, path: Path, shown: str) -> LedgerRead:
    """One SIE file of a month folder → values per verksamhet, problems and the source summary."""
    return _File(meta, period, path, shown).run()
