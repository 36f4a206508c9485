"""Kolada (the municipalities' open key-figure database, API v3): a small client, the stored fetch
under ``data/raw/<kommun>/kolada/`` and a tidy frame of its values.

The API, as documented by RKA (github.com/Hypergene/kolada) and as the maintained v3 clients use it:

- data by path, ``/v3/data/kpi/{kpi}/municipality/{id}/year/{years}``, each segment a comma list of
  at most 25 ids (longer lists are refused, so every list is sent in chunks of 25);
- every answer is ``{"count": …, "values": […], "next_url": …}``; a page with ``next_url`` is followed
  until there is none;
- a data row is ``{"kpi", "municipality", "period", "values": [{"gender", "count", "status", "value"},
  …]}`` with the genders T, K and M in no fixed order (only T, the total, is used); a row or a value
  marked ``isdeleted`` is dropped;
- the country is the id ``0000``; the groups of similar municipalities are found with
  ``/v3/municipality_groups?title=…`` ("Liknande kommuner äldreomsorg, <kommun>, <år>", also LSS and
  IFO) and their members with ``/v3/municipality_groups/{id}``.

Raw data is immutable: a fetch writes a new dated folder with the answers exactly as received and a
manifest (``hamtning.json``) saying what was asked, when, and which years were preliminary. Nothing
here is read from the network by the report: the report reads only a stored fetch."""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pandas as pd

from ..core.errors import DataValidationError, OmsorgError, Problem, disk_error
from .metadata import KommunMeta

BASE_URL = "https://api.kolada.se/v3"
MAX_IDS = 25                 # ids per path segment the API accepts
RIKET = "0000"               # the country as a Kolada "municipality"
FOLDER = "kolada"            # data/raw/<kommun>/kolada/<fetch date>/
MANIFEST = "hamtning.json"
ANSWERS = "svar"
SOURCE_NOTE = "Källa: Kolada"
FINAL_MONTH = 10             # a year's values are final from about September the year after; safe from October
YEARS_BACK = 5


@dataclass(frozen=True)
class Kpi:
    id: str
    title: str               # used when the stored KPI metadata has no title
    enhet: str               # a unit from core.units: procent, kr/invånare


@dataclass(frozen=True)
class Area:
    id: str                  # aldreomsorg | lss | ifo
    label: str               # as a reader sees it
    group_word: str          # as in Kolada's group title "Liknande kommuner <group_word>, <kommun>, <år>"
    kpis: tuple[Kpi, ...]    # the first is the headline (chart and sentence)


AREAS: dict[str, Area] = {a.id: a for a in (
    Area("aldreomsorg", "Äldreomsorg", "äldreomsorg", (
        Kpi("N20900", "Nettokostnadsavvikelse äldreomsorg, (%)", "procent"),
        Kpi("N20011", "Nettokostnad äldre och funktionsnedsättning (SoL, LSS, SFB), kr/inv", "kr/invånare"))),
    Area("lss", "LSS", "LSS", (
        Kpi("N28018", "Nettokostnadsavvikelse LSS, (%)", "procent"),
        Kpi("N28016", "Nettokostnad funktionsnedsättning LSS och SFB, kr/inv", "kr/invånare"))),
    Area("ifo", "Individ- och familjeomsorg", "IFO", (
        Kpi("N30001", "Nettokostnadsavvikelse individ- och familjeomsorg, (%)", "procent"),
        Kpi("N30005", "Nettokostnad individ- och familjeomsorg, kr/inv", "kr/invånare"))),
)}
KPIS: dict[str, tuple[Area, Kpi]] = {k.id: (a, k) for a in AREAS.values() for k in a.kpis}

