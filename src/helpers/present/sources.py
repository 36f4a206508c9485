"""The sources section: every table and where it comes from."""
from __future__ import annotations

import pandas as pd

from ..analysis.report_data import ReportData
from ..core.period import Period
from .blocks import Section
from .narrative import Narrative, Sentence
from .tables import TEXT, Col, Table


def sources_table(data: ReportData) -> Table:
    rows = [(data.evidence.headings.get(t.id, t.id), t.kalla, t.fil) for t in data.meta.tabell]
    # each ledger file of the month: how it was read (where the outcome and budget come from, what {} means)
    rows += [("Huvudbokens export (SIE)", x["text"], f"{data.period}/{x['fil']}") for x in data.ledger]
    frame = pd.DataFrame(rows, columns=["Tabell i källan", "Källdokument", "Fil i data/raw"])
    return Table("kallor", "Källor: varje tabell och var den kommer ifrån", frame,
                 {c: Col(TEXT) for c in frame.columns})


# The terms the nämnd's report cannot do without, explained once.
GLOSSARY = (
    ("Budgetavvikelse", "utfall minus budget; positiv betyder bättre än budget (lägre kostnad eller högre intäkt)."),
    ("Helårsprognos", "förvaltningens bedömning av årets utfall; prognosavvikelsen är prognosen minus helårsbudgeten."),
    ("Riktpunkt", "den andel av året som har gått, t.ex. 8/12 = 66,7 % i augusti; ett utfall över riktpunkten "
                  "betyder att mer än en jämn andel av årets budget har använts."),
    ("Uppskattad (≈)", "kommunen har inte publicerat siffran för perioden; den är uppskattad, och hur står vid "
                       "tabellen."),
    ("Ersatt (*)", "kommunens publicerade summa går inte ihop med raderna; rapporten använder den siffra som "
                   "underlaget stöder och säger varför."),
)


def sources_section(data: ReportData) -> Section:
    """For the nämnd: the documents the report rests on, and the few terms it uses."""
    m = data.meta
    documents = []
    if m.period and m.tabell:
        dated = f", daterad {m.rapportdatum}" if getattr(m, "rapportdatum", "") else ""
        documents.append(f"{m.rapporttyp or 'Uppföljning'} för {data.namnd}, {m.namn}, "
                         f"{Period.parse(m.period).span}{dated}.")
    for x in data.ledger:
        program = f" ({x['program']})" if x.get("program") else ""
        documents.append(f"Huvudbokens export{program} med utfall och budget för {data.period.span}.")
    if str(data.period) != m.period and not data.ledger:
        documents.append(f"Månadsunderlaget för {data.period.span}: controllerns helårsprognos och "
                         "verksamhetssystemets volymer.")
    elif str(data.period) != m.period:
        documents.append("Controllerns helårsprognos och verksamhetssystemets volymer för månaden.")
    items: list = []
    if documents:
        items.append(Narrative([Sentence("kalla", d) for d in documents], heading="Underlag"))
    items.append(Narrative([Sentence("begrepp", f"{term}: {text}") for term, text in GLOSSARY],
                           heading="Ord och begrepp"))
    return Section("Underlag och begrepp", items, level=2)
