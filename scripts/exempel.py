#!/usr/bin/env python3
"""Generate data/raw/exempel/: an honest synthetic demo municipality for monthly follow-up (2017-01 … 2017-12).

What is published and taken as is: Lomma's Delårsrapport August 2017 (data/raw/lomma/) gives per area (LSS, HVO,
IFO) the budget and outcome for January–August, the full-year budget and the August forecast (drift_*.csv), and its
text gives the deviation per verksamhet for the period and the full-year forecast (avvikelser_text.csv). The script
reads those files and reproduces every one of those figures exactly.

What is synthetic: how an area's budget is split between its verksamheter, months and accounts, the spread of the
outcome over months and accounts, everything after August, the forecasts of the other months and all volumes. They
are drawn with numpy.random.default_rng(2017) from the constants below and documented in the datalogg.md this script
writes. Monthly volume profiles are Södertälje's published 2016 hours (data/raw/sodertalje/), normalised to shares.

Usage:  .venv/bin/python scripts/exempel.py [output folder]      (default data/raw/exempel)

The output folder is written to a temporary sibling folder and then swapped in as a whole, so it never holds a mix
of old and new files. The same inputs always give byte-identical files.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sie_writer import write_sie  # scripts/sie_writer.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
LOMMA = ROOT / "data" / "raw" / "lomma"
SODERTALJE = ROOT / "data" / "raw" / "sodertalje"
DEFAULT_OUT = ROOT / "data" / "raw" / "exempel"

SEED = 2017
YEAR = 2017
REPORT_MONTH = 8                     # Lomma's published report covers January–August
AREAS = ("LSS", "HVO", "IFO")
AREA_FILES = {"LSS": "drift_lss.csv", "HVO": "drift_hvo.csv", "IFO": "drift_ifo.csv"}
TEXT_FILE = "avvikelser_text.csv"
ORE = 100                            # all amounts are integers in öre (1 kr = 100 öre)
TKR = 1000 * ORE

ACCOUNTS = {
    "1930": "Bank",
    "2440": "Leverantörsskulder",
    "3010": "Avgifter och ersättningar",
    "3500": "Bidrag",
    "4010": "Inköp av material och varor",
    "5010": "Löner",
    "5410": "Sociala avgifter",
    "6110": "Lokalhyror",
    "7010": "Köp av verksamhet",
    "7410": "Försörjningsstöd",
    "8400": "Räntekostnader",
}
RESULT_CLASSES = ("3", "4", "5", "6", "7")
BALANCE_ACCOUNTS = ("1930", "2440")

# Gross cost per account (shares of the verksamhet's gross cost), by kind of verksamhet.
COST_MIX = {
    "egen regi": {"4010": 0.04, "5010": 0.57, "5410": 0.23, "6110": 0.10, "7010": 0.06},
    "blandad": {"4010": 0.03, "5010": 0.48, "5410": 0.19, "6110": 0.14, "7010": 0.16},
    "köpt": {"4010": 0.01, "5010": 0.08, "5410": 0.03, "6110": 0.01, "7010": 0.87},
    "familjehem": {"4010": 0.02, "5010": 0.28, "5410": 0.08, "7010": 0.62},
    "bistånd": {"4010": 0.01, "5010": 0.06, "5410": 0.02, "6110": 0.01, "7410": 0.90},
    "integration": {"4010": 0.03, "5010": 0.35, "5410": 0.14, "6110": 0.12, "7010": 0.26, "7410": 0.10},
    "övrigt": {"4010": 0.05, "5010": 0.55, "5410": 0.22, "6110": 0.08, "7010": 0.10},
}


@dataclass(frozen=True)
class Unit:
    """One verksamhet = one object (kostnadsställe) in dimension 1."""

    name: str
    area: str
    obj: str
    budget_share: float                       # share of the area's full-year budget
    period_share: float                       # first guess of Jan–Aug budget / full-year budget (then scaled)
    text_rows: tuple[tuple[str, str], ...]    # (verksamhet, overordnad) rows of lomma/avvikelser_text.csv
    mix: str                                  # key of COST_MIX
    income_ratio: float                       # income / gross cost
    income_split: tuple[tuple[str, float], ...]
    better: str                               # controller's comment when the forecast is better than budget
    worse: str                                # … and when it is worse


UNITS = (
    Unit("Personlig assistans", "LSS", "410", 0.30, 0.664,
         (("Personlig assistans, SFB", "LSS"), ("Personlig assistans, LSS", "LSS")), "egen regi", 0.12,
         (("3010", 0.8), ("3500", 0.2)),
         "Färre beviljade assistanstimmar enligt LSS än budgeterat.",
         "Högre kostnader för assistans enligt SFB än budgeterat."),
    Unit("Boende LSS", "LSS", "411", 0.42, 0.660, (("Boende", "LSS"),), "blandad", 0.10, (("3010", 1.0),),
         "Lägre behov av externa platser för gymnasieungdomar.",
         "Fler externa platser för gymnasieungdomar under hösten."),
    Unit("Daglig verksamhet", "LSS", "412", 0.16, 0.655, (("Daglig verksamhet", "LSS"),), "egen regi", 0.05,
         (("3500", 1.0),),
         "Lägre behov av extern daglig verksamhet och lägre personalkostnader i egen regi.",
         "Behovet av extern daglig verksamhet ökar under hösten."),
    Unit("Övriga verksamheter LSS", "LSS", "413", 0.12, 0.668, (("Övriga verksamheter", "LSS"),), "övrigt", 0.06,
         (("3010", 1.0),),
         "Lägre kostnader för ledsagarservice och kontaktpersoner.",
         "Ökade kostnader för korttidstillsyn och avlösarservice."),
    Unit("Hemtjänst", "HVO", "510", 0.28, 0.658, (("Hemtjänst", "HVO"),), "blandad", 0.08, (("3010", 1.0),),
         "Färre utförda hemtjänsttimmar än budgeterat.",
         "Fler beviljade hemtjänsttimmar än budgeterat."),
    Unit("Vårdboende", "HVO", "511", 0.45, 0.655, (("Vårdboende", "HVO"),), "blandad", 0.14, (("3010", 1.0),),
         "Färre köpta externa platser och lägre personalkostnader.",
         "Fler köpta externa platser än budgeterat."),
    Unit("Korttidsvistelse", "HVO", "512", 0.06, 0.660, (("Korttidsvistelse", "HVO"),), "egen regi", 0.06,
         (("3010", 1.0),),
         "Lägre personalkostnader efter pensionsavgångar.",
         "Högre beläggning och ökade personalkostnader."),
    Unit("HSL", "HVO", "513", 0.11, 0.652, (("HSL", "HVO"),), "egen regi", 0.05, (("3500", 1.0),),
         "Vakanta sjukskötersketjänster som inte har gått att tillsätta.",
         "Inhyrda sjuksköterskor för att täcka vakanser och sjukfrånvaro."),
    Unit("Övriga verksamheter HVO", "HVO", "514", 0.10, 0.661, (("Övriga verksamheter", "HVO"),), "övrigt", 0.07,
         (("3500", 1.0),),
         "Avsatta medel för volymökningar och vakanta tjänster inom administration och myndighet.",
         "Ökade kostnader för administration och myndighetsutövning."),
    Unit("Externa placeringar", "IFO", "610", 0.22, 0.650, (("Externa placeringar", "IFO"),), "köpt", 0.06,
         (("3010", 1.0),),
         "Färre vuxenplaceringar än budgeterat.",
         "Fler placeringar än budgeterat under hösten."),
    Unit("Familjehemsplaceringar", "IFO", "611", 0.16, 0.655, (("Familjehemsplaceringar", "IFO"),), "familjehem",
         0.05, (("3500", 1.0),),
         "Färre placeringar i konsulentstödda familjehem än budgeterat.",
         "Två barn utöver budget i konsulentstödda familjehem."),
    Unit("Försörjningsstöd", "IFO", "612", 0.14, 0.662, (("Försörjningsstöd", "IFO"),), "bistånd", 0.05,
         (("3010", 1.0),),
         "Färre hushåll med försörjningsstöd än budgeterat.",
         "Fler hushåll med behov av försörjningsstöd än budgeterat."),
    Unit("Öppenvård och psykiatri", "IFO", "613", 0.18, 0.658, (("Öppenvård och psykiatri", "IFO"),), "egen regi",
         0.08, (("3500", 1.0),),
         "Tillfälliga vakanser i öppenvården.",
         "Ökade kostnader för extern öppenvård."),
    Unit("Övriga verksamheter IFO", "IFO", "614", 0.10, 0.660, (("Övriga verksamheter, IFO", "IFO"),), "övrigt",
         0.06, (("3500", 1.0),),
         "Lägre kostnader för öppna insatser.",
         "Ökat behov av extern öppenvård för barn."),
    Unit("Integrationsverksamheten", "IFO", "615", 0.20, 0.650, (("Integrationsverksamheten", "IFO"),),
         "integration", 0.15, (("3500", 0.85), ("3010", 0.15)),
         "Högre beläggning än budgeterat på HVB i egen regi.",
         "Lägre statsbidrag från Migrationsverket och ökat ekonomiskt bistånd."),
)

# Lomma's text: IFO's parts add up to 458 tkr for the period, the table says 457 (rounding). The 1 tkr is put on
# "Övriga verksamheter IFO" (-58 -> -59) so that the verksamheter add up to the published table.
PERIOD_ROUNDING = {"Övriga verksamheter IFO": -1}

# Monthly weights. Budget: flat with a lower July; outcome: a little lower in February and July (holidays), higher
# in June (holiday pay) and December (year-end accruals); both get noise.
BUDGET_WEIGHTS_JAN_AUG = (1.0, 1.0, 1.0, 1.0, 1.0, 1.04, 0.88, 1.0)
BUDGET_WEIGHTS_SEP_DEC = (1.0, 1.0, 1.0, 1.04)
OUTCOME_WEIGHTS_JAN_AUG = (1.00, 0.95, 1.03, 0.98, 1.02, 1.08, 0.80, 0.97)
OUTCOME_WEIGHTS_SEP_DEC = (0.98, 1.02, 1.00, 1.12)
MONTH_NOISE = 0.025                  # relative noise of a month's weight
ACCOUNT_NOISE = 0.03                 # relative noise of an account's share in a month
INCOME_NOISE = 0.06                  # relative noise of the month's income ratio
EPS_KR = 180.0                       # per-verksamhet öre-level noise on the Jan–Aug outcome (±kr, before centring)
AREA_EPS_KR = 300.0                  # area total may differ from the published tkr by up to this (still rounds)
FINAL_DIFF = (0.01, 0.04)            # |December outcome / August forecast - 1|, random sign per verksamhet
# Forecast path: share of the August deviation reached in January … July, and share of the way from the August
# forecast to the final outcome reached in September … December.
FORECAST_TO_AUGUST = (0.05, 0.15, 0.30, 0.45, 0.60, 0.75, 0.90)
FORECAST_TO_FINAL = (0.30, 0.55, 0.80, 0.95)
INTEREST = {"411": 6_450 * ORE, "511": 18_200 * ORE}       # 8400 Räntekostnader per month (internränta)
PAYABLES_NOISE_KR = 250_000.0                               # sd of the monthly change of 2440
# One late invoice: in the 2017-04 export an April invoice for Externa placeringar had not been registered yet; it
# was booked in May with April's date, so April in every later folder includes it.
CORRECTION = {"folder": 4, "month": 4, "account": "7010", "obj": "610", "amount": 184_350 * ORE,
              "counter_account": "2440"}
GAP = {"manad": "2017-06", "insats": "Hemtjänst", "regi": "extern", "kolumn": "timmar"}

VOLUME_COLUMNS = ("beslut", "timmar", "dygn", "platser", "brukare")
MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
               "november", "december")

METADATA = """\
# Exempelkommun – SYNTETISK demokommun för månadsuppföljning (inte en riktig kommun).
# Genereras av scripts/exempel.py ur Lommas publicerade siffror; ändra inte för hand (se datalogg.md).
id = "exempel"
namn = "Exempelkommun (syntetisk)"
syntetisk = true                    # påhittad: index.html visar den för sig, märkt syntetisk
kommunkod = "0000"                  # ingen riktig kommunkod
namnder = ["Socialnämnden"]
kostnadstecken = "minus"            # prognos.csv: kostnader och netto med minustecken (som Lomma)
rapporttyp = "Månadsrapport"
huvudtabeller = ["huvudbok"]        # nämndens ekonomi kommer ur huvudbokens SIE-export i månadsmapparna

