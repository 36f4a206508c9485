"""What a sentence or title about a monthly series must say besides its figure: a month the comparison
needs that is missing, and the plausibility warnings of the build's checks (a break in the series, the
same value as another series) that fall in the compared months.

Pure functions on the frames a report already has (``ReportData.series``, ``ReportData.checks``)."""
from __future__ import annotations

import pandas as pd

from ..checks.volumes import series_name, warning_text
from ..core.period import Period
from ..core.vocabulary import month_name, month_number

Key = tuple[str, str, str]   # (tabell, serie, regi), as analysis.volumes.series_keys
PLAUSIBILITY_KINDS = ("brott", "identisk")


def comparison_gaps(series: pd.DataFrame, key: Key, period: Period) -> list[tuple[int, int]]:
    """(year, month) of the outcome months January–period month, this year and last, that a series lacks
    although it has other months of that year. A year with no month at all is no comparison, not a gap."""
    t, s, r = key
    sub = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r)
                 & (series["slag"] == "utfall")]
    out = []
    for year in (period.year - 1, period.year):
        have = set(sub.loc[sub["ar"] == year, "manad"].astype(int))
        if have:
            out += [(year, m) for m in range(1, period.month + 1) if m not in have]
    return out


def gap_text(gaps: list[tuple[int, int]]) -> str:
    """'juni 2017 saknas', 'mars 2016 och juni 2017 saknas'."""
    names = [f"{month_name(m)} {y}" for y, m in gaps]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
    return f"{joined} saknas"


def series_warnings(checks: pd.DataFrame, series: pd.DataFrame, period: Period | None = None
                    ) -> dict[Key, list[str]]:
    """Plausibility warnings per series, in plain Swedish for a parenthesis after a sentence:
    {('hemtjanst', 'Totalt utförda timmar …', ''): ['brott i serien i juni 2017: …; jämförelsen är osäker']}.

    ``checks`` is a report's check frame (checks.run.checks_frame); a warning belongs to the series whose
    name its row starts with. With ``period``, only warnings on months the report compares (January–period
    month, this year and last) are kept."""
    out: dict[Key, list[str]] = {}
    if checks.empty or series.empty:
        return out
    names = {(str(t), series_name(str(s), str(r))): (str(t), str(s), str(r))
             for t, s, r in series[["tabell", "serie", "regi"]].drop_duplicates().itertuples(index=False)}
    hits = checks[checks["kontroll"].isin(PLAUSIBILITY_KINDS)]
    for c in hits.itertuples():
        name = str(c.rad).rsplit(" / ", 1)[0]
        key = names.get((str(c.tabell), name)) or names.get((str(c.tabell), str(c.rad)))
        if key is None:
            continue
        if period is not None and not _in_comparison(str(c.kolumn), period):
            continue
        text = warning_text(str(c.beskrivning))
        if text not in out.setdefault(key, []):
            out[key].append(text)
    return out


def _in_comparison(when: str, period: Period) -> bool:
    """'juni 2017' falls in the months a report on ``period`` compares."""
    parts = when.split(" ")
    if len(parts) != 2 or not parts[1].isdigit():
        return True   # a warning without a month concerns the whole series
    month, year = month_number(parts[0]), int(parts[1])
    return month is not None and year in (period.year - 1, period.year) and month <= period.month


def link_warnings(checks: pd.DataFrame, series: pd.DataFrame, period: Period, links) -> dict[str, list[str]]:
    """The same warnings per economy verksamhet whose volume/price explanation rests on a linked series
    (metadata ``[[koppling]]``: verksamhet, volymtabell, serie): {'Ordinärt boende': ['brott i serien i juni
    2017: …']}. Every regi of the linked series counts."""
    by_series = series_warnings(checks, series, period)
    out: dict[str, list[str]] = {}
    for link in links:
        for (tabell, serie, _regi), texts in by_series.items():
            if (tabell, serie) == (str(link.volymtabell), str(link.serie)):
                for text in texts:
                    if text not in out.setdefault(str(link.verksamhet), []):
                        out[str(link.verksamhet)].append(text)
    return out