# Words in a municipality's metadata that show which areas its nämnd covers.
_AREA_WORDS = {
    "aldreomsorg": ("äldre", "hvo", "hemtjänst", "särskilt boende", "sol", "vård och omsorg", "vård- och omsorg"),
    "lss": ("lss", "funktionsned", "funktionshind", "personlig assistans", "daglig verksamhet"),
    "ifo": ("ifo", "individ", "familjeomsorg", "försörjningsstöd", "ekonomiskt bistånd", "missbruk"),
}


class KoladaError(OmsorgError):
    """A question Kolada would not answer, in Swedish, with what was asked."""


# --- the client -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """One raw answer: the URL asked and the body exactly as received."""
    url: str
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def chunks(ids: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    ids = list(dict.fromkeys(str(i) for i in ids))
    return [ids[i:i + size] for i in range(0, len(ids), size)] or [[]]


def _years_text(years: Sequence) -> str:
    ys = sorted(int(y) for y in years)
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"åren {ys[0]}–{ys[-1]}"
    return ("året " if len(ys) == 1 else "åren ") + ", ".join(map(str, ys))


class KoladaClient:
    """Reads Kolada v3 with httpx: path URLs, pages by ``next_url``, ids in chunks of 25, retries with
    backoff on 429 and 5xx. ``sleep`` is injectable so tests do not wait."""

    def __init__(self, client: httpx.Client | None = None, base_url: str = BASE_URL, retries: int = 4,
                 backoff: float = 2.0, sleep: Callable[[float], object] = time.sleep, timeout: float = 60.0):
        self.http = client or httpx.Client(timeout=timeout, headers={"Accept": "application/json"})
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- one URL, with retries -------------------------------------------------------------------
    def get(self, url: str, asked: str) -> Answer:
        """One GET; ``asked`` says in Swedish what the question was (for the error message)."""
        for attempt in range(self.retries + 1):
            try:
                response = self.http.get(url)
            except httpx.TransportError as exc:
                if attempt < self.retries:
                    self.sleep(self.backoff * 2 ** attempt)
                    continue
                raise KoladaError(f"Kolada gick inte att nå när {asked} hämtades ({type(exc).__name__}) efter "
                                  f"{self.retries + 1} försök. Inget har sparats; försök igen senare.") from None
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt < self.retries:
                    self.sleep(self._wait(response, attempt))
                    continue
                what = "för många frågor (429)" if status == 429 else f"ett fel hos Kolada ({status})"
                raise KoladaError(f"Kolada svarade med {what} när {asked} hämtades, även efter {self.retries + 1} "
                                  "försök. Inget har sparats; försök igen senare.")
            if status >= 400:
                raise KoladaError(self._client_error(status, asked, url))
            return Answer(str(response.url), response.content)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.isdigit():
            return float(retry_after)
        return self.backoff * 2 ** attempt

    @staticmethod
    def _client_error(status: int, asked: str, url: str) -> str:
        reason = {
            400: "frågan är felaktig (ett ogiltigt id eller år, eller en för lång adress)",
            404: "adressen finns inte i Koladas API",
            410: "den versionen av API:t finns inte längre",
            422: "för många id:n i en del av adressen (högst 25) eller för stor sida",
        }.get(status, "frågan avvisades")
        return (f"Kolada svarade {status} när {asked} hämtades: {reason}. Adressen var {url}. Inget har sparats.")

    # -- pages -------------------------------------------------------------------------------------
    def pages(self, url: str, asked: str) -> list[Answer]:
        """Every page of one question, following ``next_url``."""
        out, seen = [], set()
        while url and url not in seen:
            seen.add(url)
            answer = self.get(url, asked)
            out.append(answer)
            try:
                body = answer.json()
            except ValueError:
                raise KoladaError(f"Kolada svarade med något som inte är JSON när {asked} hämtades ({url}). "
                                  "Inget har sparats.") from None
            if not isinstance(body, dict):
                raise KoladaError(f"Kolada svarade i en oväntad form när {asked} hämtades ({url}). Inget har sparats.")
            url = body.get("next_url") or body.get("next_page") or ""
        return out

    # -- questions ---------------------------------------------------------------------------------
    def data(self, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]) -> list[Answer]:
        """Values for kpis × municipalities × years, each id list in chunks of at most 25."""
        out = []
        for k in chunks(kpis):
            for m in chunks(municipalities):
                for y in chunks([str(int(v)) for v in years]):
                    url = (f"{self.base_url}/data/kpi/{','.join(k)}/municipality/{','.join(m)}"
                           f"/year/{','.join(y)}")
                    asked = (f"nyckeltalen {', '.join(k)} för {len(m)} kommuner ({', '.join(m[:3])}"
                             f"{' …' if len(m) > 3 else ''}) och {_years_text(y)}")
                    out += self.pages(url, asked)
        return out

    def kpi_metadata(self, kpis: Sequence[str]) -> list[Answer]:
        out = []
        for k in chunks(kpis):
            out += self.pages(f"{self.base_url}/kpi/{','.join(k)}", f"beskrivningen av nyckeltalen {', '.join(k)}")
        return out

    def municipality(self, kommunkod: str) -> list[Answer]:
        return self.pages(f"{self.base_url}/municipality/{kommunkod}", f"kommunen {kommunkod}")

    def municipality_groups(self, title: str) -> list[Answer]:
        return self.pages(f"{self.base_url}/municipality_groups?{urlencode({'title': title})}",
                          f"kommungrupperna '{title}'")

    def municipality_group(self, group_id: str) -> list[Answer]:
        return self.pages(f"{self.base_url}/municipality_groups/{group_id}", f"kommungruppen {group_id}")


