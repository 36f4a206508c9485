"""`omsorg mall`: an Excel template for a controller without an SIE export.

Sheets: Instruktioner, Ekonomi (per verksamhet: helårsbudget, budget och utfall hittills i år),
Prognos (helårsprognos och kommentar per verksamhet) and Volymer (one row per month, insats and regi).
Each data sheet has data validation and one filled example row (its first cell starts with
'EXEMPEL', and the reader skips it). A filled template saved as data/raw/<kommun>/<ÅÅÅÅ-MM>/mall.xlsx
is read as it is."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..core import paths
from ..core.errors import ParameterError
from ..core.period import Period
from ..ingest.metadata import load_metadata, validate_kommun_id
from ..ingest.monthly import ECONOMY_SHEET, EXAMPLE, FORECAST_SHEET, TEMPLATE_COLUMNS, VOLUME_SHEET, sie_verksamheter
from ..ingest.store import atomic_write, save_workbook

INSTRUCTIONS = [
    "Mall för månadsuppföljning i Omsorgsanalys",
    "",
    "1. Fyll i bladen Ekonomi, Prognos och Volymer för månaden. Belopp i tkr; kostnader med minustecken om "
    "kommunen skriver så (kostnadstecken i metadata.toml).",
    "2. Ekonomi: en rad per verksamhet med överordnat område, helårsbudget och budget och utfall hittills i år "
    "(januari till och med månaden).",
    "3. Prognos: helårsprognos (netto) per verksamhet och en kort kommentar som följer med till nämnden.",
    "4. Volymer: en rad per månad, insats och regi (intern, extern eller totalt). Lämna tomt där värde saknas – "
    "tomt är inte noll.",
    "5. Raden som börjar med EXEMPEL visar formatet och läses inte; skriv över den eller ta bort den.",
    "6. Spara som data/raw/<kommun>/<ÅÅÅÅ-MM>/mall.xlsx och kör omsorg kontrollera --kommun <kommun>.",
]


def write_template(kommun: str, period: str, dest: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write the template; never inside data/raw (raw input is never written by the workspace), and
    over an existing file only with ``overwrite`` (``--skriv-over``)."""
    validate_kommun_id(kommun)
    meta = load_metadata(kommun)
    p = Period.parse(period)
    path = Path(dest) if dest else paths.reports_dir() / "mallar" / f"{kommun}_{p}.xlsx"
    if _inside(path, paths.raw_dir()):
        raise ParameterError(f"Mallen skrivs aldrig i data/raw ({path}): rådata ändras inte av omsorg. Skriv mallen "
                             "någon annanstans (utan --fil hamnar den i reports/mallar/), fyll i den och kopiera den "
                             f"sedan själv till data/raw/{kommun}/{p}/mall.xlsx.")
    if path.is_dir():
        raise ParameterError(f"{path} är en mapp; ange ett filnamn, t.ex. {path / f'{kommun}_{p}.xlsx'}.")
    verksamheter = sie_verksamheter(meta) or [("Hemtjänst", "Äldreomsorg")]
    return atomic_write(path, lambda target: _workbook(target, meta, p, verksamheter), overwrite=overwrite)


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is (or would be, links followed) inside ``folder``."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return True  # a link loop: refuse rather than guess


def _sheet(wb: Workbook, title: str, columns: list[str], example: list, widths: list[int]):
    ws = wb.create_sheet(title)
    ws.append(columns)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
    ws.append(example)
    for c in ws[2]:
        c.font = Font(italic=True, color="666666")
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = w
    ws.freeze_panes = "A2"
    return ws


def _numbers(ws, ref: str) -> None:
    dv = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                        allow_blank=True, showErrorMessage=True, errorTitle="Ogiltigt värde",
                        error="Skriv ett tal (t.ex. -1563 eller 14,7) eller lämna tomt.")
    ws.add_data_validation(dv)
    dv.add(ref)


def _workbook(target: Path, meta, period: Period, verksamheter: list[tuple[str, str]]) -> None:
    wb = Workbook()
    info = wb.active
    info.title = "Instruktioner"
    for line in INSTRUCTIONS + ["", f"Kommun: {meta.namn} ({meta.id}). Period: {period} ({period.span})."]:
        info.append([line])
    info.column_dimensions["A"].width = 110
    name, group = verksamheter[0]
    eco = _sheet(wb, ECONOMY_SHEET, TEMPLATE_COLUMNS[ECONOMY_SHEET],
                 [f"{EXAMPLE} {name}", group, -145734, -97156, -92481], [34, 24, 16, 16, 16])
    for v, g in verksamheter:
        eco.append([v, g])
    _numbers(eco, "C3:E500")
    fc = _sheet(wb, FORECAST_SHEET, TEMPLATE_COLUMNS[FORECAST_SHEET],
                [f"{EXAMPLE} {name}", -141435, "Färre beställda timmar än budgeterat."], [34, 16, 70])
    for v, _g in verksamheter:
        fc.append([v])
    _numbers(fc, "B3:B500")
    vol = _sheet(wb, VOLUME_SHEET, TEMPLATE_COLUMNS[VOLUME_SHEET],
                 [f"{EXAMPLE} {period}", "Hemtjänst", "intern", 412, 10233, None, None, None],
                 [16, 30, 10, 10, 10, 10, 10, 10])
    regi = DataValidation(type="list", formula1='"intern,extern,totalt"', allow_blank=True, showErrorMessage=True,
                          errorTitle="Ogiltig regi", error="Välj intern, extern eller totalt.")
    vol.add_data_validation(regi)
    regi.add("C3:C2000")
    month = DataValidation(type="textLength", operator="equal", formula1="7", allow_blank=True, showErrorMessage=True,
                           errorTitle="Ogiltig månad", error="Skriv månaden som ÅÅÅÅ-MM, t.ex. 2017-03.")
    vol.add_data_validation(month)
    month.add("A3:A2000")
    _numbers(vol, "D3:H2000")
    save_workbook(wb, target)
