"""Filling in the Excel template from `omsorg mall` as a controller would, for the tests: every
verksamhet in the Ekonomi sheet gets budget −12 000 tkr for the year, −2 000 for the period and outcome
−1 900; every row in the Prognos sheet a forecast of −11 800 tkr and, if given, a comment."""


def fill_figures(wb, comment: str | None = None) -> None:
    eco, fc = wb["Ekonomi"], wb["Prognos"]
    for r in range(3, eco.max_row + 1):
        if eco.cell(r, 1).value:
            eco.cell(r, 3, -12000)
            eco.cell(r, 4, -2000)
            eco.cell(r, 5, -1900)
    for r in range(3, fc.max_row + 1):
        if fc.cell(r, 1).value:
            fc.cell(r, 2, -11800)
            if comment is not None:
                fc.cell(r, 3, comment)