# --- reading answers ------------------------------------------------------------------------------

def _values(answers: Iterable[Answer | dict]) -> list[dict]:
    out = []
    for a in answers:
        body = a.json() if isinstance(a, Answer) else a
        out += list(body.get("values") or [])
    return out


def _deleted(obj: dict) -> bool:
    flag = obj.get("isdeleted", obj.get("is_deleted", False))
    return bool(flag) and str(flag).lower() not in ("0", "false")


VALUE_COLUMNS = ["kpi", "kommunkod", "ar", "varde", "status", "antal"]


def tidy_values(answers: Iterable[Answer | dict]) -> pd.DataFrame:
    """Data answers → one row per (kpi, kommunkod, ar): the total (gender T); deleted rows and values
    dropped; a value Kolada does not have is NaN (never zero)."""
    rows = []
    for row in _values(answers):
        if _deleted(row):
            continue
        for v in row.get("values") or []:
            if v.get("gender") != "T" or _deleted(v):
                continue
            value = v.get("value")
            rows.append({"kpi": str(row.get("kpi")), "kommunkod": str(row.get("municipality")),
                         "ar": int(row.get("period")), "varde": float("nan") if value is None else float(value),
                         "status": str(v.get("status") or ""), "antal": v.get("count")})
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    frame = frame.drop_duplicates(["kpi", "kommunkod", "ar"], keep="last")
    return frame.sort_values(["kpi", "kommunkod", "ar"]).reset_index(drop=True)


def _members(group: dict) -> list[tuple[str, str]]:
    out = []
    for m in group.get("members") or []:
        if isinstance(m, dict):
            mid = m.get("id", m.get("member_id"))
            title = m.get("title", m.get("member_title", ""))
        else:
            mid, title = m, ""
        if mid is not None:
            out.append((str(mid), str(title or "")))
    return out


_GROUP_YEAR = re.compile(r",\s*(\d{4})\s*$")


def newest_group(groups: list[dict], prefix: str) -> dict | None:
    """Of the groups whose title starts with ``prefix`` ("Liknande kommuner LSS, Lomma"), the newest
    year's ("…, 2024")."""
    fitting = [g for g in groups if str(g.get("title", "")).lower().startswith(prefix.lower() + ",")]
    if not fitting:
        return None
    return max(fitting, key=lambda g: int(m.group(1)) if (m := _GROUP_YEAR.search(str(g.get("title", "")))) else 0)