[sie]
dimension = 1                       # dimension 1 "Verksamhet" bär verksamheten (kostnadsställe)
objekt = "sie_objekt.csv"           # objekt;verksamhet;overordnad
intakter = ["3"]
kostnader = ["4", "5", "6", "7"]
exkludera = ["1", "2", "8"]         # bank, leverantörsskulder och räntekostnader ingår inte i nämndens resultat

[[koppling]]                        # hemtjänstens kostnad följer de utförda timmarna
tabell = "huvudbok"
verksamhet = "Hemtjänst"
volymtabell = "verksamhetssystem"
serie = "Hemtjänst, timmar"
"""


# --------------------------------------------------------------------------------------------------
# Published input
# --------------------------------------------------------------------------------------------------

def parse_number(text: str) -> int | None:
    """A published whole number as written in data/raw ('-1 282', '−1 282', '1563'); blank or '-' is None."""
    t = text.strip().replace("\u2212", "-").replace("\u2013", "-")
    for space in (" ", "\u00a0", "\u202f"):
        t = t.replace(space, "")
    if t in ("", "-", ".."):
        return None
    return int(t)


@dataclass(frozen=True)
class AreaFigures:
    """One row of Lomma's drift_*.csv (tkr, costs negative)."""

    area: str
    file: str
    line: int
    budget_period: int
    outcome_period: int
    deviation_period: int
    budget_year: int
    forecast_year: int
    deviation_year: int


