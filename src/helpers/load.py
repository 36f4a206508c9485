"""Raw files → one tidy, validated DataFrame (one value per row).

Every problem in every file is collected and raised together as a DataValidationError; nothing is
returned half-read.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths
from .errors import DataValidationError, Problem
from .metadata import DATASETS, SLAG, KommunMeta, TableMeta, list_kommuner, load_metadata
from .parse import NumberFormatError, parse_number, read_table

ROW_COLUMNS = (
    "verksamhet", "overordnad", "radtyp", "summerar", "serie", "rad", "storhet", "regi", "slag",
    "ar", "enhet", "manad", "varde", "kommentar",
)
RADTYP = ("post", "rubrik", "summa")
REGI = ("intern", "extern", "totalt")
MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "mars": 3, "apr": 4, "april": 4,
    "maj": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augusti": 8, "sep": 9,
    "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}
HIERARCHICAL = ("ekonomi", "investeringar")

TIDY_COLUMNS = [
    "kommun", "namnd", "period", "tabell", "dataset", "fil", "rad", "kolumn", "verksamhet",
    "overordnad", "radtyp", "summerar", "storhet", "radetikett", "regi", "slag", "matt",
    "omfattning", "ar", "manad", "till_manad", "enhet", "varde", "decimaler", "kostnadstecken",
    "kommentar",
]


def month_number(column: str) -> int | None:
    return MONTHS.get(column.strip().lower().rstrip("."))


def decimals(raw: object) -> int:
    """How many decimals a published figure shows ('16,0' → 1, '1 563' → 0)."""
    if isinstance(raw, float) and not raw.is_integer():
        return min(len(repr(raw).split(".")[1]), 6)
    m = re.search(r"[.,](\d+)\s*%?\s*$", str(raw).strip())
    return len(m.group(1)) if m else 0


def _int(text: str) -> int | None:
    v = parse_number(text)
    if np.isnan(v) or v != int(v):
        raise NumberFormatError(text)
    return int(v)


STRUCTURE_COLUMNS = ["kommun", "tabell", "rad", "verksamhet", "overordnad", "radtyp", "summerar"]


def read_tidy_table(meta: KommunMeta, table: TableMeta, structure: list[dict] | None = None
                    ) -> tuple[list[dict], list[Problem]]:
    """Read one raw file into tidy records; return (records, problems).

    If ``structure`` is given, every row (also value-less rubrik rows) is appended to it.
    """
    fname = f"{meta.id}/{table.fil}"
    problems: list[Problem] = []
    try:
        header, rows = read_table(meta.folder / table.fil, table.blad)
    except Exception as exc:  # unreadable file: one clear problem
        return [], [Problem(fname, None, None, None, f"filen går inte att läsa ({exc})")]
    if not header:
        return [], [Problem(fname, 1, None, None, "filen är tom; en rubrikrad förväntades")]

    volumes = table.dataset == "volymer"
    kinds: dict[int, tuple[str, object]] = {}
    seen: set[str] = set()
    for j, col in enumerate(header):
        if col in seen:
            problems.append(Problem(fname, 1, col, None, "kolumnrubriken förekommer två gånger"))
        seen.add(col)
        if col in ROW_COLUMNS:
            kinds[j] = ("row", col)
        elif col in table.kolumner:
            kinds[j] = ("value", table.kolumner[col])
        elif volumes and month_number(col):
            kinds[j] = ("month", month_number(col))
        elif col == "":
            kinds[j] = ("blank", None)
        else:
            problems.append(Problem(
                fname, 1, col, None,
                "okänd kolumn: varken en radkolumn (se data/raw/README.md), en månad eller beskriven under [tabell.kolumner] i metadata.toml",
            ))
    for col in table.kolumner:
        if col not in header:
            problems.append(Problem(fname, 1, col, None, "kolumnen beskrivs i metadata.toml men finns inte i filen"))
    label_col = "serie" if (volumes and "serie" in header) else "verksamhet"
    if label_col not in header:
        problems.append(Problem(fname, 1, label_col, None, f"obligatorisk kolumn '{label_col}' saknas"))
    long_format = "varde" in header
    if long_format and "manad" not in header and volumes:
        problems.append(Problem(fname, 1, "manad", None, "långt format ('varde') kräver kolumnen 'manad'"))
    if problems:
        return [], problems

    idx = {col: j for j, col in enumerate(header)}
    records: list[dict] = []
    labels: set[str] = set()
    parents: list[tuple[int, str]] = []
    sums: list[tuple[int, str]] = []
    keys: dict[tuple, int] = {}

    def cell(row: list, col: str) -> str:
        j = idx.get(col)
        if j is None or j >= len(row):
            return ""
        v = row[j]
        return "" if v is None else (v if isinstance(v, (int, float)) else str(v).strip())

    for i, row in enumerate(rows):
        line = i + 2
        if all((c is None or str(c).strip() == "") for c in row):
            continue
        if len(row) > len(header) and any(str(c).strip() for c in row[len(header):]):
            problems.append(Problem(fname, line, None, None, f"raden har {len(row)} celler men rubrikraden bara {len(header)}"))
            continue
        label = str(cell(row, label_col))
        if not label:
            problems.append(Problem(fname, line, label_col, "", "radens text saknas (verksamhet/serie ska anges på varje rad)"))
            continue
        labels.add(label)
        parent = str(cell(row, "overordnad"))
        if structure is not None:
            structure.append(dict(kommun=meta.id, tabell=table.id, rad=line, verksamhet=label,
                                  overordnad=parent, radtyp=str(cell(row, "radtyp")) or "post",
                                  summerar=str(cell(row, "summerar"))))
        if parent:
            parents.append((line, parent))
        radtyp = str(cell(row, "radtyp")) or "post"
        if radtyp not in RADTYP:
            problems.append(Problem(fname, line, "radtyp", radtyp, f"förväntade ett av {', '.join(RADTYP)}"))
        summerar = str(cell(row, "summerar"))
        if radtyp == "summa" and summerar:
            sums.append((line, summerar))
        regi = str(cell(row, "regi")).lower()
        if regi and regi not in REGI:
            problems.append(Problem(fname, line, "regi", regi, f"förväntade ett av {', '.join(REGI)} eller tomt"))
        row_slag = str(cell(row, "slag")).lower()
        if row_slag and row_slag not in SLAG:
            problems.append(Problem(fname, line, "slag", row_slag, f"förväntade ett av {', '.join(SLAG)}"))
        row_year = None
        if cell(row, "ar") != "":
            try:
                row_year = _int(cell(row, "ar"))
                if not 1900 < row_year < 2200:
                    raise NumberFormatError(str(row_year))
            except NumberFormatError:
                problems.append(Problem(fname, line, "ar", str(cell(row, "ar")), "förväntade ett årtal, t.ex. 2017"))
        row_month = None
        if cell(row, "manad") != "":
            try:
                row_month = _int(cell(row, "manad"))
            except NumberFormatError:
                row_month = -1
            if not 1 <= row_month <= 12:
                problems.append(Problem(fname, line, "manad", str(cell(row, "manad")), "förväntade en månad 1–12"))
                row_month = None
        enhet = str(cell(row, "enhet")) or table.enhet
        storhet = str(cell(row, "storhet"))
        radetikett = str(cell(row, "rad"))
        if table.dataset not in ("volymer",):
            key = (label, parent, row_year, storhet, radetikett)
            if key in keys:
                problems.append(Problem(
                    fname, line, label_col, label,
                    f"dubblett: samma rad finns redan på rad {keys[key]} (samma text, överordnad och år)",
                ))
            keys.setdefault(key, line)
        base = dict(
            kommun=meta.id, namnd=table.namnd, period=meta.period, tabell=table.id,
            dataset=table.dataset, fil=table.fil, rad=line, verksamhet=label, overordnad=parent,
            radtyp=radtyp, summerar=summerar, storhet=storhet, radetikett=radetikett, regi=regi,
            kostnadstecken=table.kostnadstecken, kommentar=str(cell(row, "kommentar")),
        )
        values: list[tuple[str, object, dict]] = []
        if long_format:
            values.append(("varde", cell(row, "varde"), dict(matt="manadsvarde" if volumes else "arsvarde", manad=row_month)))
        for j, (kind, what) in kinds.items():
            if kind == "month":
                values.append((header[j], row[j] if j < len(row) else "", dict(matt="manadsvarde", manad=what)))
            elif kind == "value":
                spec = what
                values.append((header[j], row[j] if j < len(row) else "", dict(
                    matt=spec.matt, slag=spec.slag, omfattning=spec.omfattning, ar=spec.ar,
                    till_manad=spec.till_manad, enhet=spec.enhet,
                )))
        for col, raw, extra in values:
            try:
                v = parse_number(raw)
            except NumberFormatError:
                problems.append(Problem(fname, line, col, str(raw), "förväntade ett tal, t.ex. 1 563, −16,1 eller 6,8 % (tom cell eller - för inget värde)"))
                continue
            if np.isnan(v):
                continue
            rec = dict(base)
            rec.update(
                kolumn=col, matt=extra["matt"], slag=extra.get("slag") or row_slag or "",
                omfattning=extra.get("omfattning") or "", ar=extra.get("ar") or row_year or meta.ar,
                manad=extra.get("manad"), till_manad=extra.get("till_manad"),
                enhet=extra.get("enhet") or enhet, varde=v, decimaler=decimals(raw),
            )
            if volumes and rec["enhet"].startswith("timmar") and v < 0:
                problems.append(Problem(fname, line, col, str(raw), "antal timmar kan inte vara negativt"))
                continue
            records.append(rec)
    for line, parent in parents:
        if parent not in labels:
            problems.append(Problem(fname, line, "overordnad", parent, "den överordnade raden finns inte i filen (förväntade en befintlig verksamhet/serie)"))
    for line, group in sums:
        if group not in labels:
            problems.append(Problem(fname, line, "summerar", group, "gruppen som summeras finns inte i filen"))
    return records, problems


def _frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    for c in ("rad", "ar", "manad", "till_manad", "decimaler"):
        df[c] = pd.array(df[c], dtype="Int64")
    df["varde"] = df["varde"].astype(float)
    for c in TIDY_COLUMNS:
        if c not in ("rad", "ar", "manad", "till_manad", "decimaler", "varde"):
            df[c] = df[c].fillna("").astype(str)
    return df


def load_kommun_with_structure(kommun: str, raw: Path | None = None, validate: bool = True
                               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tidy values, row structure) of one municipality. Raises DataValidationError on bad input."""
    meta = load_metadata(kommun, raw)
    records: list[dict] = []
    structure: list[dict] = []
    problems: list[Problem] = []
    for table in meta.tabeller:
        r, p = read_tidy_table(meta, table, structure)
        records += r
        problems += p
    if problems:
        raise DataValidationError(problems)
    df = _frame(records)
    if validate:
        from .schema import validate_tidy

        validate_tidy(df)
    st = pd.DataFrame(structure, columns=STRUCTURE_COLUMNS)
    st["rad"] = st["rad"].astype(int)
    return df, st