# --- which areas and years ------------------------------------------------------------------------

def kolada_areas(meta: KommunMeta) -> list[str]:
    """The areas the nämnd covers: ``[kolada] omraden`` in metadata.toml, otherwise inferred from its
    tables' names and headings (all three when nothing says)."""
    if meta.kolada is not None and meta.kolada.omraden:
        return [a for a in AREAS if a in meta.kolada.omraden]
    words = " ".join([*meta.namnder, *(f"{t.id} {t.avsnitt} {t.rubrik} {t.namnd}" for t in meta.tabell)]).lower()
    words = re.sub(r"[_\s]+", " ", words)
    found = [a for a, ws in _AREA_WORDS.items() if any(re.search(rf"\b{re.escape(w)}", words) for w in ws)]
    return found or list(AREAS)


def default_years(today: _dt.date) -> list[int]:
    """The last five years that can have values (last year's come in May, preliminary)."""
    return list(range(today.year - YEARS_BACK, today.year))


def preliminary_years(years: Iterable[int], fetched: _dt.date) -> list[int]:
    """Years whose values were preliminary when fetched: published around May the year after and final
    around September, so a year counts as preliminary until 1 October the year after."""
    return sorted(int(y) for y in years if fetched < _dt.date(int(y) + 1, FINAL_MONTH, 1))


# --- fetching and storing -------------------------------------------------------------------------

@dataclass
class _Collected:
    answers: list[tuple[str, Answer]] = field(default_factory=list)   # (role, answer)

    def add(self, role: str, answers: list[Answer]) -> list[Answer]:
        self.answers += [(role, a) for a in answers]
        return answers


def fetch(client: KoladaClient, meta: KommunMeta, years: Sequence[int], areas: Sequence[str]) -> tuple[_Collected, dict]:
    """Ask Kolada for the municipality, its groups of similar municipalities per area, their values and
    the country's. Nothing is written here."""
    got = _Collected()
    kod = meta.kommunkod
    muni = _values(got.add("kommun", client.municipality(kod)))
    title = str(muni[0].get("title")) if muni else re.sub(r"\s+kommun$", "", meta.namn)
    groups: dict[str, dict] = {}
    for a in areas:
        area = AREAS[a]
        prefix = f"Liknande kommuner {area.group_word}, {title}"
        found = newest_group(_values(got.add(f"grupper_{a}", client.municipality_groups(prefix))), prefix)
        if found is None or found.get("id") is None:
            groups[a] = {"id": None, "title": None, "members": []}
            continue
        detail = _values(got.add(f"grupp_{a}", client.municipality_group(str(found["id"]))))
        members = _members(detail[0] if detail else found) or _members(found)
        groups[a] = {"id": str(found["id"]), "title": str(found.get("title", "")),
                     "members": [{"id": i, "title": t} for i, t in members if i != kod]}
    kpis = [k.id for a in areas for k in AREAS[a].kpis]
    got.add("nyckeltal", client.kpi_metadata(kpis))
    for a in areas:
        ids = [kod, RIKET] + [m["id"] for m in groups[a]["members"]]
        got.add(f"data_{a}", client.data([k.id for k in AREAS[a].kpis], ids, years))
    return got, {"kommun_titel": title, "grupper": groups, "nyckeltal": kpis}


def _dated_folder(parent: Path, day: _dt.date) -> Path:
    base = day.isoformat()
    n = 1
    while True:
        name = base if n == 1 else f"{base}-{n}"
        if not (parent / name).exists():
            return parent / name
        n += 1


