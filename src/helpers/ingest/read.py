"""Published tables (CSV/xlsx) → tidy records, one figure per record.

Every problem in every file is collected and returned; the caller raises them together, so nothing
is ever half-read."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.errors import Problem
from ..core.hierarchy import Row, find_cycle
from ..core.period import Period
from ..core.units import unit_problem
from ..core.vocabulary import HIERARCHICAL_DATASETS, MEASURES, MONTHLY, RADTYP, REGI, SLAG, month_number
from .metadata import ColumnSpec, KommunMeta, TableMeta
from .parse import FileFormatError, NumberFormatError, parse_number, read_table

ROW_COLUMNS = ("verksamhet", "overordnad", "radtyp", "summerar", "serie", "rad", "storhet", "regi", "slag",
               "ar", "enhet", "manad", "varde", "kommentar")
TEXT_COLUMNS = ("verksamhet", "matt", "varde", "enhet", "citat", "rad_i_kallan")
NUMBER_HINT = "förväntade ett tal, t.ex. 1 563, −16,1 eller 6,8 % (tom cell eller - för inget värde)"


@dataclass
class TableRead:
    records: list[dict]
    structure: list[dict]
    problems: list[Problem]
    sources: list = field(default_factory=list)  # a month folder's ledger.LedgerSource, one per SIE file


@dataclass(frozen=True)
class _Col:
    kind: str                  # row | value | month | blank
    name: str
    spec: ColumnSpec | None = None
    month: int | None = None


def read_published_table(meta: KommunMeta, table: TableMeta, period: Period) -> TableRead:
    """One published table into tidy records and row structure, with every problem found."""
    shown = f"{meta.id}/{table.fil}"
    try:
        raw = read_table(meta.path / table.fil, shown, table.blad)
    except FileFormatError as exc:
        return TableRead([], [], [Problem(shown, None, None, None, str(exc))])
    except OSError as exc:
        return TableRead([], [], [Problem(shown, None, None, None, f"filen går inte att läsa ({exc.strerror})")])
    if not raw.header:
        return TableRead([], [], raw.problems + [Problem(shown, 1, None, None, "filen är tom; en rubrikrad förväntades")])
    if not raw.rows and not [p for p in raw.problems if p.allvarlig]:
        return TableRead([], [], raw.problems + [Problem(shown, None, None, None,
                                                         "filen har bara rubrikraden; inga rader med siffror att läsa")])
    if table.dataset == "text":
        return _read_text_table(meta, table, period, raw.header, raw.rows, shown, raw.problems)
    cols, problems = _classify_header(raw.header, table, shown)
    if not [c for c in cols.values() if c.kind != "blank"]:  # nothing in row 1 is a known column
        follow = [p for p in raw.problems if p.allvarlig and p.forvantat.startswith("raden har ")]  # ragged: same cause
        return TableRead([], [], [p for p in raw.problems if p not in follow] + [_no_header(raw, table, shown)])
    problems = raw.problems + problems + _checkability(table, raw.header, shown)
    if [p for p in problems if p.allvarlig]:
        return TableRead([], [], problems)
    return _read_rows(meta, table, period, cols, raw.rows, shown, problems)


def _classify_header(header: list[str], table: TableMeta, shown: str) -> tuple[dict[int, _Col], list[Problem]]:
    volumes = table.dataset == "volymer"
    cols: dict[int, _Col] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for j, name in enumerate(header):
        if name in seen:
            problems.append(Problem(shown, 1, name, None, "kolumnrubriken förekommer två gånger"))
        seen.add(name)
        if name in ROW_COLUMNS:
            cols[j] = _Col("row", name)
        elif name in table.kolumner:
            cols[j] = _Col("value", name, table.kolumner[name])
        elif volumes and month_number(name):
            cols[j] = _Col("month", name, month=month_number(name))
        elif name == "":
            cols[j] = _Col("blank", name)
        else:
            problems.append(Problem(shown, 1, name, None,
                                    "okänd kolumn: varken en radkolumn (se data/raw/README.md), en månad eller "
                                    "beskriven under [tabell.kolumner] i metadata.toml"))
    for name in table.kolumner:
        if name not in header:
            problems.append(Problem(shown, 1, name, None, "kolumnen beskrivs i metadata.toml men finns inte i filen"))
    label = "serie" if (volumes and "serie" in header) else "verksamhet"
    if label not in header:
        problems.append(Problem(shown, 1, label, None, f"obligatorisk kolumn '{label}' saknas"))
    if "varde" in header and volumes and "manad" not in header:
        problems.append(Problem(shown, 1, "manad", None, "långt format ('varde') kräver kolumnen 'manad'"))
    return cols, problems


def _no_header(raw, table: TableMeta, shown: str) -> Problem:
    """Row 1 has none of the expected column headings: a title above the header, or no header at all."""
    expected = {*ROW_COLUMNS, *table.kolumner}
    found = next((line for line, row in raw.rows[:10]
                  if {str(c).strip() for c in row} & expected), None)
    where = (f"rubrikraden står på rad {found}; ta bort raderna ovanför den så att rubrikraden blir rad 1"
             if found else "första raden ska vara rubrikraden med kolumnnamnen, t.ex. verksamhet och kolumnerna under "
             "[tabell.kolumner] i metadata.toml")
    return Problem(shown, 1, None, None, f"rubrikraden saknas eller står inte först: ingen cell på rad 1 är en känd "
                   f"kolumn; {where}")


def _checkability(table: TableMeta, header: list[str], shown: str) -> list[Problem]:
    """A column that cannot be checked is rejected with a message saying how to describe it."""
    problems = []
    ratio_targets = {r.kolumn for r in table.relation if r.taljare}
    for name, spec in table.kolumner.items():
        looks_percent = "%" in name or "procent" in name.lower()
        if looks_percent and spec.matt != "andel":
            problems.append(Problem(shown, 1, name, None,
                                    f"kolumnen ser ut att vara en procentsats men beskrivs som matt = \"{spec.matt}\"; en "
                                    "procentsats summeras aldrig som belopp. Beskriv den som { matt = \"andel\" } och "
                                    "ange täljare och nämnare under [[tabell.relation]]"))
        if spec.matt == "andel" and name not in ratio_targets and not _implicit_ratio(table, spec):
            problems.append(Problem(shown, 1, name, None,
                                    "andelen kan inte kontrolleras: ange vad den är andel av, t.ex. [[tabell.relation]] "
                                    f"kolumn = \"{name}\", taljare = \"<utfallskolumnen>\", namnare = \"<budgetkolumnen>\""))
    for i, rel in enumerate(table.relation, start=1):
        if rel.kolumn not in table.kolumner:
            problems.append(Problem(shown, 1, rel.kolumn, None,
                                    f"relation nr {i}: kolumnen ska beskrivas under [tabell.kolumner]"))
        for c in rel.columns:
            if c not in table.kolumner:
                problems.append(Problem(shown, 1, c, None,
                                        f"relation nr {i} ('{rel.kolumn}'): kolumnen ska beskrivas under [tabell.kolumner]"))
        if rel.taljare and table.kolumner.get(rel.kolumn) and table.kolumner[rel.kolumn].matt != "andel":
            problems.append(Problem(shown, 1, rel.kolumn, None,
                                    f"relation nr {i}: en kvot (taljare/namnare) gäller en kolumn med matt = \"andel\""))
    return problems


def _implicit_ratio(table: TableMeta, spec: ColumnSpec) -> bool:
    """An andel is checkable without a declared relation when the table has exactly one outcome and
    one budget column (net) for the same year: andel = 100 × utfall / budget."""
    def cols(slag):
        return [c for c in table.kolumner.values() if c.matt == "netto" and c.slag == slag and c.ar == spec.ar]
    return len(cols("utfall")) == 1 and len(cols("budget")) == 1


def _cell(row: list, idx: dict[str, int], col: str) -> object:
    j = idx.get(col)
    if j is None or j >= len(row):
        return ""
    v = row[j]
    if v is None:
        return ""
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v).strip()


def _int(text: object) -> int:
    n = parse_number(text)
    if n.missing or n.approx or n.value != int(n.value):
        raise NumberFormatError("förväntade ett heltal")
    return int(n.value)


def _read_rows(meta: KommunMeta, table: TableMeta, period: Period, cols: dict[int, _Col],
               rows: list[tuple[int, list]], shown: str, problems: list[Problem]) -> TableRead:
    header_idx = {c.name: j for j, c in cols.items() if c.kind in ("row", "value")}
    volumes = table.dataset == "volymer"
    label_col = "serie" if (volumes and "serie" in header_idx) else "verksamhet"
    long_format = "varde" in header_idx
    sign = meta.sign_of(table)
    records: list[dict] = []
    structure: list[dict] = []
    labels: set[str] = set()
    parents: list[tuple[int, str]] = []
    sums: list[tuple[int, str]] = []
    keys: dict[tuple, int] = {}
    tree: list[Row] = []
    repeated: list[tuple[int, int, list]] = []   # volume rows printed twice: (line, first line, cells)

    for line, row in rows:
        label = str(_cell(row, header_idx, label_col))
        if not label:
            problems.append(Problem(shown, line, label_col, "", "radens text saknas (verksamhet/serie ska anges på varje rad)"))
            continue
        labels.add(label)
        parent = str(_cell(row, header_idx, "overordnad"))
        radtyp = str(_cell(row, header_idx, "radtyp")) or "post"
        summerar = str(_cell(row, header_idx, "summerar"))
        if radtyp not in RADTYP:
            problems.append(Problem(shown, line, "radtyp", radtyp, f"förväntade ett av {', '.join(RADTYP)}"))
        if parent:
            parents.append((line, parent))
        if radtyp == "summa" and summerar:
            sums.append((line, summerar))
        if parent == label:
            problems.append(Problem(shown, line, "overordnad", parent, "raden kan inte ligga under sig själv"))
        tree.append(Row(label, parent, radtyp, summerar, line))
        structure.append(dict(kommun=meta.id, period=str(period), tabell=table.id, rad=line, verksamhet=label,
                              overordnad=parent, radtyp=radtyp, summerar=summerar))
        regi = str(_cell(row, header_idx, "regi")).lower()
        if regi and regi not in REGI:
            problems.append(Problem(shown, line, "regi", regi, f"förväntade ett av {', '.join(REGI)} eller tomt"))
        row_slag = str(_cell(row, header_idx, "slag")).lower()
        if row_slag and row_slag not in SLAG:
            problems.append(Problem(shown, line, "slag", row_slag, f"förväntade ett av {', '.join(SLAG)}"))
        row_year = _row_int(row, header_idx, "ar", line, shown, problems, 1990, 2100, "förväntade ett årtal, t.ex. 2017")
        row_month = _row_int(row, header_idx, "manad", line, shown, problems, 1, 12, "förväntade en månad 1–12")
        enhet = str(_cell(row, header_idx, "enhet")) or table.enhet
        if enhet != table.enhet and unit_problem(enhet):
            problems.append(Problem(shown, line, "enhet", enhet, unit_problem(enhet)))
        storhet = str(_cell(row, header_idx, "storhet"))
        radetikett = str(_cell(row, header_idx, "rad"))
        if not volumes:
            key = (label, parent, row_year, storhet, radetikett)
            if key in keys:
                problems.append(Problem(shown, line, label_col, label,
                                        f"dubblett: samma rad finns redan på rad {keys[key]} (samma text, överordnad och år)"))
            keys.setdefault(key, line)
        else:
            key = (label, parent, radetikett, regi, row_slag, row_year, storhet, enhet)
            if key in keys:
                repeated.append((line, keys[key], row))
            keys.setdefault(key, line)
        base = dict(kommun=meta.id, namnd=table.namnd or meta.namnder[0], period=str(period), tabell=table.id,
                    dataset=table.dataset, fil=table.fil, rad=line, verksamhet=label, overordnad=parent,
                    radtyp=radtyp, summerar=summerar, storhet=storhet, radetikett=radetikett, regi=regi,
                    kostnadstecken=sign, kommentar=str(_cell(row, header_idx, "kommentar")))
        for col_name, raw_value, what in _values(row, cols, long_format, volumes, row_month, header_idx):
            try:
                num = parse_number(raw_value)
            except NumberFormatError as exc:
                problems.append(Problem(shown, line, col_name, str(raw_value), f"{exc}" if str(exc) else NUMBER_HINT))
                continue
            if num.missing:
                continue
            rec_unit = what.get("enhet") or enhet
            if num.percent and rec_unit != "procent":
                problems.append(Problem(shown, line, col_name, str(raw_value),
                                        f"ett procenttal i en kolumn med enheten {rec_unit}; skriv talet utan % eller "
                                        "beskriv kolumnen som en andel (matt = \"andel\")"))
                continue
            if volumes and rec_unit == "timmar" and num.value < 0:
                problems.append(Problem(shown, line, col_name, str(raw_value), "antal timmar kan inte vara negativt"))
                continue
            records.append(dict(
                base, kolumn=col_name, matt=what["matt"], slag=what.get("slag") or row_slag or "",
                omfattning=what.get("omfattning") or "", ar=what.get("ar") or row_year or period.year,
                manad=what.get("manad"), till_manad=what.get("till_manad"), enhet=rec_unit,
                varde=num.value, decimaler=num.decimals, ungefar=num.approx))
    problems += _unexplained_repeats(repeated, dict(rows), cols, records, shown, label_col)
    for line, parent in parents:
        if parent not in labels:
            problems.append(Problem(shown, line, "overordnad", parent,
                                    "den överordnade raden finns inte i filen (förväntade en befintlig verksamhet/serie)"))
    for line, group in sums:
        if group not in labels:
            problems.append(Problem(shown, line, "summerar", group, "gruppen som summeras finns inte i filen"))
    if table.dataset in HIERARCHICAL_DATASETS:
        cycle = find_cycle(tree)
        if cycle:
            problems.append(Problem(shown, None, "overordnad", " → ".join(cycle),
                                    "raderna ligger under varandra i en cirkel; en rad kan inte vara överordnad sin egen "
                                    "överordnade"))
    return TableRead(records, structure, problems)


def _unexplained_repeats(repeated, by_line: dict, cols: dict[int, _Col], records: list[dict], shown: str,
                         label_col: str) -> list[Problem]:
    """A volume row printed twice (same series, label, regi, kind, year and unit) is an error naming both
    lines and their values, unless the data shows what one of them really is: a row equal in every month
    to intern + extern of another year of the series (a published label with the wrong year; the checks
    relabel it and report it as a finding)."""
    if not repeated:
        return []
    months: dict[int, dict[int, float]] = {}
    regi_sum: dict[tuple[str, int], dict[int, float]] = {}
    for r in records:
        if r["matt"] != MONTHLY or r["manad"] is None:
            continue
        months.setdefault(r["rad"], {})[int(r["manad"])] = r["varde"]
        if r["regi"] in ("intern", "extern"):
            regi_sum.setdefault((r["verksamhet"], r["ar"], r["regi"]), {})[int(r["manad"])] = r["varde"]

    def shows_other_year(line: int, label: str, year: int) -> bool:
        row = months.get(line, {})
        for (serie, other, regi), intern in regi_sum.items():
            extern = regi_sum.get((serie, other, "extern"), {})
            if serie != label or regi != "intern" or other == year:
                continue
            common = [m for m in row if m in intern and m in extern]
            if len(common) >= 3 and all(abs(row[m] - intern[m] - extern[m]) < 1e-9 for m in common):
                return True
        return False

    out = []
    for line, first_line, row in repeated:
        first = by_line[first_line]
        label = next((r["verksamhet"] for r in records if r["rad"] == line), None)
        year = next((r["ar"] for r in records if r["rad"] == line), None)
        if label is not None and (shows_other_year(line, label, year) or shows_other_year(first_line, label, year)):
            continue
        differ = [f"{c.name} '{first[j]}' och '{row[j]}'" for j, c in cols.items()
                  if c.kind in ("value", "month") and str(first[j]).strip() != str(row[j]).strip()]
        values = (f"med andra värden ({'; '.join(differ[:3])}{' …' if len(differ) > 3 else ''})" if differ
                  else "med samma värden")
        shown_label = str(row[next(j for j, c in cols.items() if c.name == label_col)]).strip()
        radetikett = next((str(row[j]).strip() for j, c in cols.items() if c.name == "rad"), "")
        out.append(Problem(
            shown, line, label_col, shown_label,
            f"dubblett: samma serie finns redan på rad {first_line} (samma serie, rad '{radetikett}', regi, slag, år "
            f"och enhet) {values}; vilken rad som gäller går inte att avgöra – ta bort eller rätta den ena"))
    return out


def _row_int(row, idx, col, line, shown, problems, lo, hi, message) -> int | None:
    text = _cell(row, idx, col)
    if text == "":
        return None
    try:
        v = _int(text)
    except NumberFormatError:
        v = None
    if v is None or not lo <= v <= hi:
        problems.append(Problem(shown, line, col, str(text), message))
        return None
    return v


def _values(row, cols: dict[int, _Col], long_format: bool, volumes: bool, row_month, idx):
    """(column, raw value, what it measures) for every value cell of a row."""
    if long_format:
        yield "varde", _cell(row, idx, "varde"), dict(matt=MONTHLY if volumes else "arsvarde", manad=row_month)
    for j, c in cols.items():
        value = row[j] if j < len(row) else ""
        if c.kind == "month":
            yield c.name, value, dict(matt=MONTHLY, manad=c.month)
        elif c.kind == "value":
            s = c.spec
            yield c.name, value, dict(matt=s.matt, slag=s.slag, omfattning=s.omfattning, ar=s.ar,
                                      till_manad=s.till_manad, enhet=s.enhet or ("procent" if s.matt == "andel" else None))


def _read_text_table(meta: KommunMeta, table: TableMeta, period: Period, header: list[str],
                     rows: list[tuple[int, list]], shown: str, problems: list[Problem]) -> TableRead:
    """The municipality's own text: one statement of a headline figure per row."""
    missing = [c for c in TEXT_COLUMNS if c not in header]
    extra = [c for c in header if c not in TEXT_COLUMNS]
    if missing or extra:
        return TableRead([], [], problems + [Problem(
            shown, 1, ", ".join(missing or extra), None,
            f"en texttabell har kolumnerna {';'.join(TEXT_COLUMNS)}")])
    idx = {c: j for j, c in enumerate(header)}
    records = []
    for line, row in rows:
        measure = str(_cell(row, idx, "matt"))
        if measure not in MEASURES:
            problems.append(Problem(shown, line, "matt", measure, f"förväntade ett av {', '.join(MEASURES)}"))
            continue
        enhet = str(_cell(row, idx, "enhet"))
        if unit_problem(enhet) or enhet not in ("kr", "tkr", "mkr"):
            problems.append(Problem(shown, line, "enhet", enhet, unit_problem(enhet) or "förväntade tkr, mkr eller kr"))
            continue
        try:
            num = parse_number(_cell(row, idx, "varde"))
        except NumberFormatError as exc:
            problems.append(Problem(shown, line, "varde", str(_cell(row, idx, "varde")), str(exc)))
            continue
        if num.missing:
            problems.append(Problem(shown, line, "varde", "", "värdet saknas"))
            continue
        matt, slag, omfattning, offset = MEASURES[measure]
        records.append(dict(
            kommun=meta.id, namnd=table.namnd or meta.namnder[0], period=str(period), tabell=table.id,
            dataset="text", fil=table.fil, rad=line, kolumn="text", verksamhet=str(_cell(row, idx, "verksamhet")),
            overordnad="", radtyp="post", summerar="", storhet=measure,
            radetikett=str(_cell(row, idx, "rad_i_kallan")), regi="", slag=slag, matt=matt, omfattning=omfattning,
            ar=period.year + offset, manad=None, till_manad=None, enhet=enhet, varde=num.value,
            decimaler=num.decimals, ungefar=num.approx, kostnadstecken=meta.kostnadstecken,
            kommentar=str(_cell(row, idx, "citat"))))
    return TableRead(records, [], problems)


