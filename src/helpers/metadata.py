"""Each municipality's metadata.toml: who, which period, which files, where each table comes from."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import DataValidationError, ParameterError, Problem

KOMMUN_ID = re.compile(r"^[a-z0-9_-]+$")
TABLE_ID = re.compile(r"^[a-z0-9_]+$")
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")

DATASETS = ("ekonomi", "investeringar", "volymer", "nyckeltal", "personal")
MATT = ("netto", "intakter", "kostnader", "avvikelse", "ack", "medel", "arsvarde")
SLAG = ("utfall", "budget", "prognos")
OMFATTNING = ("period", "helar", "projekt", "tidigare_ar")
SIGN = ("plus", "minus")
COLUMN_KEYS = {"matt", "slag", "omfattning", "ar", "till_manad", "enhet"}


def validate_kommun_id(kommun: str) -> str:
    """A municipality id is [a-z0-9_-]+ and nothing path-like."""
    if not isinstance(kommun, str) or not KOMMUN_ID.match(kommun):
        raise ParameterError(
            f"Ogiltig kommun '{kommun}': ett kommun-id består bara av a–z, 0–9, _ och - (t.ex. sodertalje)."
        )
    return kommun


def parse_period(period: str) -> tuple[int, int]:
    """'2017-08' → (2017, 8). Raises ParameterError with a Swedish message otherwise."""
    m = PERIOD.match(str(period))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ParameterError(f"Ogiltig period '{period}': förväntade formatet ÅÅÅÅ-MM, t.ex. 2017-08.")
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class ColumnSpec:
    matt: str
    slag: str | None = None
    omfattning: str | None = None
    ar: int | None = None
    till_manad: int | None = None
    enhet: str | None = None


@dataclass(frozen=True)
class Reconciliation:
    grupp: str
    tabell: str
    verksamhet: str


@dataclass(frozen=True)
class Link:
    """An economy verksamhet whose cost is driven by a monthly volume series (for the seasonal
    forecast and the volume/price split)."""
    tabell: str
    verksamhet: str
    volymtabell: str
    serie: str


@dataclass(frozen=True)
class TableMeta:
    id: str
    fil: str
    dataset: str
    namnd: str
    kalla: str
    rubrik: str
    avsnitt: str
    enhet: str
    kostnadstecken: str
    blad: str | None = None
    kolumner: dict[str, ColumnSpec] = field(default_factory=dict)
    avstamning: tuple[Reconciliation, ...] = ()


@dataclass(frozen=True)
class KommunMeta:
    id: str
    namn: str
    kommunkod: str
    namnder: tuple[str, ...]
    period: str
    rapporttyp: str
    rapportdatum: str
    kostnadstecken: str
    folder: Path
    tabeller: tuple[TableMeta, ...]
    huvudtabeller: tuple[str, ...] = ()
    kopplingar: tuple[Link, ...] = ()
    detaljtabeller: tuple[str, ...] = ()

    @property
    def ar(self) -> int:
        return parse_period(self.period)[0]

    @property
    def manad(self) -> int:
        return parse_period(self.period)[1]

    def table(self, table_id: str) -> TableMeta:
        for t in self.tabeller:
            if t.id == table_id:
                return t
        raise KeyError(table_id)


def list_kommuner(raw: Path | None = None) -> list[str]:
    raw = Path(raw) if raw else paths.raw_dir()
    return sorted(p.name for p in raw.iterdir() if p.is_dir() and (p / "metadata.toml").exists())


def load_metadata(kommun: str, raw: Path | None = None) -> KommunMeta:
    """Load and validate one municipality's metadata; raise DataValidationError listing every problem."""
    validate_kommun_id(kommun)
    raw = Path(raw) if raw else paths.raw_dir()
    folder = raw / kommun
    fname = f"{kommun}/metadata.toml"
    if not (folder / "metadata.toml").exists():
        known = ", ".join(list_kommuner(raw)) if raw.exists() else ""
        raise ParameterError(f"Okänd kommun '{kommun}': det finns ingen {fname} i data/raw. Kända kommuner: {known}.")
    try:
        doc = tomllib.loads((folder / "metadata.toml").read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataValidationError([Problem(fname, None, None, None, f"går inte att läsa som TOML ({exc})")]) from None
    problems: list[Problem] = []

    def need(d: dict, key: str, where: str) -> str:
        v = d.get(key)
        if v in (None, ""):
            problems.append(Problem(fname, None, key, None, f"{where}: nyckeln '{key}' saknas"))
            return ""
        return v

    kid = need(doc, "id", "kommunen")
    if kid and kid != kommun:
        problems.append(Problem(fname, None, "id", kid, f"förväntade samma id som mappnamnet '{kommun}'"))
    kod = str(need(doc, "kommunkod", "kommunen"))
    if kod and not re.fullmatch(r"\d{4}", kod):
        problems.append(Problem(fname, None, "kommunkod", kod, "förväntade fyra siffror, t.ex. 0181"))
    period = str(need(doc, "period", "kommunen"))
    if period:
        try:
            parse_period(period)
        except ParameterError:
            problems.append(Problem(fname, None, "period", period, "förväntade en period i formatet ÅÅÅÅ-MM, t.ex. 2017-08"))
    sign = doc.get("kostnadstecken", "minus")
    if sign not in SIGN:
        problems.append(Problem(fname, None, "kostnadstecken", str(sign), "förväntade 'plus' eller 'minus'"))
    namnder = doc.get("namnder") or []
    if not namnder:
        problems.append(Problem(fname, None, "namnder", None, "minst en nämnd ska anges"))

    tables: list[TableMeta] = []
    seen_ids: set[str] = set()
    for i, t in enumerate(doc.get("tabell", []), start=1):
        where = f"tabell nr {i}"
        tid = need(t, "id", where)
        if tid and not TABLE_ID.match(tid):
            problems.append(Problem(fname, None, "id", tid, f"{where}: tabell-id får bara innehålla a–z, 0–9 och _"))
        if tid in seen_ids:
            problems.append(Problem(fname, None, "id", tid, f"{where}: tabell-id förekommer två gånger"))
        seen_ids.add(tid)
        fil = need(t, "fil", where)
        if fil and (Path(fil).name != fil or fil.startswith(".")):
            problems.append(Problem(fname, None, "fil", fil, f"{where}: ett filnamn utan sökväg förväntades"))
        elif fil and not (folder / fil).exists():
            problems.append(Problem(fname, None, "fil", fil, f"{where}: filen som metadata nämner finns inte i data/raw/{kommun}/"))
        dataset = need(t, "dataset", where)
        if dataset and dataset not in DATASETS:
            problems.append(Problem(fname, None, "dataset", dataset, f"{where}: förväntade ett av {', '.join(DATASETS)}"))
        tsign = t.get("kostnadstecken", sign)
        if tsign not in SIGN:
            problems.append(Problem(fname, None, "kostnadstecken", str(tsign), f"{where}: förväntade 'plus' eller 'minus'"))
        cols: dict[str, ColumnSpec] = {}
        for cname, spec in (t.get("kolumner") or {}).items():
            cw = f"{where}, kolumnbeskrivningen '{cname}'"
            if not isinstance(spec, dict):
                problems.append(Problem(fname, None, cname, str(spec), f"{cw}: förväntade {{ matt = ..., ... }}"))
                continue
            extra = set(spec) - COLUMN_KEYS
            if extra:
                problems.append(Problem(fname, None, cname, ", ".join(sorted(extra)), f"{cw}: okända nycklar; tillåtna är {', '.join(sorted(COLUMN_KEYS))}"))
            matt = spec.get("matt", "arsvarde" if dataset in ("volymer", "nyckeltal", "personal") else None)
            if matt not in MATT:
                problems.append(Problem(fname, None, cname, str(matt), f"{cw}: 'matt' ska vara ett av {', '.join(MATT)}"))
            if spec.get("slag") is not None and spec["slag"] not in SLAG:
                problems.append(Problem(fname, None, cname, str(spec["slag"]), f"{cw}: 'slag' ska vara ett av {', '.join(SLAG)}"))
            if spec.get("omfattning") is not None and spec["omfattning"] not in OMFATTNING:
                problems.append(Problem(fname, None, cname, str(spec["omfattning"]), f"{cw}: 'omfattning' ska vara ett av {', '.join(OMFATTNING)}"))
            tm = spec.get("till_manad")
            if tm is not None and not (isinstance(tm, int) and 1 <= tm <= 12):
                problems.append(Problem(fname, None, cname, str(tm), f"{cw}: 'till_manad' ska vara en månad 1–12"))
            ar = spec.get("ar")
            if ar is not None and not (isinstance(ar, int) and 1900 < ar < 2200):
                problems.append(Problem(fname, None, cname, str(ar), f"{cw}: 'ar' ska vara ett årtal"))
            cols[cname] = ColumnSpec(
                matt=matt or "", slag=spec.get("slag"), omfattning=spec.get("omfattning"),
                ar=ar, till_manad=tm, enhet=spec.get("enhet"),
            )
        recs = tuple(
            Reconciliation(str(a.get("grupp", "")), str(a.get("tabell", "")), str(a.get("verksamhet", "")))
            for a in t.get("avstamning", [])
        )
        tables.append(TableMeta(
            id=tid, fil=fil, dataset=dataset, namnd=t.get("namnd", (namnder or [""])[0]),
            kalla=t.get("kalla", ""), rubrik=t.get("rubrik", ""), avsnitt=t.get("avsnitt", ""),
            enhet=t.get("enhet", ""), kostnadstecken=tsign, blad=t.get("blad"), kolumner=cols,
            avstamning=recs,
        ))
    if not tables:
        problems.append(Problem(fname, None, "tabell", None, "inga tabeller beskrivs ([[tabell]] saknas)"))
    for t in tables:
        for r in t.avstamning:
            if r.tabell not in seen_ids:
                problems.append(Problem(fname, None, "avstamning", r.tabell, f"tabell '{t.id}': avstämningen hänvisar till en tabell som inte finns"))
    main_tables = tuple(doc.get("huvudtabeller") or [t.id for t in tables if t.dataset == "ekonomi"][:1])
    for m in main_tables:
        if m not in seen_ids:
            problems.append(Problem(fname, None, "huvudtabeller", m, "förväntade id:t för en tabell som beskrivs under [[tabell]]"))
    details = tuple(doc.get("detaljtabeller") or [])
    for m in details:
        if m not in seen_ids:
            problems.append(Problem(fname, None, "detaljtabeller", m, "förväntade id:t för en tabell som beskrivs under [[tabell]]"))
    links = []
    for i, k in enumerate(doc.get("koppling", []), start=1):
        link = Link(str(k.get("tabell", "")), str(k.get("verksamhet", "")), str(k.get("volymtabell", "")), str(k.get("serie", "")))
        for key in ("tabell", "volymtabell"):
            if getattr(link, key) not in seen_ids:
                problems.append(Problem(fname, None, "koppling", getattr(link, key), f"koppling nr {i}: '{key}' ska vara id:t för en tabell under [[tabell]]"))
        links.append(link)
    if problems:
        raise DataValidationError(problems)
    return KommunMeta(
        id=kommun, namn=doc.get("namn", kommun), kommunkod=kod, namnder=tuple(namnder), period=period,
        rapporttyp=doc.get("rapporttyp", ""), rapportdatum=str(doc.get("rapportdatum", "")),
        kostnadstecken=sign, folder=folder, tabeller=tuple(tables), huvudtabeller=main_tables,
        kopplingar=tuple(links), detaljtabeller=details,
    )


def validate_parameters(kommun: str, period: str, raw: Path | None = None) -> KommunMeta:
    """Check a (kommun, period) pair before anything runs: known id and a period present in the data."""
    validate_kommun_id(kommun)
    parse_period(period)
    meta = load_metadata(kommun, raw)
    available = available_periods(meta)
    if period not in available:
        raise ParameterError(
            f"Perioden {period} finns inte för {meta.namn}. Tillgängliga perioder: {', '.join(available)}."
        )
    return meta


def available_periods(meta: KommunMeta) -> list[str]:
    """The periods a report can be run for: the municipality's reporting period."""
    return [meta.period]
