"""The municipality against its group of similar municipalities ("liknande kommuner") and the country,
per Kolada key figure and year, from a stored fetch.

The group's median, minimum and maximum are the workspace's own computation over the members that
have a value (the municipality itself is never counted in its own group); they are not Kolada's
figures. A missing value stays missing: it is not zero and it is not counted."""
from __future__ import annotations

import pandas as pd

from ..ingest.kolada import AREAS, KPIS, RIKET, YEARS_BACK, StoredFetch

COLUMNS = ["omrade", "kpi", "nyckeltal", "enhet", "ar", "kommun", "grupp_median", "grupp_min", "grupp_max",
           "grupp_antal", "grupp_storlek", "riket", "skillnad_mot_median", "preliminar"]


def comparison(values: pd.DataFrame, kommunkod: str, members: dict[str, list[str]], kpi_area: dict[str, str],
               kpi_titles: dict[str, str] | None = None, kpi_units: dict[str, str] | None = None,
               preliminary_years: tuple[int, ...] | list[int] = (), last_years: int = YEARS_BACK) -> pd.DataFrame:
    """One row per (area, KPI, year) for the last ``last_years`` years with any value for the KPI.

    ``values``: kpi, kommunkod, ar, varde (``ingest.kolada.tidy_values``); ``members``: area → the
    group's member codes; ``kpi_area``: KPI → area. Pure: no files, no network."""
    kpi_titles = kpi_titles or {}
    kpi_units = kpi_units or {}
    rows = []
    for kpi, area in kpi_area.items():
        v = values[values["kpi"] == kpi]
        have = v.dropna(subset=["varde"])
        years = sorted(set(have["ar"].astype(int)))[-last_years:] if last_years else sorted(set(have["ar"].astype(int)))
        group = [m for m in dict.fromkeys(members.get(area, [])) if m != kommunkod]
        for year in years:
            y = have[have["ar"] == year].set_index("kommunkod")["varde"]
            own = y.get(kommunkod)
            g = y[y.index.isin(group)]
            median = float(g.median()) if len(g) else None
            own = None if own is None or pd.isna(own) else float(own)
            rows.append({
                "omrade": area, "kpi": kpi, "nyckeltal": kpi_titles.get(kpi, kpi), "enhet": kpi_units.get(kpi, ""),
                "ar": int(year), "kommun": own, "grupp_median": median,
                "grupp_min": float(g.min()) if len(g) else None, "grupp_max": float(g.max()) if len(g) else None,
                "grupp_antal": int(len(g)), "grupp_storlek": len(group),
                "riket": None if pd.isna(y.get(RIKET, float("nan"))) else float(y.get(RIKET)),
                "skillnad_mot_median": None if own is None or median is None else own - median,
                "preliminar": int(year) in set(preliminary_years),
            })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("kommun", "grupp_median", "grupp_min", "grupp_max", "riket", "skillnad_mot_median"):
        frame[c] = pd.to_numeric(frame[c])
    order = {k.id: i for i, k in enumerate(k for a in AREAS.values() for k in a.kpis)}
    frame["_o"] = frame["kpi"].map(order).fillna(len(order))
    return frame.sort_values(["_o", "kpi", "ar"], kind="stable").drop(columns="_o").reset_index(drop=True)


def comparison_from_fetch(fetch: StoredFetch | None, last_years: int = YEARS_BACK) -> pd.DataFrame | None:
    """``comparison`` for a stored fetch: its areas' KPIs, its groups and its preliminary years."""
    if fetch is None:
        return None
    kpi_area = {k.id: a for a in fetch.areas if a in AREAS for k in AREAS[a].kpis}
    members = {a: [m for m, _n in g.members] for a, g in fetch.groups.items()}
    titles = {k: fetch.kpi_title(k) for k in kpi_area}
    units = {k: KPIS[k][1].enhet for k in kpi_area}
    return comparison(fetch.values, fetch.kommunkod, members, kpi_area, titles, units, fetch.preliminary_years,
                      last_years)


def stored_comparison(fetch: StoredFetch | None) -> pd.DataFrame:
    """What the build keeps for the report: ``comparison_from_fetch`` with the fetch's date and the
    municipality's name on every row (an empty frame without a stored fetch)."""
    frame = comparison_from_fetch(fetch)
    if frame is None:
        return pd.DataFrame()
    return frame.assign(hamtad=fetch.fetched.isoformat(), kommun_titel=fetch.kommun_titel)


def headline(frame: pd.DataFrame) -> pd.DataFrame:
    """Per area, the headline KPI (the first of the area) in the latest year the municipality has a value."""
    heads = {a.kpis[0].id for a in AREAS.values()}
    h = frame[frame["kpi"].isin(heads) & frame["kommun"].notna()]
    last = h.sort_values("ar", kind="stable").groupby("omrade", sort=False).tail(1)
    order = {a: i for i, a in enumerate(AREAS)}
    return last.sort_values("omrade", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


# --- exploration ------------------------------------------------------------------------------------

def kolada_choices(fetches: list[StoredFetch]) -> dict[str, dict[str, str]]:
    """What the exploration notebook can offer from the stored fetches: KPIs (id → title) and
    municipalities (code → name, the country included), each once."""
    kpis: dict[str, str] = {}
    munis: dict[str, str] = {}
    for f in fetches:
        present = set(f.values.dropna(subset=["varde"])["kpi"])
        for k in sorted(present):
            kpis.setdefault(k, f.kpi_title(k))
        codes = set(f.values.dropna(subset=["varde"])["kommunkod"])
        for code in sorted(codes):
            munis.setdefault(code, f.names.get(code, code))
    return {"nyckeltal": kpis, "kommuner": dict(sorted(munis.items(), key=lambda kv: (kv[0] != RIKET, kv[1])))}


def selection(fetches: list[StoredFetch], kpis: list[str], municipalities: list[str]) -> pd.DataFrame:
    """The values of the chosen KPIs and municipalities from the stored fetches, wide by year:
    one row per (KPI, municipality), one column per year. The newest fetch wins a value both have."""
    frames = []
    for f in sorted(fetches, key=lambda f: f.fetched):
        v = f.values[f.values["kpi"].isin(kpis) & f.values["kommunkod"].isin(municipalities)].copy()
        v["kommun"] = v["kommunkod"].map(lambda c, f=f: f.names.get(c, c))
        v["nyckeltal"] = v["kpi"].map(f.kpi_title)
        frames.append(v)
    if not frames:
        return pd.DataFrame(columns=["nyckeltal", "kommun"])
    long = pd.concat(frames).drop_duplicates(["kpi", "kommunkod", "ar"], keep="last")
    wide = long.pivot_table(index=["nyckeltal", "kommun"], columns="ar", values="varde", aggfunc="first")
    wide.columns = [int(c) for c in wide.columns]
    return wide.reset_index()