@dataclass(frozen=True)
class TextRow:
    label: str
    parent: str
    line: int
    period: int
    year: int


def read_area(area: str, lomma: Path = LOMMA) -> AreaFigures:
    path = lomma / AREA_FILES[area]
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        for row in reader:
            if row["verksamhet"] == area and row["radtyp"] == "post":
                return AreaFigures(
                    area, path.name, reader.line_num,
                    parse_number(row["UTFALL Budget"]), parse_number(row["UTFALL Utfall"]),
                    parse_number(row["UTFALL Avvikelse"]), parse_number(row["PROGNOS Budget"]),
                    parse_number(row["PROGNOS Prognos"]), parse_number(row["PROGNOS Avvikelse"]))
    raise ValueError(f"{path}: ingen rad för {area}")


def read_text_rows(lomma: Path = LOMMA) -> dict[tuple[str, str], tuple[int, str, str]]:
    path = lomma / TEXT_FILE
    rows = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        for row in reader:
            key = (row["verksamhet"], row["overordnad"])
            rows[key] = (reader.line_num, row["Avvikelse perioden"], row["Avvikelse helårsprognos"])
    return rows


def text_row(rows: dict, key: tuple[str, str]) -> TextRow:
    """One row of avvikelser_text.csv with both deviations as exact whole tkr (a "ca" value is refused)."""
    line, period, year = rows[key]
    values = []
    for raw in (period, year):
        try:
            values.append(parse_number(raw or ""))
        except ValueError:
            values.append(None)
    if None in values:
        raise ValueError(f"{TEXT_FILE} rad {line}: {key[0]} saknar ett exakt belopp ({period!r}, {year!r})")
    return TextRow(key[0], key[1], line, *values)


def sodertalje_profile(file: str, rad: str = "Utfall 2016") -> tuple[float, ...]:
    """Södertälje's published monthly hours for one year, as shares of the year (sum 1)."""
    path = SODERTALJE / file
    months = ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            if row["rad"] == rad:
                values = [parse_number(row[m]) for m in months]
                total = sum(values)
                return tuple(v / total for v in values)
    raise ValueError(f"{path}: ingen rad '{rad}'")


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------

def split(total: int, weights) -> list[int]:
    """Integer parts of ``total`` proportional to ``weights``; the last part takes the rounding."""
    w = np.asarray(weights, dtype=float)
    parts = [int(round(float(x))) for x in total * w / w.sum()]
    parts[-1] += total - sum(parts)
    return parts


