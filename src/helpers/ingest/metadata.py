"""Each municipality's metadata.toml as typed models (pydantic), with every problem reported at once
in Swedish: who, which periods, which files, where each table comes from and how to read it."""
from __future__ import annotations

import datetime as _dt
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..core import paths
from ..core.errors import DataValidationError, ParameterError, Problem
from ..core.period import Period
from ..core.units import unit_problem
from ..core.vocabulary import CASE_SYSTEM_TABLE, DATASETS, ECONOMY_DATASETS, LEDGER_TABLE, MATT, OMFATTNING, SLAG

MONTH_TABLES = (LEDGER_TABLE, CASE_SYSTEM_TABLE)

KOMMUN_ID = re.compile(r"^[a-z0-9_-]+$")
PERIOD_FOLDER = re.compile(r"^\d{4}-\d{2}$")

Matt = Literal["netto", "intakter", "kostnader", "avvikelse", "andel", "ack", "medel", "arsvarde"]
Slag = Literal["utfall", "budget", "prognos"]
Omfattning = Literal["period", "helar", "projekt", "tidigare_ar"]
Dataset = Literal["ekonomi", "investeringar", "volymer", "nyckeltal", "personal", "text"]
Sign = Literal["plus", "minus"]
assert set(Matt.__args__) == set(MATT) and set(Slag.__args__) == set(SLAG)  # one vocabulary
assert set(Dataset.__args__) == set(DATASETS) and set(Omfattning.__args__) <= set(OMFATTNING)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_unit(v: str | None) -> str | None:
    if v is None:
        return v
    problem = unit_problem(v)
    if problem:
        raise ValueError(problem)
    return v


class ColumnSpec(_Model):
    matt: Matt
    slag: Slag | None = None
    omfattning: Omfattning | None = None
    ar: int | None = Field(default=None, ge=1990, le=2100)
    till_manad: int | None = Field(default=None, ge=1, le=12)
    enhet: str | None = None

    _unit = field_validator("enhet")(_check_unit)

    @model_validator(mode="after")
    def _andel_is_percent(self):
        if self.matt == "andel" and self.enhet not in (None, "procent"):
            raise ValueError("en andel (matt = \"andel\") har enheten procent")
        return self


class Relation(_Model):
    """A relation the table prints across columns, checked on every row."""
    kolumn: str
    plus: list[str] = []
    minus: list[str] = []
    taljare: str | None = None
    namnare: str | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        sum_kind = bool(self.plus or self.minus)
        ratio_kind = self.taljare is not None or self.namnare is not None
        if sum_kind == ratio_kind:
            raise ValueError("ange antingen plus/minus (en summa av kolumner) eller taljare och namnare (en procentsats)")
        if ratio_kind and not (self.taljare and self.namnare):
            raise ValueError("en procentsats behöver både taljare och namnare")
        return self

    @property
    def columns(self) -> list[str]:
        return [c for c in [*self.plus, *self.minus, self.taljare, self.namnare] if c]


class Reconciliation(_Model):
    grupp: str = ""
    tabell: str
    verksamhet: str


