"""Interactive exploration as plain functions: a selection in, a table and a figure out. The
widget notebook (00_utforska) only wires widgets to these; they are tested like everything else."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from . import economy, style, tables, volumes  # noqa: E402
from .context import Run  # noqa: E402
from .metadata import load_metadata  # noqa: E402

VIEWS = ("Ekonomi", "Volymer")
UNITS = ("tkr", "mkr")


@dataclass(frozen=True)
class Selection:
    kommun: str
    vy: str = "Ekonomi"                 # Ekonomi | Volymer
    tabell: str | None = None           # economy table id
    matt: str = "Avvikelse perioden"    # an economy column (tables.ECONOMY_COLUMNS values)
    serie: tuple[str, str, str] | None = None  # (tabell, serie, regi) of a volume series
    ar: tuple[int, ...] = ()            # years to show (empty = all)
    regi: str | None = None             # filter the series list: intern, extern, totalt
    enhet: str = "tkr"                  # tkr | mkr
    jamfor: str | None = None           # a second municipality, side by side
    jamfor_serie: tuple[str, str, str] | None = None


@dataclass
class Workspace:
    """All municipalities' validated data, loaded once."""
    tidy: pd.DataFrame
    structure: pd.DataFrame
    runs: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Workspace":
        from .load import read_processed

        return cls(read_processed(), read_processed(what="struktur"))

    def kommuner(self) -> list[str]:
        return sorted(self.tidy["kommun"].unique())

    def run(self, kommun: str) -> Run:
        if kommun not in self.runs:
            meta = load_metadata(kommun)
            self.runs[kommun] = Run(kommun, meta.period, meta,
                                    self.tidy[self.tidy["kommun"] == kommun].reset_index(drop=True),
                                    self.structure[self.structure["kommun"] == kommun].reset_index(drop=True))
        return self.runs[kommun]

    # --- what can be chosen --------------------------------------------------------------------
    def economy_tables(self, kommun: str) -> list[str]:
        t = self.tidy[(self.tidy["kommun"] == kommun) & (self.tidy["dataset"] == "ekonomi")]
        return list(dict.fromkeys(t["tabell"]))

    def measures(self) -> list[str]:
        return list(tables.ECONOMY_COLUMNS.values())

    def series(self, kommun: str, regi: str | None = None) -> list[tuple[str, str, str]]:
        keys = volumes.series_keys(volumes.run_series(self.run(kommun)))
        return [k for k in keys if regi in (None, "", k[2])]

    def years(self, kommun: str) -> list[int]:
        s = volumes.run_series(self.run(kommun))
        return sorted(int(y) for y in s["ar"].unique()) if not s.empty else []

    def default(self, kommun: str | None = None) -> Selection:
        kommun = kommun or self.kommuner()[0]
        tabs = self.economy_tables(kommun)
        main = self.run(kommun).meta.huvudtabeller
        serie = (self.series(kommun) or [None])[0]
        return Selection(kommun=kommun, tabell=(main[0] if main else (tabs[0] if tabs else None)), serie=serie)


def _scale(df: pd.DataFrame, cols, enhet: str) -> pd.DataFrame:
    if enhet == "mkr":
        df = df.copy()
        for c in cols:
            df[c] = df[c] / 1000
    return df


def economy_selection_table(ws: Workspace, sel: Selection) -> pd.DataFrame:
    """The chosen economy table per verksamhet, in tkr or mkr."""
    run = ws.run(sel.kommun)
    out, cols = tables.economy_frame(economy.reconciled_table(run, [sel.tabell] if sel.tabell else None))
    money = [tables.ECONOMY_COLUMNS[c] for c in cols if c != "avvikelse_procent"]
    return _scale(out, money, sel.enhet).reset_index(drop=True)