def account_split(net: int, unit: Unit, rng: np.random.Generator | None) -> dict[str, int]:
    """A month's net cost (öre, cost positive) of one verksamhet split over accounts (SIE signs: income negative).
    Without ``rng`` the shares are exact (budget); with it they get noise (outcome)."""
    mix = COST_MIX[unit.mix]
    ratio = unit.income_ratio / (1 - unit.income_ratio)
    cost_weights = np.array(list(mix.values()))
    if rng is not None:
        ratio *= 1 + rng.normal(0, INCOME_NOISE)
        cost_weights = cost_weights * (1 + rng.normal(0, ACCOUNT_NOISE, len(cost_weights)))
    unit_size = ORE if rng is None else 1          # the budget is in whole kronor
    income = int(round(net * ratio / unit_size)) * unit_size
    gross = net + income
    costs = [p * unit_size for p in split(gross // unit_size, cost_weights)]
    incomes = [p * unit_size for p in split(income // unit_size, [s for _, s in unit.income_split])]
    out = dict(zip(mix, costs, strict=True))
    for (account, _), amount in zip(unit.income_split, incomes, strict=True):
        out[account] = out.get(account, 0) - amount
    return out


@dataclass
class Model:
    areas: dict[str, AreaFigures]
    text: dict[str, tuple[int, int, list[TextRow]]]          # unit -> (period dev, forecast dev, source rows)
    budget_year: dict[str, int] = field(default_factory=dict)        # öre, cost positive
    budget_period: dict[str, int] = field(default_factory=dict)
    outcome_period: dict[str, int] = field(default_factory=dict)
    outcome_final: dict[str, int] = field(default_factory=dict)
    final_diff: dict[str, float] = field(default_factory=dict)
    budget_rows: dict[tuple[int, str, str], int] = field(default_factory=dict)   # (month, account, obj) -> öre
    actual_rows: dict[tuple[int, str, str], int] = field(default_factory=dict)   # final ledger; obj "" = no object
    forecasts: dict[int, dict[str, int]] = field(default_factory=dict)           # month -> unit -> tkr (negative)
    volumes: list[dict[str, str]] = field(default_factory=list)


def build_model(rng: np.random.Generator, lomma: Path = LOMMA) -> Model:
    areas = {a: read_area(a, lomma) for a in AREAS}
    text_rows = read_text_rows(lomma)
    text = {}
    for u in UNITS:
        rows = [text_row(text_rows, key) for key in u.text_rows]
        text[u.name] = (sum(r.period for r in rows) + PERIOD_ROUNDING.get(u.name, 0), sum(r.year for r in rows), rows)
    for a, fig in areas.items():
        units = [u for u in UNITS if u.area == a]
        problems = []
        if fig.outcome_period - fig.budget_period != fig.deviation_period:
            problems.append("periodens avvikelse")
        if fig.forecast_year - fig.budget_year != fig.deviation_year:
            problems.append("prognosavvikelsen")
        if sum(text[u.name][0] for u in units) != fig.deviation_period:
            problems.append("textens periodavvikelser")
        if sum(text[u.name][1] for u in units) != fig.deviation_year:
            problems.append("textens prognosavvikelser")
        if problems:
            raise ValueError(f"{a}: {', '.join(problems)} stämmer inte med {fig.file}")
    m = Model(areas, text)

    # Full-year budget (whole tkr) and Jan–Aug budget (whole kr) per verksamhet; area totals exactly as published.
    for a, fig in areas.items():
        units = [u for u in UNITS if u.area == a]
        largest = max(range(len(units)), key=lambda i: units[i].budget_share)
        year_tkr = [int(round(-fig.budget_year * u.budget_share)) for u in units]
        year_tkr[largest] += -fig.budget_year - sum(year_tkr)
        raw = [t * 1000 * u.period_share for t, u in zip(year_tkr, units, strict=True)]
        scale = -fig.budget_period * 1000 / sum(raw)
        period_kr = [int(round(r * scale)) for r in raw]
        period_kr[largest] += -fig.budget_period * 1000 - sum(period_kr)
        for u, t, p in zip(units, year_tkr, period_kr, strict=True):
            m.budget_year[u.name] = t * TKR
            m.budget_period[u.name] = p * ORE

    # Jan–Aug outcome = Jan–Aug budget - text deviation + öre-level noise (|noise| < 500 kr, so the deviation still
    # rounds to the text's tkr; the area's noise sums to less than 500 kr, so the area rounds to the table).
    for a in AREAS:
        units = [u for u in UNITS if u.area == a]
        n = len(units)
        delta = rng.uniform(-EPS_KR, EPS_KR, n)
        area_eps = rng.uniform(-AREA_EPS_KR, AREA_EPS_KR)
        eps = [int(round((d - delta.mean() + area_eps / n) * ORE)) for d in delta]
        eps[-1] += int(round(area_eps * ORE)) - sum(eps)
        if max(abs(e) for e in eps) >= 490 * ORE or abs(sum(eps)) >= 490 * ORE:
            raise RuntimeError("brus för stort")
        for u, e in zip(units, eps, strict=True):
            m.outcome_period[u.name] = m.budget_period[u.name] - text[u.name][0] * TKR + e

    # Final outcome: the August forecast off by a few percent.
    for u in UNITS:
        forecast_cost = m.budget_year[u.name] - text[u.name][1] * TKR
        diff = float(rng.uniform(*FINAL_DIFF)) * float(rng.choice([-1.0, 1.0]))
        m.final_diff[u.name] = diff
        m.outcome_final[u.name] = int(round(forecast_cost * (1 + diff)))

    # Months and accounts.
    for u in UNITS:
        budget_months = (split(m.budget_period[u.name] // ORE, BUDGET_WEIGHTS_JAN_AUG)
                         + split((m.budget_year[u.name] - m.budget_period[u.name]) // ORE, BUDGET_WEIGHTS_SEP_DEC))
        w1 = np.array(OUTCOME_WEIGHTS_JAN_AUG) * (1 + rng.normal(0, MONTH_NOISE, 8))
        w2 = np.array(OUTCOME_WEIGHTS_SEP_DEC) * (1 + rng.normal(0, MONTH_NOISE, 4))
        actual_months = (split(m.outcome_period[u.name], w1)
                         + split(m.outcome_final[u.name] - m.outcome_period[u.name], w2))
        for month in range(1, 13):
            for account, amount in account_split(budget_months[month - 1] * ORE, u, None).items():
                m.budget_rows[(month, account, u.obj)] = amount
            for account, amount in account_split(actual_months[month - 1], u, rng).items():
                m.actual_rows[(month, account, u.obj)] = amount
    for month in range(1, 13):
        for obj, amount in INTEREST.items():
            m.actual_rows[(month, "8400", obj)] = amount
        total = sum(v for (mm, _, _), v in m.actual_rows.items() if mm == month)
        payables = -int(round(rng.normal(0, PAYABLES_NOISE_KR) * ORE))
        m.actual_rows[(month, "2440", "")] = payables
        m.actual_rows[(month, "1930", "")] = -total - payables

    # Forecasts (tkr, costs negative): near budget in January, the published figure in August, then towards the
    # final outcome. Deviations other than August's are rounded to 10 tkr, as a controller would.
    for month in range(1, 13):
        m.forecasts[month] = {}
    for u in UNITS:
        budget_tkr = m.budget_year[u.name] // TKR
        dev_aug = text[u.name][1]
        dev_final = (m.budget_year[u.name] - m.outcome_final[u.name]) / TKR
        for month in range(1, 13):
            if month < REPORT_MONTH:
                sd = 0.08 * abs(dev_aug) + 0.002 * budget_tkr
                dev = int(round((dev_aug * FORECAST_TO_AUGUST[month - 1] + rng.normal(0, sd)) / 10)) * 10
            elif month == REPORT_MONTH:
                dev = dev_aug
            else:
                share = FORECAST_TO_FINAL[month - REPORT_MONTH - 1]
                sd = 0.05 * abs(dev_final - dev_aug) + 0.001 * budget_tkr
                dev = int(round((dev_aug + (dev_final - dev_aug) * share + rng.normal(0, sd)) / 10)) * 10
            m.forecasts[month][u.name] = -budget_tkr + dev

    m.volumes = build_volumes(rng)
    return m


def comment(u: Unit, month: int, forecast_tkr: int, budget_tkr: int) -> str:
    """The controller's short comment on a verksamhet's full-year forecast (Swedish)."""
    dev = forecast_tkr - budget_tkr                  # both negative for costs: positive = better
    threshold = max(50, round(0.005 * abs(budget_tkr)))
    if abs(dev) < threshold:
        text = ("Prognosen ligger i nivå med budget. För tidigt på året för att se några större avvikelser."
                if month == 1 else "Prognosen ligger i nivå med budget.")
    else:
        text = u.better if dev > 0 else u.worse
    return ("Bokslutsprognos. " + text) if month == 12 else text


# --------------------------------------------------------------------------------------------------
# Volumes (the case system's monthly figures)
# --------------------------------------------------------------------------------------------------

# Counts per month for 2016 and 2017 (synthetic; they follow the story in Lomma's text where there is one).
COUNTS = {
    ("Personlig assistans", "totalt", "brukare"): [11] * 12 + [11, 11, 11, 11, 10, 10, 10, 10, 10, 11, 11, 11],
    ("Boende LSS", "intern", "platser"): [18] * 24,
    ("Boende LSS", "extern", "platser"): [4] * 12 + [3] * 8 + [4] * 4,
    ("Vårdboende", "intern", "platser"): [112] * 24,
    ("Vårdboende", "extern", "platser"): [8, 8, 9, 9, 8, 8, 7, 7, 8, 8, 8, 8, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6],
    ("Externa placeringar", "extern", "placeringar"): [7, 7, 7, 8, 8, 7, 7, 6, 6, 7, 7, 7,
                                                       6, 6, 5, 5, 5, 6, 6, 6, 9, 10, 11, 11],
    ("Familjehemsplaceringar", "intern", "brukare"): [13, 13, 14, 14, 14, 14, 14, 13, 13, 14, 14, 14,
                                                      14, 14, 14, 13, 13, 14, 14, 14, 14, 14, 13, 13],
    ("Familjehemsplaceringar", "extern", "brukare"): [4] * 12 + [5, 6, 6, 6, 7, 7, 6, 6, 6, 6, 6, 6],
}
# Yearly hours (2016, 2017), spread with Södertälje's 2016 monthly profile.
HOURS = {
    ("Hemtjänst", "intern"): (67_200, 65_400, "volymer_hemtjanst.csv"),
    ("Hemtjänst", "extern"): (19_800, 20_400, "volymer_hemtjanst.csv"),
    ("Personlig assistans", "totalt"): (42_000, 40_800, "volymer_personlig_assistans_lss.csv"),
}
DECISIONS_START = {("Hemtjänst", "intern"): (236, 4), ("Hemtjänst", "extern"): (70, 2)}   # start, max step
VOLUME_SERIES = (
    ("Hemtjänst", "intern", ("beslut", "timmar")),
    ("Hemtjänst", "extern", ("beslut", "timmar")),
    ("Personlig assistans", "totalt", ("timmar", "brukare")),
    ("Boende LSS", "intern", ("platser",)),
    ("Boende LSS", "extern", ("platser",)),
    ("Vårdboende", "intern", ("platser",)),
    ("Vårdboende", "extern", ("platser",)),
    ("Externa placeringar", "extern", ("dygn",)),
    ("Familjehemsplaceringar", "intern", ("dygn", "brukare")),
    ("Familjehemsplaceringar", "extern", ("dygn", "brukare")),
)


def build_volumes(rng: np.random.Generator) -> list[dict[str, str]]:
    months = [(y, mo) for y in (YEAR - 1, YEAR) for mo in range(1, 13)]
    values: dict[tuple[str, str, str], list[int]] = {}
    for (insats, regi), (h2016, h2017, file) in HOURS.items():
        profile = sodertalje_profile(file)
        values[(insats, regi, "timmar")] = [
            int(round(level * profile[mo - 1] * (1 + rng.normal(0, 0.015))))
            for level in (h2016, h2017) for mo in range(1, 13)]
    for (insats, regi), (start, step) in DECISIONS_START.items():
        walk, current = [], start
        for _ in months:
            current += int(rng.integers(-step, step + 1))
            walk.append(current)
        values[(insats, regi, "beslut")] = walk
    for key, counts in COUNTS.items():
        insats, regi, what = key
        if what != "placeringar":
            values[key] = list(counts)
    for insats, regi in (("Externa placeringar", "extern"), ("Familjehemsplaceringar", "intern"),
                         ("Familjehemsplaceringar", "extern")):
        counts = COUNTS.get((insats, regi, "placeringar")) or COUNTS[(insats, regi, "brukare")]
        # Placements that start or end during the month: a few days fewer than count × days.
        values[(insats, regi, "dygn")] = [
            c * calendar.monthrange(y, mo)[1] - int(rng.integers(0, 2 * c + 1))
            for c, (y, mo) in zip(counts, months, strict=True)]
    rows = []
    for i, (y, mo) in enumerate(months):
        manad = f"{y}-{mo:02d}"
        for insats, regi, columns in VOLUME_SERIES:
            row = {"manad": manad, "insats": insats, "regi": regi}
            for col in VOLUME_COLUMNS:
                row[col] = str(values[(insats, regi, col)][i]) if col in columns else ""
            if (manad, insats, regi) == (GAP["manad"], GAP["insats"], GAP["regi"]):
                row[GAP["kolumn"]] = ""
            rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------

def _kr(ore: int) -> float:
    return ore / ORE


def ledger_for_folder(m: Model, folder: int) -> dict[tuple[int, str, str], int]:
    """The ledger as exported at the end of month ``folder``: months 1..folder, with the late invoice missing from
    the 2017-04 export."""
    rows = {k: v for k, v in m.actual_rows.items() if k[0] <= folder}
    c = CORRECTION
    if folder == c["folder"]:
        rows[(c["month"], c["account"], c["obj"])] -= c["amount"]
        rows[(c["month"], c["counter_account"], "")] += c["amount"]
    return rows


def period_records(rows: dict[tuple[int, str, str], int]) -> list[tuple]:
    """#PSALDO/#PBUDGET records: per month and account, one row per object and the account total {}."""
    out = []
    for month in sorted({k[0] for k in rows}):
        period = f"{YEAR}-{month:02d}"
        accounts = sorted({a for (mm, a, _) in rows if mm == month})
        for account in accounts:
            objs = sorted(o for (mm, a, o) in rows if mm == month and a == account and o)
            for obj in objs:
                out.append((0, period, account, ((1, obj),), _kr(rows[(month, account, obj)])))
            total = sum(rows[(month, account, o)] for o in objs) if objs else rows[(month, account, "")]
            out.append((0, period, account, (), _kr(total)))
    return out


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_folder(m: Model, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metadata.toml").write_bytes(METADATA.encode("utf-8"))
    write_csv(out / "sie_objekt.csv", ["objekt", "verksamhet", "overordnad"], [[u.obj, u.name, u.area] for u in UNITS])
    objects = {(1, u.obj): u.name for u in UNITS}
    budget = period_records(m.budget_rows)
    for folder in range(1, 13):
        d = out / f"{YEAR}-{folder:02d}"
        d.mkdir()
        generated = dt.date(YEAR + (folder == 12), folder % 12 + 1, 5)
        write_sie(d / "huvudbok.se", program="Exempelekonomi", program_version="2017.1",
                  fnamn="Exempelkommun (syntetisk)", orgnr="212000-0000",
                  fiscal_years={0: (f"{YEAR}0101", f"{YEAR}1231")}, accounts=ACCOUNTS,
                  dimensions={1: "Verksamhet"}, objects=objects,
                  psaldo=period_records(ledger_for_folder(m, folder)), pbudget=budget, sie_type=3,
                  generated=generated)
        prognos = []
        for u in UNITS:
            forecast = m.forecasts[folder][u.name]
            prognos.append([u.name, str(forecast), comment(u, folder, forecast, -(m.budget_year[u.name] // TKR))])
        write_csv(d / "prognos.csv", ["verksamhet", "helarsprognos", "kommentar"], prognos)
        wanted = {f"{YEAR - 1}-{mo:02d}" for mo in range(1, 13)} if folder == 1 else set()
        wanted.add(f"{YEAR}-{folder:02d}")
        header = ["manad", "insats", "regi", *VOLUME_COLUMNS]
        write_csv(d / "volymer.csv", header, [[r[c] for c in header] for r in m.volumes if r["manad"] in wanted])
    (out / "datalogg.md").write_bytes(datalogg(m).encode("utf-8"))


# --------------------------------------------------------------------------------------------------
# datalogg.md
# --------------------------------------------------------------------------------------------------

def _fmt(n: float, decimals: int = 0) -> str:
    text = f"{abs(n):,.{decimals}f}".replace(",", " ").replace(".", ",")
    return ("−" if round(n, decimals) < 0 else "") + text


def datalogg(m: Model) -> str:
    L: list[str] = []
    add = L.append
    add("# Datalogg – Exempelkommun (syntetisk)")
    add("")
    add("**Exempelkommunen finns inte.** Den är en syntetisk demokommun för månadsuppföljning januari–december "
        "2017, genererad av `scripts/exempel.py` (slumptal `numpy.random.default_rng(2017)`). Filerna skrivs om "
        "helt varje gång skriptet körs och blir byte för byte likadana; ändra dem inte för hand – ändra skriptet "
        "och kör `.venv/bin/python scripts/exempel.py`.")
    add("")
    add("Kommunen bygger på **Lomma kommuns Socialnämnd, Delårsrapport augusti 2017** (`data/raw/lomma/`, se "
        "Lommas `datalogg.md` för källdokumentet). Nedan står exakt vilka siffror som är publicerade och var de "
        "kommer ifrån, och hur allt annat är påhittat.")
    add("")
    add("## Filer")
    add("")
    add("| fil | innehåll |")
    add("|---|---|")
    add("| `metadata.toml` | kommunen, hur huvudboken läses (`[sie]`) och kopplingen hemtjänst ↔ timmar |")
    add("| `sie_objekt.csv` | objekt i dimension 1 → verksamhet och område (LSS, HVO, IFO) |")
    add("| `ÅÅÅÅ-MM/huvudbok.se` | huvudbokens SIE-export typ 3 (PC8) vid månadens slut: `#PSALDO` för "
        "månaderna 1 till och med mappens månad, `#PBUDGET` för hela året; per objekt och totalt per konto (`{}`) |")
    add("| `ÅÅÅÅ-MM/prognos.csv` | controllerns helårsprognos per verksamhet i tkr (kostnader med minustecken) "
        "och en kort kommentar |")
    add("| `ÅÅÅÅ-MM/volymer.csv` | verksamhetssystemets volymer för månaden; i `2017-01` även alla månader 2016 "
        "som historik |")
    add("")

    add("## Publicerat (Lomma) – återges exakt")
    add("")
    add("Per område, tkr, kostnader med minustecken, ur Lommas driftredovisningar:")
    add("")
    add("| område | fil och rad | budget jan–aug | utfall jan–aug | helårsbudget | prognos augusti |")
    add("|---|---|---:|---:|---:|---:|")
    for a in AREAS:
        f = m.areas[a]
        add(f"| {a} | `lomma/{f.file}` rad {f.line} | {_fmt(f.budget_period)} | {_fmt(f.outcome_period)} | "
            f"{_fmt(f.budget_year)} | {_fmt(f.forecast_year)} |")
    add("")
    add("Kolumnerna är `UTFALL Budget`, `UTFALL Utfall`, `PROGNOS Budget` och `PROGNOS Prognos`. I huvudboken blir "
        "summan av områdets objekt på resultatkontona (klass 3–7), delad med 1 000 och avrundad till hela tkr, "
        "exakt dessa tal: budgeten på kronan, utfallet inom några hundra kronor (öresbrus, se nedan).")
    add("")
    add(f"Per verksamhet, avvikelse i tkr (positiv = bättre än budget) ur Lommas löptext, `lomma/{TEXT_FILE}`:")
    add("")
    add("| verksamhet (här) | rad(er) i avvikelser_text.csv | avvikelse jan–aug | avvikelse helårsprognos |")
    add("|---|---|---:|---:|")
    for u in UNITS:
        period, year, rows = m.text[u.name]
        src = " + ".join(f"rad {r.line} \"{r.label}\" ({_fmt(r.period)} / {_fmt(r.year)})" for r in rows)
        note = " ¹" if u.name in PERIOD_ROUNDING else ""
        add(f"| {u.name} | {src} | {_fmt(period)}{note} | {_fmt(year)} |")
    add("")
    add("¹ IFO:s delar summerar i texten till 458 tkr för perioden medan tabellen och texten säger 457 tkr "
        "(avrundning, punkt 2 i Lommas datalogg). Den 1 tkr som skiljer har lagts på Övriga verksamheter IFO "
        "(−58 → **−59**) så att verksamheterna summerar till den publicerade tabellen.")
    add("")
    add("Övrigt om texten: Personlig assistans är Lommas två rader SFB och LSS ihop. LSS Övriga verksamheter "
        "helårsprognos står som \"300 kr\" i källan men avser tkr (punkt 1 i Lommas datalogg). "
        "Integrationsverksamheten är summaraden (−275 / −2 700); dess delrader används inte.")
    add("")

    add("## Genererat – hur")
    add("")
    add("### Budget per verksamhet")
    add("")
    add("Helårsbudgeten är en påhittad andel av områdets publicerade helårsbudget (hela tkr; den största "
        "verksamheten tar avrundningen). Budgeten januari–augusti är en andel av verksamhetens helårsbudget: en "
        "påhittad startandel som sedan skalas lika för hela området så att områdets summa blir exakt den "
        "publicerade (hela kronor; den största verksamheten tar avrundningen). Andelarna nedan är de som blev.")
    add("")
    add("| område | verksamhet | objekt | andel av områdets helårsbudget | helårsbudget tkr | "
        "andel jan–aug | budget jan–aug kr |")
    add("|---|---|---|---:|---:|---:|---:|")
    for u in UNITS:
        by, bp = m.budget_year[u.name], m.budget_period[u.name]
        add(f"| {u.area} | {u.name} | {u.obj} | {_fmt(u.budget_share * 100, 0)} % | {_fmt(-by / TKR)} | "
            f"{_fmt(bp / by * 100, 2)} % | {_fmt(-bp / ORE)} |")
    add("")
    add("### Utfall januari–augusti")
    add("")
    add("Utfall jan–aug = budget jan–aug − textens avvikelse + öresbrus. Bruset är under 500 kr per verksamhet "
        "(så att avvikelsen avrundad till tkr är textens) och summerar till under 500 kr per område (så att "
        "områdets utfall avrundat till tkr är tabellens).")
    add("")
    add("### Månader")
    add("")
    bw1 = ", ".join(_fmt(w, 2) for w in BUDGET_WEIGHTS_JAN_AUG)
    bw2 = ", ".join(_fmt(w, 2) for w in BUDGET_WEIGHTS_SEP_DEC)
    ow1 = ", ".join(_fmt(w, 2) for w in OUTCOME_WEIGHTS_JAN_AUG)
    ow2 = ", ".join(_fmt(w, 2) for w in OUTCOME_WEIGHTS_SEP_DEC)
    add(f"- **Budget per månad**: budget jan–aug fördelad på januari–augusti med vikterna {bw1} (lägre juli), "
        f"resten av helårsbudgeten på september–december med vikterna {bw2}. Hela kronor.")
    add(f"- **Utfall per månad**: utfall jan–aug fördelat med vikterna {ow1} (lägre februari och juli, "
        f"semesterlön i juni), september–december med {ow2} (bokslutsposter i december); varje vikt får "
        f"slumpbrus ±{_fmt(MONTH_NOISE * 100, 1)} % (standardavvikelse). Öre.")
    lo, hi = FINAL_DIFF
    add(f"- **Helårsutfall** (december) = augustiprognosen × (1 ± {_fmt(lo * 100, 0)}–{_fmt(hi * 100, 0)} %), "
        "slumpat tecken och storlek per verksamhet, så att prognossäkerheten går att följa upp. September–december "
        "är helårsutfallet minus utfallet jan–aug.")
    add("")
    add("### Konton")
    add("")
    add("Kommun-Bas-liknande konton. SIE-tecken: kostnader positiva (debet), intäkter negativa (kredit), kronor "
        "med ören. Varje verksamhets månadsnetto delas på kostnadskonton efter en kostnadsmix och intäkter som "
        "en andel av bruttokostnaden; utfallets andelar får slumpbrus "
        f"(±{_fmt(ACCOUNT_NOISE * 100, 0)} % per konto, ±{_fmt(INCOME_NOISE * 100, 0)} % på intäktsandelen), "
        "budgetens är exakta. Netto (kostnader − intäkter) är alltid verksamhetens belopp ovan.")
    add("")
    add("| konto | namn |")
    add("|---|---|")
    for number, name in ACCOUNTS.items():
        add(f"| {number} | {name} |")
    add("")
    add("| kostnadsmix | " + " | ".join(sorted({a for mix in COST_MIX.values() for a in mix})) + " |")
    accounts_in_mix = sorted({a for mix in COST_MIX.values() for a in mix})
    add("|---|" + "---:|" * len(accounts_in_mix))
    for key, mix in COST_MIX.items():
        add(f"| {key} | " + " | ".join(f"{_fmt(mix[a] * 100, 0)} %" if a in mix else "" for a in accounts_in_mix)
            + " |")
    add("")
    add("| verksamhet | kostnadsmix | intäkter av bruttokostnad | intäktskonton |")
    add("|---|---|---:|---|")
    for u in UNITS:
        inc = ", ".join(f"{a} ({_fmt(s * 100, 0)} %)" for a, s in u.income_split)
        add(f"| {u.name} | {u.mix} | {_fmt(u.income_ratio * 100, 0)} % | {inc} |")
    add("")
    interest = ", ".join(f"objekt {o} {_fmt(v / ORE)} kr" for o, v in INTEREST.items())
    add(f"Utanför nämndens resultat (`exkludera` i metadata.toml): 8400 Räntekostnader (internränta, {interest} "
        "per månad, ingen budget) och balanskontona 1930 Bank och 2440 Leverantörsskulder, som bara finns som "
        "totaler (`{}`) och anger **periodens förändring**. 2440 ändras slumpvis varje månad; 1930 tar resten, så "
        "att alla konton tillsammans summerar till 0 varje månad (dubbel bokföring).")
    add("")
    c = CORRECTION
    add("### Sen faktura (medveten ändring av historiken)")
    add("")
    add(f"I exporten `{YEAR}-{c['folder']:02d}` saknas en faktura för Externa placeringar (objekt {c['obj']}, konto "
        f"{c['account']} Köp av verksamhet) på **{_fmt(c['amount'] / ORE, 2)} kr**. Den bokfördes i maj med "
        f"{MONTH_NAMES[c['month'] - 1]}s datum, så {MONTH_NAMES[c['month'] - 1]}s `#PSALDO` för {c['account']} "
        f"(objekt {c['obj']} och totalen) är så mycket högre i alla senare mappar, och {c['counter_account']} "
        "Leverantörsskulder lika mycket lägre. Alla andra månadssaldon är desamma i varje senare mapp: huvudboken "
        "skriver inte om historiken.")
    add("")
    add("### Prognoser")
    add("")
    g = ", ".join(_fmt(x * 100, 0) for x in FORECAST_TO_AUGUST)
    h = ", ".join(_fmt(x * 100, 0) for x in FORECAST_TO_FINAL)
    add("- **Augusti** = helårsbudget + textens prognosavvikelse (hela tkr); områdena summerar till Lommas "
        "publicerade prognos.")
    add(f"- **Januari–juli**: budget + augustiavvikelsen × ({g}) % plus slumpbrus, avrundat till 10 tkr "
        "(januari ligger alltså nära budget).")
    add(f"- **September–december**: augustiprognosen + ({h}) % av vägen till det faktiska helårsutfallet, plus "
        "slumpbrus, avrundat till 10 tkr.")
    add("- Kommentaren beror på om prognosen är bättre eller sämre än budget (inom ±0,5 % eller 50 tkr: "
        "\"i nivå med budget\") och är omskriven ur Lommas förklaringar.")
    add("")
    add("### Volymer")
    add("")
    add("Påhittade men rimliga nivåer för en kommun med omkring 24 000 invånare (som Lomma). Timmar per månad = "
        "årets timmar × Södertäljes publicerade månadsprofil 2016 (`sodertalje/volymer_hemtjanst.csv` respektive "
        "`sodertalje/volymer_personlig_assistans_lss.csv`, raden \"Utfall 2016\", normerad till andelar) × "
        "(1 ± 1,5 % brus). Beslut i hemtjänsten är en slumpvandring. Platser och brukare är fasta serier som följer "
        "Lommas text (färre externa LSS-platser och vuxenplaceringar under våren, fler placeringar under hösten, "
        "två barn utöver budget i konsulentstödda familjehem = `Familjehemsplaceringar`, regi `extern`). Dygn = "
        "antal × dagar i månaden minus några dagar för placeringar som börjar eller slutar under månaden.")
    add("")
    add("| insats | regi | kolumner | timmar per år 2016 / 2017 |")
    add("|---|---|---|---:|")
    for insats, regi, columns in VOLUME_SERIES:
        hours = HOURS.get((insats, regi))
        yearly = f"{_fmt(hours[0])} / {_fmt(hours[1])}" if hours else ""
        add(f"| {insats} | {regi} | {', '.join(columns)} | {yearly} |")
    add("")
    add(f"**Lucka (saknas är inte noll):** i `{GAP['manad']}/volymer.csv` är `{GAP['kolumn']}` för "
        f"{GAP['insats']}, regi {GAP['regi']}, tom – den externa utförarens tidsrapport kom inte in före "
        "månadsskiftet. Värdet finns inte i någon mapp.")
    add("")

    add("## Resultat per verksamhet (tkr)")
    add("")
    add("| verksamhet | helårsbudget | budget jan–aug | utfall jan–aug | avvikelse jan–aug | prognos augusti | "
        "helårsutfall | helårsutfall mot augustiprognos |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    for u in UNITS:
        by, bp = m.budget_year[u.name], m.budget_period[u.name]
        op, of = m.outcome_period[u.name], m.outcome_final[u.name]
        fc = m.forecasts[REPORT_MONTH][u.name]
        add(f"| {u.name} | {_fmt(-by / TKR)} | {_fmt(-bp / TKR)} | {_fmt(-op / TKR)} | {_fmt((bp - op) / TKR)} | "
            f"{_fmt(fc)} | {_fmt(-of / TKR)} | {_fmt(m.final_diff[u.name] * -100, 1)} % |")
    add("")
    add("Alla belopp i tkr med kostnader negativa, avrundade för visning; avvikelse positiv = bättre än budget. "
        "Sista kolumnen: negativ = helårsutfallet blev sämre (dyrare) än augustiprognosen.")
    add("")
    return "\n".join(L)


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------

def main(out: Path | None = None) -> Path:
    """Write the whole municipality to ``out`` (default data/raw/exempel), replacing the folder atomically."""
    target = Path(out) if out is not None else DEFAULT_OUT
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    model = build_model(np.random.default_rng(SEED))
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-ny-", dir=target.parent))
    old = None
    try:
        os.chmod(tmp, 0o755)
        write_folder(model, tmp)
        if target.exists():
            old = target.with_name(f".{target.name}-gammal-{os.getpid()}")
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)         # put the previous version back
                old = None
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
        if old is not None and old.exists():
            shutil.rmtree(old)
    return target


if __name__ == "__main__":
    path = main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"Skrev {path}")