def store(raw_kommun: Path, meta: KommunMeta, collected: _Collected, facts: dict, years: Sequence[int],
          areas: Sequence[str], fetched: _dt.datetime) -> Path:
    """Write one fetch as a new dated folder (never over an older one): the answers as received and the
    manifest. The folder appears complete or not at all."""
    parent = Path(raw_kommun) / FOLDER
    staging = parent / f".hamtning-{uuid.uuid4().hex[:8]}.tmp"
    try:
        values = tidy_values([a for _r, a in collected.answers if _r.startswith("data_")])
    except (TypeError, ValueError, AttributeError) as exc:
        raise KoladaError(f"Koladas värden kom i en oväntad form ({exc}); inget har sparats.") from None
    statuses = sorted({s for s in values["status"] if s})
    files = []
    try:
        (staging / ANSWERS).mkdir(parents=True)
        for i, (role, answer) in enumerate(collected.answers, start=1):
            name = f"{i:03d}_{role}.json"
            (staging / ANSWERS / name).write_bytes(answer.body)
            files.append({"fil": f"{ANSWERS}/{name}", "roll": role, "url": answer.url})
        with_values = sorted(set(values.dropna(subset=["varde"])["ar"].astype(int)))
        manifest = {
            "kalla": f"Kolada, API v3 ({BASE_URL})",
            "hamtad": fetched.date().isoformat(),
            "hamtad_tid": fetched.isoformat(timespec="seconds"),
            "kommun": meta.id, "kommunkod": meta.kommunkod, "kommun_titel": facts["kommun_titel"],
            "ar": sorted(int(y) for y in years), "omraden": list(areas), "nyckeltal": facts["nyckeltal"],
            "grupper": facts["grupper"],
            "preliminara_ar": preliminary_years(with_values, fetched.date()),
            "preliminara_ar_grund": ("regeln: ett års värden är preliminära till 1 oktober året efter (de publiceras "
                                     "preliminärt runt maj och slutligt runt september)"),
            "status_fran_kolada": statuses,
            "svar": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        while True:
            target = _dated_folder(parent, fetched.date())
            try:
                os.rename(staging, target)  # fails if target exists (non-empty): never overwrites
                return target
            except OSError:
                if not target.exists():
                    raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise disk_error(exc, parent) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def fetch_and_store(meta: KommunMeta, years: Sequence[int] | None = None, client: KoladaClient | None = None,
                    now: _dt.datetime | None = None) -> Path:
    """``omsorg kolada hämta``: fetch everything for the municipality and store it as a new dated folder."""
    now = now or _dt.datetime.now(_dt.UTC)
    years = sorted(int(y) for y in (years or default_years(now.date())))
    areas = kolada_areas(meta)
    own = client is None
    client = client or KoladaClient()
    try:
        collected, facts = fetch(client, meta, years, areas)
    finally:
        if own:
            client.close()
    return store(meta.path, meta, collected, facts, years, areas, now)


# --- reading a stored fetch -----------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    area: str
    id: str | None
    title: str | None
    members: tuple[tuple[str, str], ...]      # (kommunkod, name); the municipality itself left out


@dataclass(frozen=True)
class StoredFetch:
    folder: Path
    kommun: str
    kommunkod: str
    kommun_titel: str
    fetched: _dt.date
    years: tuple[int, ...]
    areas: tuple[str, ...]
    preliminary_years: tuple[int, ...]
    groups: dict[str, Group]
    kpi_titles: dict[str, str]
    names: dict[str, str]                     # kommunkod → name (members, the municipality, Riket)
    values: pd.DataFrame                      # VALUE_COLUMNS

    def kpi_title(self, kpi: str) -> str:
        return self.kpi_titles.get(kpi) or (KPIS[kpi][1].title if kpi in KPIS else kpi)


def stored_fetch_folders(raw_kommun: Path) -> list[Path]:
    """Every complete stored fetch of a municipality, oldest first."""
    parent = Path(raw_kommun) / FOLDER
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())


def _problem(folder: Path, fil: str, text: str) -> DataValidationError:
    rel = f"{folder.parent.parent.name}/{FOLDER}/{folder.name}/{fil}"
    return DataValidationError([Problem(rel, None, None, None, text)])