def volume_selection_table(ws: Workspace, kommun: str, serie, years: tuple[int, ...] = ()) -> pd.DataFrame:
    """Months × years for the chosen series (outcome), raw figures."""
    s = volumes.run_series(ws.run(kommun))
    if serie is None or s.empty:
        return pd.DataFrame()
    t, name, regi = serie
    sub = s[(s["tabell"] == t) & (s["serie"] == name) & (s["regi"] == regi) & (s["slag"] == "utfall")]
    if years:
        sub = sub[sub["ar"].isin(years)]
    wide = sub.pivot_table(index="manad", columns="ar", values="varde", aggfunc="first")
    wide.index = [volumes.MONTH_NAMES[int(m) - 1] for m in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index(names="Månad")


def selection_table(ws: Workspace, sel: Selection) -> pd.DataFrame:
    if sel.vy == "Ekonomi":
        return economy_selection_table(ws, sel)
    table = volume_selection_table(ws, sel.kommun, sel.serie, sel.ar)
    if sel.jamfor and sel.jamfor_serie:
        other = volume_selection_table(ws, sel.jamfor, sel.jamfor_serie, sel.ar)
        table = table.merge(other, on="Månad", how="outer", suffixes=(f" {sel.kommun}", f" {sel.jamfor}"))
    return table


def selection_figure(ws: Workspace, sel: Selection):
    """(figure, alt text) for the selection; two panels side by side in comparison mode."""
    style.apply()
    if sel.vy == "Ekonomi":
        t = economy_selection_table(ws, sel)
        t = t[t["radtyp"] == "post"]
        if sel.matt not in t or t[sel.matt].isna().all():
            fig, ax = plt.subplots(figsize=(8, 2))
            ax.axis("off")
            ax.text(0, 0.5, f"Måttet '{sel.matt}' finns inte i den här tabellen.")
            return fig, f"Ingen data för {sel.matt}."
        s = t.set_index("Verksamhet")[sel.matt].dropna().sort_values()
        unit = "%" if sel.matt.endswith("%") else sel.enhet
        from .charts import deviation_chart
        fig, alt = deviation_chart(s, f"{sel.matt} per verksamhet, {ws.run(sel.kommun).meta.namn}", unit)
        return fig, alt
    panels = [(sel.kommun, sel.serie)] + ([(sel.jamfor, sel.jamfor_serie)] if sel.jamfor and sel.jamfor_serie else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(8 * len(panels) / (1.4 if len(panels) > 1 else 1), 4.2), squeeze=False)
    for ax, (kommun, serie) in zip(axes[0], panels):
        s = volumes.run_series(ws.run(kommun))
        if serie is None or s.empty:
            ax.axis("off")
            ax.text(0, 0.5, f"{ws.run(kommun).meta.namn} har inga månadsvolymer.")
            continue
        t, name, regi = serie
        sub = s[(s["tabell"] == t) & (s["serie"] == name) & (s["regi"] == regi) & (s["slag"] == "utfall")]
        for y in sorted(sub["ar"].unique()):
            if sel.ar and y not in sel.ar:
                continue
            g = sub[sub["ar"] == y].sort_values("manad")
            ax.plot(g["manad"], g["varde"], marker="o", markersize=3, color=style.year_colour(y), label=str(y))
        ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
        ax.yaxis.set_major_formatter(style.thousands())
        ax.set_ylabel(sub["enhet"].iat[0] if len(sub) else "")
        ax.set_title(f"{ws.run(kommun).meta.namn}: {name}{f' ({regi})' if regi else ''}"[:70], fontsize=10)
        ax.legend()
    names = " och ".join(ws.run(k).meta.namn for k, _ in panels)
    return fig, f"Linjediagram per månad och år för vald volymserie, {names}."


def export_selection(ws: Workspace, sel: Selection, folder) -> str:
    """Write the current table to xlsx under reports/utforskning/ and return the path."""
    from pathlib import Path

    table = selection_table(ws, sel)
    money = "tkr" if (sel.vy == "Ekonomi" and sel.enhet == "tkr") else "tal"
    name = f"{sel.kommun}_{(sel.tabell if sel.vy == 'Ekonomi' else (sel.serie[0] if sel.serie else 'volymer'))}"
    t = tables.auto_table(name, f"Utforskning: {ws.run(sel.kommun).meta.namn}, {sel.vy.lower()} ({sel.enhet})", table, money)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.xlsx"
    from .build import atomic_write

    atomic_write(path, t._xlsx)
    return str(path)


def with_changes(sel: Selection, **changes) -> Selection:
    return replace(sel, **changes)