class TableMeta(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    fil: str
    dataset: Dataset
    namnd: str = ""
    kalla: str = ""
    rubrik: str = ""
    avsnitt: str = ""
    enhet: str
    kostnadstecken: Sign | None = None
    blad: str | None = None
    kolumner: dict[str, ColumnSpec] = {}
    avstamning: list[Reconciliation] = []
    relation: list[Relation] = []
    # This table publishes figures the main table (its id) lacks for the same verksamheter, e.g. the
    # period's net cost beside a table of results only; ``samma_som`` maps a label here to the main
    # table's label where they differ. The report then uses the published figure, not an estimate.
    kompletterar: str = ""
    samma_som: dict[str, str] = {}

    _unit = field_validator("enhet")(_check_unit)

    @field_validator("fil")
    @classmethod
    def _plain_file_name(cls, v: str) -> str:
        if Path(v).name != v or v.startswith(".") or not v:
            raise ValueError("ett filnamn utan sökväg förväntades, t.ex. ekonomi.csv")
        return v


class Link(_Model):
    """An economy verksamhet whose cost is driven by a monthly volume series. A volume/price split of the
    verksamhet's deviation is made only when ``tacker_hela_kostnaden`` says the series covers exactly the
    cost on that row (``forklaring`` says why not, e.g. 'kostnaden gäller LSS och SFB, timmarna bara LSS')."""
    tabell: str
    verksamhet: str
    volymtabell: str
    serie: str
    tacker_hela_kostnaden: bool = False
    forklaring: str = ""


class Caveat(_Model):
    """[[forbehall]]: a statement in the municipality's own text that changes how the figures are read;
    ``belopp_mkr`` (signed, where the statement has an amount) decides its materiality in the summary."""
    text: str
    kalla: str = ""
    belopp_mkr: float | None = None


class SeriesBreak(_Model):
    """[[seriebrott]]: a month the municipality's text names as a break in a monthly volume series (a new
    registration system, a new definition); checks.volumes warns on every comparison across it."""
    volymtabell: str
    serie: str
    manad: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    orsak: str
    kalla: str = ""


class SieMapping(_Model):
    """[sie]: how the ledger's SIE export is read (see data/raw/README.md and ingest/ledger_map.py)."""
    dimension: int = Field(default=1, ge=1)
    dimension2: int | None = Field(default=None, ge=1)
    objekt: str
    intakter: list[str] = ["3"]
    kostnader: list[str] = ["4", "5", "6", "7"]
    exkludera: list[str] = ["1", "2", "8"]

    @model_validator(mode="after")
    def _two_different_dimensions(self):
        if self.dimension2 is not None and self.dimension2 == self.dimension:
            raise ValueError("dimension2 ska vara en annan dimension än dimension")
        return self


class KoladaSpec(_Model):
    """[kolada]: which areas the nämnd covers, for the comparison with similar municipalities."""
    omraden: list[Literal["aldreomsorg", "lss", "ifo"]] = []


class KommunMeta(_Model):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    namn: str
    kommunkod: str = Field(pattern=r"^\d{4}$")
    namnder: list[str] = Field(min_length=1)
    kostnadstecken: Sign
    period: str | None = None
    rapporttyp: str = ""
    rapportdatum: str = ""
    syntetisk: bool = False  # an invented demo municipality (exempel), listed apart and labelled in the index
    huvudtabeller: list[str] = []
    detaljtabeller: list[str] = []
    forbehall: list[Caveat] = []
    seriebrott: list[SeriesBreak] = []
    koppling: list[Link] = []
    tabell: list[TableMeta] = []
    sie: SieMapping | None = None
    kolada: KoladaSpec | None = None
    folder: str = ""  # set by the loader, not written in the file

    @field_validator("rapportdatum", mode="before")
    @classmethod
    def _date_as_text(cls, v):
        return v.isoformat() if isinstance(v, _dt.date) else v

    # --- convenience for the rest of the code --------------------------------------------------
    @property
    def path(self) -> Path:
        return Path(self.folder)

    @property
    def tabeller(self) -> list[TableMeta]:
        return self.tabell

    def table(self, table_id: str) -> TableMeta:
        for t in self.tabell:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def sign_of(self, table: TableMeta) -> str:
        return table.kostnadstecken or self.kostnadstecken

    @property
    def main_tables(self) -> list[str]:
        return self.huvudtabeller or [t.id for t in self.tabell if t.dataset == "ekonomi"][:1]

    @property
    def money_unit(self) -> str:
        """The unit the nämnd's economy is reported in (the main tables' unit; tkr for a ledger)."""
        for t in self.tabell:
            if t.id in self.main_tables:
                return t.enhet
        return "tkr"

    def periods(self) -> list[Period]:
        """Every period with data: the published report's period and each month folder."""
        found = set()
        if self.period:
            found.add(Period.parse(self.period))
        for p in period_folders(self.path):
            found.add(Period.parse(p.name))
        return sorted(found)


# --- Swedish messages for validation errors ------------------------------------------------------

_TYPE_TEXT = {
    "string_type": "förväntade text inom citattecken",
    "int_type": "förväntade ett heltal",
    "list_type": "förväntade en lista inom hakparenteser, t.ex. [\"Omsorgsnämnden\"]",
    "dict_type": "förväntade en tabell { ... }",
    "model_type": "förväntade en tabell { ... }",
    "model_attributes_type": "förväntade en tabell { ... }",
    "bool_type": "förväntade true eller false",
    "missing": "nyckeln saknas",
    "extra_forbidden": "okänd nyckel",
    "too_short": "minst ett värde ska anges",
    "greater_than_equal": "värdet är för litet",
    "less_than_equal": "värdet är för stort",
    "string_pattern_mismatch": "otillåtna tecken",
}
_PATTERN_TEXT = {
    "id": "får bara innehålla a–z, 0–9, _ (och - för en kommun)",
    "kommunkod": "förväntade fyra siffror, t.ex. 0181",
    "manad": "förväntade en månad som ÅÅÅÅ-MM, t.ex. 2017-06",
}


def _where(loc: tuple, doc: dict) -> tuple[str, str | None]:
    """('tabell', 2, 'kolumner', 'X', 'matt') → ("tabell nr 3 ('drift_lss'), kolumnen 'X'", 'matt')."""
    parts, key = [], None
    i = 0
    while i < len(loc):
        k = loc[i]
        if k in ("tabell", "koppling", "forbehall", "seriebrott") and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            n = loc[i + 1]
            ident = ""
            if k == "tabell":
                try:
                    ident = f" ('{doc['tabell'][n].get('id', '')}')"
                except (KeyError, IndexError, TypeError, AttributeError):
                    ident = ""
            parts.append(f"{k} nr {n + 1}{ident}")
            i += 2
            continue
        if k == "kolumner" and i + 1 < len(loc):
            parts.append(f"kolumnbeskrivningen '{loc[i + 1]}'")
            i += 2
            continue
        if k in ("relation", "avstamning") and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            parts.append(f"{k} nr {loc[i + 1] + 1}")
            i += 2
            continue
        if isinstance(k, str):
            key = k
        i += 1
    return (", ".join(parts) or "kommunen"), key


def _problems(exc: ValidationError, fname: str, doc: dict) -> list[Problem]:
    out = []
    for err in exc.errors():
        where, key = _where(tuple(err["loc"]), doc)
        kind = err["type"]
        text = _TYPE_TEXT.get(kind)
        if kind == "literal_error":
            text = "förväntade ett av " + err["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        elif kind == "string_pattern_mismatch":
            text = _PATTERN_TEXT.get(key or "", "otillåtna tecken")
        elif kind == "value_error":
            text = str(err["msg"]).removeprefix("Value error, ")
        elif kind == "extra_forbidden":
            text = f"okänd nyckel '{key}' (stavfel?)"
        elif kind == "missing":
            text = f"nyckeln '{key}' saknas"
        elif text is None:
            text = str(err["msg"])
        value = err.get("input")
        shown = None if kind in ("missing",) or isinstance(value, (dict, list)) else str(value)
        out.append(Problem(fname, None, key, shown, f"{where}: {text}"))
    return out


# --- loading -------------------------------------------------------------------------------------

def validate_kommun_id(kommun: object) -> str:
    if not isinstance(kommun, str) or not KOMMUN_ID.match(kommun):
        raise ParameterError(
            f"Ogiltig kommun '{kommun}': ett kommun-id består bara av a–z, 0–9, _ och - (t.ex. sodertalje)."
        )
    return kommun


def list_kommuner(raw: Path | None = None) -> list[str]:
    raw = Path(raw) if raw else paths.raw_dir()
    if not raw.is_dir():
        return []
    return sorted(p.name for p in raw.iterdir() if p.is_dir() and (p / "metadata.toml").exists())


def period_folders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and PERIOD_FOLDER.match(p.name))


def load_metadata(kommun: str, raw: Path | None = None) -> KommunMeta:
    """Load and validate one municipality's metadata.toml; DataValidationError lists every problem."""
    validate_kommun_id(kommun)
    raw = Path(raw) if raw else paths.raw_dir()
    folder = raw / kommun
    fname = f"{kommun}/metadata.toml"
    path = folder / "metadata.toml"
    if not path.exists():
        known = ", ".join(list_kommuner(raw))
        raise ParameterError(f"Okänd kommun '{kommun}': det finns ingen {fname} i data/raw. Kända kommuner: {known}.")
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        raise DataValidationError([Problem(fname, None, None, None, "filen är en symbolisk länk som pekar utanför "
                                           "kommunens mapp och läses inte; kopiera in filen i stället")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataValidationError([Problem(fname, None, None, None,
                                           "filen är inte sparad som UTF-8 (å, ä och ö går inte att läsa); spara om "
                                           "den som UTF-8")]) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataValidationError([_toml_problem(exc, fname, text)]) from None
    doc = dict(doc, folder=str(folder))
    try:
        meta = KommunMeta.model_validate(doc)
    except ValidationError as exc:
        raise DataValidationError(_problems(exc, fname, doc)) from None
    problems = _cross_checks(meta, kommun, fname)
    if [p for p in problems if p.allvarlig]:
        raise DataValidationError([p for p in problems if p.allvarlig])
    return meta


_TOML_CAUSES = (  # tomllib's English causes → Swedish
    ("Invalid value", "ogiltigt värde; text skrivs inom citattecken (\"...\"), listor inom [ ] och tal utan citattecken"),
    ("Illegal character", "otillåtet tecken; en text inom citattecken ska avslutas på samma rad"),
    ("Cannot overwrite a value", "samma nyckel anges två gånger"),
    ("Cannot declare", "samma tabell anges två gånger"),
    ("Expected '=' after a key", "förväntade '=' efter nyckeln (nyckel = värde)"),
    ("Expected ']' at the end of a table declaration", "tabellrubriken ska avslutas med ]"),
    ("Expected ']]' at the end of an array declaration", "tabellrubriken ska avslutas med ]]"),
    ("Unclosed array", "listan avslutas inte med ]"),
    ("Unterminated string", "texten avslutas inte med ett citattecken"),
)
_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_problem(exc: tomllib.TOMLDecodeError, fname: str, text: str) -> Problem:
    """A TOML syntax error in Swedish, with its line and column."""
    msg = str(exc)
    m = _TOML_WHERE.search(msg)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (max(1, len(text.splitlines())), None)
    cause = next((sv for en, sv in _TOML_CAUSES if msg.startswith(en)), "felaktig TOML-syntax")
    where = f"tecken {col}: " if col else "vid filens slut: "
    return Problem(fname, line, None, None, f"går inte att läsa som TOML ({where}{cause}); rätta raden och kör "
                   "omsorg kontrollera igen (formatet beskrivs i data/raw/README.md)")


def metadata_warnings(meta: KommunMeta) -> list[Problem]:
    """Non-fatal observations about the folder: files that no table lists, a file under two ids."""
    return [p for p in _cross_checks(meta, meta.id, f"{meta.id}/metadata.toml") if not p.allvarlig]


def _cross_checks(meta: KommunMeta, kommun: str, fname: str) -> list[Problem]:
    problems: list[Problem] = []
    folder = meta.path
    if meta.id != kommun:
        problems.append(Problem(fname, None, "id", meta.id, f"förväntade samma id som mappnamnet '{kommun}'"))
    if meta.period:
        try:
            Period.parse(meta.period)
        except ParameterError as exc:
            problems.append(Problem(fname, None, "period", meta.period, str(exc)))
    for p in period_folders(folder):
        try:
            Period.parse(p.name)
        except ParameterError as exc:
            problems.append(Problem(f"{kommun}/{p.name}", None, None, p.name, str(exc)))
    if not meta.period and not period_folders(folder):
        problems.append(Problem(fname, None, "period", None,
                                "ange period = \"ÅÅÅÅ-MM\" för den publicerade rapporten, eller lägg månadsfiler i en "
                                "mapp ÅÅÅÅ-MM"))
    ids = [t.id for t in meta.tabell]
    for t in meta.tabell:
        if t.id in MONTH_TABLES:
            problems.append(Problem(fname, None, "id", t.id, "tabell-id:t är reserverat för månadsmappar (huvudbok, "
                                    "verksamhetssystem); välj ett annat"))
        if ids.count(t.id) > 1:
            problems.append(Problem(fname, None, "id", t.id, "tabell-id förekommer två gånger"))
        if not (folder / t.fil).exists():
            problems.append(Problem(fname, None, "fil", t.fil, f"tabell '{t.id}': filen finns inte i data/raw/{kommun}/"))
        for r in t.avstamning:
            if r.tabell not in ids:
                problems.append(Problem(fname, None, "avstamning", r.tabell,
                                        f"tabell '{t.id}': avstämningen hänvisar till en tabell som inte finns"))
        if t.dataset == "text" and t.kolumner:
            problems.append(Problem(fname, None, "kolumner", t.id,
                                    "en tabell med dataset = \"text\" har fasta kolumner och ska inte ha [tabell.kolumner]"))
    if meta.sie is not None or period_folders(folder):
        ids = ids + list(MONTH_TABLES)
    for key in ("huvudtabeller", "detaljtabeller"):
        for m in getattr(meta, key):
            if m not in ids:
                problems.append(Problem(fname, None, key, m, "förväntade id:t för en tabell under [[tabell]]"))
    for m in meta.huvudtabeller:
        if m in ids and m not in MONTH_TABLES and meta.table(m).dataset not in ECONOMY_DATASETS:
            problems.append(Problem(fname, None, "huvudtabeller", m,
                                    f"en huvudtabell är nämndens ekonomitabell i belopp (dataset = \"ekonomi\"), men "
                                    f"'{m}' har dataset = \"{meta.table(m).dataset}\" (enhet {meta.table(m).enhet}); "
                                    "ta bort den ur huvudtabeller och ange nämndens ekonomitabell"))
    units = {meta.table(m).enhet for m in meta.main_tables if m in ids and m not in MONTH_TABLES}
    if len(units) > 1:
        problems.append(Problem(fname, None, "huvudtabeller", ", ".join(sorted(units)),
                                "huvudtabellerna ska ha samma enhet (nämndens ekonomi redovisas i en enhet)"))
    for i, k in enumerate(meta.koppling, start=1):
        for key in ("tabell", "volymtabell"):
            if getattr(k, key) not in ids:
                problems.append(Problem(fname, None, "koppling", getattr(k, key),
                                        f"koppling nr {i}: '{key}' ska vara id:t för en tabell under [[tabell]]"))
    for i, b in enumerate(meta.seriebrott, start=1):
        if b.volymtabell not in ids:
            problems.append(Problem(fname, None, "volymtabell", b.volymtabell,
                                    f"seriebrott nr {i}: 'volymtabell' ska vara id:t för en volymtabell under [[tabell]]"))
    if meta.sie and not (folder / meta.sie.objekt).exists():
        problems.append(Problem(fname, None, "objekt", meta.sie.objekt, f"[sie]: filen finns inte i data/raw/{kommun}/"))
    # Warnings: files nobody reads, one file under two ids.
    listed = [t.fil for t in meta.tabell] + ([meta.sie.objekt] if meta.sie else [])
    for f in sorted(set(listed)):
        if [t.fil for t in meta.tabell].count(f) > 1:
            problems.append(Problem(fname, None, "fil", f, "samma fil beskrivs under två tabell-id; varje siffra räknas "
                                    "då två gånger", allvarlig=False))
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".xls", ".xlsm") and p.name not in listed:
                problems.append(Problem(f"{kommun}/{p.name}", None, None, None,
                                        "filen ligger i kommunens mapp men ingen [[tabell]] i metadata.toml läser den",
                                        allvarlig=False))
    return problems


def validate_parameters(kommun: str, period, raw: Path | None = None) -> tuple[KommunMeta, Period]:
    """A (kommun, period) pair checked before anything runs: a known id and a period with data."""
    meta = load_metadata(kommun, raw)
    p = period if isinstance(period, Period) else Period.parse(period)
    available = meta.periods()
    if p not in available:
        raise ParameterError(
            f"Perioden {p} finns inte för {meta.namn}. Tillgängliga perioder: {', '.join(map(str, available))}."
        )
    return meta, p