def read_stored_fetch(folder: Path) -> StoredFetch:
    """One stored fetch folder; a damaged one is a DataValidationError naming the file."""
    folder = Path(folder)
    try:
        m = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        kommun, kod, fetched = m["kommun"], m["kommunkod"], _dt.date.fromisoformat(m["hamtad"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _problem(folder, MANIFEST, f"hämtningens beskrivning går inte att läsa ({exc}); hämta på nytt med "
                                         f"'omsorg kolada hämta --kommun {folder.parent.parent.name}'") from None
    answers: dict[str, list[dict]] = {}
    for f in m.get("svar", []):
        try:
            body = json.loads((folder / f["fil"]).read_bytes())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise _problem(folder, str(f.get("fil", "?")), f"Koladas svar går inte att läsa ({exc})") from None
        answers.setdefault(str(f.get("roll", "")), []).append(body)
    data = [b for role, bodies in answers.items() if role.startswith("data_") for b in bodies]
    try:
        values = tidy_values(data)
    except (TypeError, ValueError, AttributeError) as exc:
        raise _problem(folder, ANSWERS, f"Koladas värden har en oväntad form ({exc}); hämta på nytt") from None
    kpi_titles = {str(v.get("id")): str(v.get("title", "")) for v in _values(answers.get("nyckeltal", []))}
    names = {RIKET: "Riket", kod: str(m.get("kommun_titel") or kommun)}
    groups = {}
    for area, g in (m.get("grupper") or {}).items():
        members = tuple((str(x["id"]), str(x.get("title") or x["id"])) for x in g.get("members", []))
        names.update(dict(members))
        groups[area] = Group(area, g.get("id"), g.get("title"), members)
    return StoredFetch(folder=folder, kommun=kommun, kommunkod=kod, kommun_titel=names[kod], fetched=fetched,
                       years=tuple(m.get("ar", [])), areas=tuple(m.get("omraden", [])),
                       preliminary_years=tuple(m.get("preliminara_ar", [])), groups=groups, kpi_titles=kpi_titles,
                       names=names, values=values)


def load_stored_fetch(raw_kommun: Path) -> StoredFetch | None:
    """The newest stored fetch for a municipality (``data/raw/<kommun>``), or None when there is none."""
    folders = stored_fetch_folders(raw_kommun)
    return read_stored_fetch(folders[-1]) if folders else None


def load_all_stored_fetches(raw: Path) -> list[StoredFetch]:
    """The newest stored fetch of every municipality under ``raw`` that has one (for exploration)."""
    raw = Path(raw)
    if not raw.is_dir():
        return []
    out = []
    for k in sorted(p for p in raw.iterdir() if p.is_dir()):
        f = load_stored_fetch(k)
        if f is not None:
            out.append(f)
    return out


def fetch_summary(folder: Path) -> str:
    """What ``omsorg kolada hämta`` prints after storing."""
    f = read_stored_fetch(folder)
    have = f.values.dropna(subset=["varde"])
    lines = [f"Kolada-hämtningen för {f.kommun_titel} ({f.kommunkod}) är sparad i {folder}.",
             f"  {len(have)} värden för {len(set(have['kpi']))} nyckeltal och {_years_text(f.years)}."]
    for area in f.areas:
        g = f.groups.get(area)
        if g is None or not g.id:
            lines.append(f"  {AREAS[area].label}: ingen grupp 'Liknande kommuner {AREAS[area].group_word}, "
                         f"{f.kommun_titel}' i Kolada; bara kommunen och riket jämförs.")
        else:
            lines.append(f"  {AREAS[area].label}: {g.title} ({len(g.members)} kommuner).")
    if f.preliminary_years:
        lines.append(f"  Preliminära värden: {', '.join(map(str, f.preliminary_years))}.")
    return "\n".join(lines)

