"""One vocabulary for the whole workspace: months, datasets, measures, kinds of figure, and the
Swedish words a reader sees for them. Everything that names these imports them from here."""
from __future__ import annotations

MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december")
MONTH_ABBR = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS = tuple(range(1, 13))

# Column headings a controller may use for a month (case-insensitive, a trailing dot allowed).
_MONTH_WORDS = {name: i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTH_WORDS.update({abbr: i for i, abbr in enumerate(MONTH_ABBR, start=1)})
_MONTH_WORDS.update({"sept": 9, "mars": 3})


def month_number(text: object) -> int | None:
    """'Jan', 'januari', 'Mars', 'sept.' → 1, 1, 3, 9; anything else → None."""
    return _MONTH_WORDS.get(str(text).strip().lower().rstrip("."))


def month_name(month: int) -> str:
    return MONTH_NAMES[int(month) - 1]


def month_abbr(month: int) -> str:
    return MONTH_ABBR[int(month) - 1]


def month_span(first: int, last: int) -> str:
    """'januari–augusti', or 'januari' for a single month."""
    return month_name(first) if first == last else f"{month_name(first)}–{month_name(last)}"


# --- datasets and measures (the columns of the tidy frame) ---------------------------------------

DATASETS = ("ekonomi", "investeringar", "volymer", "nyckeltal", "personal", "text")
ECONOMY_DATASETS = ("ekonomi", "investeringar")
HIERARCHICAL_DATASETS = ("ekonomi", "investeringar")

# matt: what a figure is.
MATT = ("netto", "intakter", "kostnader", "avvikelse", "andel", "ack", "medel", "arsvarde")
MONTHLY = "manadsvarde"  # a monthly value (volumes, or a ledger month)
AMOUNT_MATT = ("netto", "intakter", "kostnader", "avvikelse")  # money, summed down a column
SIGNED_BY_CONVENTION = ("netto", "kostnader")  # the municipality's cost sign applies to these

SLAG = ("utfall", "budget", "prognos")
OMFATTNING = ("period", "helar", "projekt", "tidigare_ar", "manad")
REGI = ("intern", "extern", "totalt")
RADTYP = ("post", "rubrik", "summa")
SIGN = ("plus", "minus")

# The figures of the reconciled economy table: name → (matt, slag, omfattning, year offset).
MEASURES = {
    "budget_period": ("netto", "budget", "period", 0),
    "utfall_period": ("netto", "utfall", "period", 0),
    "avvikelse_period": ("avvikelse", "", "period", 0),
    "helarsbudget": ("netto", "budget", "helar", 0),
    "prognos": ("netto", "prognos", "helar", 0),
    "prognosavvikelse": ("avvikelse", "", "helar", 0),
    "utfall_fg_ar": ("netto", "utfall", "helar", -1),
}
MEASURE_LABELS = {
    "budget_period": "Budget perioden",
    "utfall_period": "Utfall perioden",
    "avvikelse_period": "Avvikelse perioden",
    "avvikelse_procent": "Avvikelse, %",
    "helarsbudget": "Helårsbudget",
    "prognos": "Prognos helår",
    "prognosavvikelse": "Prognosavvikelse",
    "utfall_fg_ar": "Utfall föregående år",
}

# --- assessments of a check ----------------------------------------------------------------------

BEDOMNING = ("ok", "avrundning", "fel", "varning", "ej_kontrollerbar")
BEDOMNING_TEXT = {
    "ok": "stämmer",
    "avrundning": "skiljer bara som avrundning kan förklara",
    "fel": "fel",
    "varning": "varning",
    "ej_kontrollerbar": "kan inte kontrolleras",
}
BEDOMNING_EXPLAINED = {
    "ok": "Siffran stämmer med det vi räknat fram ur de tal den bygger på.",
    "avrundning": "Siffran skiljer sig bara så lite som avrundning av de ingående talen kan förklara.",
    "fel": "Siffran går inte ihop med de tal den bygger på, inte ens med hänsyn till avrundning.",
    "varning": "Något ser avvikande ut och bör kontrolleras, men det är inte bevisat fel.",
    "ej_kontrollerbar": "Ett tal som behövs för kontrollen saknas, så siffran kan varken bekräftas eller underkännas.",
}

# Tables a month folder provides (not listed under [[tabell]]): the ledger and the case system's volumes.
LEDGER_TABLE = "huvudbok"
CASE_SYSTEM_TABLE = "verksamhetssystem"