def load_kommun(kommun: str, raw: Path | None = None, validate: bool = True) -> pd.DataFrame:
    """All of one municipality's tables as one tidy frame. Raises DataValidationError on bad input."""
    return load_kommun_with_structure(kommun, raw, validate)[0]


def table_structure(structure: pd.DataFrame, kommun: str) -> dict:
    """Rows per table in file order, including value-less rubrik rows."""
    from .economy import Row

    out: dict[str, list] = {}
    part = structure[structure["kommun"] == kommun].sort_values(["tabell", "rad"])
    for tabell, g in part.groupby("tabell", sort=False):
        out[tabell] = [Row(r.verksamhet, r.overordnad, r.radtyp, r.summerar, int(r.rad)) for r in g.itertuples()]
    return out


def load_all(raw: Path | None = None, kommuner: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every municipality, validated: (tidy, structure). All problems of all municipalities in one error."""
    raw = Path(raw) if raw else paths.raw_dir()
    frames, structures, problems = [], [], []
    for k in kommuner or list_kommuner(raw):
        try:
            t, s = load_kommun_with_structure(k, raw)
            frames.append(t)
            structures.append(s)
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    if not frames:
        return _frame([]), pd.DataFrame(columns=STRUCTURE_COLUMNS)
    return pd.concat(frames, ignore_index=True), pd.concat(structures, ignore_index=True)


def read_processed(processed: Path | None = None, what: str = "omsorg") -> pd.DataFrame:
    """The validated data written by `omsorg bygg`: 'omsorg' (values) or 'struktur' (rows)."""
    path = (Path(processed) if processed else paths.processed_dir()) / f"{what}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} finns inte. Kör först 'omsorg bygg' (eller make report).")
    return pd.read_parquet(path)


__all__ = ["load_kommun", "load_all", "read_processed", "read_tidy_table", "TIDY_COLUMNS", "DATASETS"]
