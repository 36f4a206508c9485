"""The chart standards (issue 18) and one draw per chart (issue 19), on small frames built by hand."""
from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from helpers.present import charts as ch
from helpers.present import layout, style
from helpers.present.narrative import Narrative

A4_TEXT_WIDTH_PX = (210 - 2 * 14) / 25.4 * 96   # 182 mm between the print margins (omsorg.css @page), CSS px


def monthly(serie: str, values_by_year: dict[int, list[float]], regi: str = "totalt", enhet: str = "platser",
            tabell: str = "volymer", slag: str = "utfall") -> pd.DataFrame:
    rows = [{"tabell": tabell, "serie": serie, "regi": regi, "slag": slag, "ar": y, "manad": m + 1, "varde": v,
             "enhet": enhet, "omdopt": ""}
            for y, values in values_by_year.items() for m, v in enumerate(values)]
    return pd.DataFrame(rows)


# Södertälje's places: 237–240 all year (issue 18: drawn as a zigzag on a 237–240 axis).
PLACES = monthly("Boende, platser", {2016: [237, 238, 237, 238, 239, 240, 239, 238, 238, 237, 238, 239],
                                     2017: [238, 239, 240, 239, 238, 238, 239, 240]})


def many_series(n: int) -> pd.DataFrame:
    return pd.concat([monthly(f"Serie nummer {i} med ett ganska långt namn", {2016: [10 + i] * 12, 2017: [12 + i] * 8})
                      for i in range(n)], ignore_index=True)


def drawn(chart):
    """The chart's figure drawn once on an Agg canvas (for tests that read where text ended up)."""
    canvas = FigureCanvasAgg(chart.figure)
    canvas.draw()
    return canvas.get_renderer()


def _shown_tick_labels(ax) -> set[int]:
    """The tick labels matplotlib draws: those of ticks inside the view (it keeps a few more, not drawn)."""
    out = set()
    for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        for tick in axis.get_major_ticks():
            if min(lo, hi) - 1e-9 <= tick.get_loc() <= max(lo, hi) + 1e-9:
                out |= {id(tick.label1), id(tick.label2)}
    return out


def all_texts(fig) -> list[Text]:
    """Every text drawn in the figure (not the spare tick labels, nor anything in a panel turned off)."""
    shown = set().union(*(_shown_tick_labels(ax) for ax in fig.axes if ax.axison))
    hidden = {id(t) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for tk in axis.get_major_ticks()
              for t in (tk.label1, tk.label2) if id(t) not in shown}
    hidden |= {id(t) for ax in fig.axes if not ax.axison for t in ax.findobj(Text)}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text() and id(t) not in hidden]


# --- value axes from zero ---------------------------------------------------------------------------

def test_a_level_of_places_is_drawn_from_zero_not_as_a_zigzag():
    chart = ch.monthly_lines("platser", PLACES, "Boende", "platser")
    lo, hi = chart.figure.axes[0].get_ylim()
    assert lo == 0
    assert 240 <= hi <= 240 * 1.1   # the largest value, 240, with a little room


def test_bars_start_at_zero():
    table = pd.DataFrame({"ar": [2016, 2017], "varde": [237.0, 240.0], "forandring_procent": [None, 1.27]})
    chart = ch.same_period_bars("bars", table, "Platser", "platser")
    assert chart.figure.axes[0].get_ylim()[0] == 0


def test_deviations_all_positive_still_show_zero():
    chart = ch.deviation_chart("dev", pd.Series({"A": 120.0, "B": 80.0, "C": 95.0}), "Tre bättre", "tkr")
    lo, hi = chart.figure.axes[0].get_xlim()
    assert lo == 0 and hi > 120


def test_negative_values_keep_zero_at_the_top():
    fig, axes = ch.new_figure(layout_engine=None)
    style.from_zero(axes[0, 0], [-50, -20])
    lo, hi = axes[0, 0].get_ylim()
    assert hi == 0 and lo < -50


def test_every_panel_of_the_overview_starts_at_zero():
    chart = ch.small_multiples("oversikt", pd.concat([PLACES, many_series(2)]), "Översikt")
    panels = [ax for ax in chart.figure.axes if ax.axison]
    assert len(panels) == 3
    assert all(ax.get_ylim()[0] == 0 for ax in panels)


def test_counts_get_whole_number_ticks():
    # 13–21 persons: a tick at 2,5 would be printed as "3" with no decimals
    s = pd.concat([monthly("Brukare", {2017: [13, 14, 14]}, "intern", "brukare"),
                   monthly("Brukare", {2017: [6, 6, 7]}, "extern", "brukare")], ignore_index=True)
    chart = ch.stacked_regi("regi", s, "volymer", "Brukare", 2017, "Brukare i intern och extern regi", "brukare")
    ticks = chart.figure.axes[0].get_yticks()
    assert all(float(t).is_integer() for t in ticks)


# --- no series that does not exist -----------------------------------------------------------------

def test_no_regi_chart_for_a_series_with_only_intern():
    s = monthly("Boendestöd, timmar", {2017: [100, 110, 120]}, "intern", "timmar")
    assert not ch.has_intern_and_extern(s, "volymer", "Boendestöd, timmar", 2017)
    out = ch.stacked_regi("regi", s, "volymer", "Boendestöd, timmar", 2017, "Intern och extern regi", "timmar")
    assert not isinstance(out, ch.Chart)
    assert isinstance(out, Narrative)
    assert "bara intern regi" in out._repr_html_()


def test_regi_chart_stacks_months_with_both_only():
    s = pd.concat([monthly("Hemtjänst, timmar", {2017: [100, 110, 120]}, "intern", "timmar"),
                   monthly("Hemtjänst, timmar", {2017: [50, 60]}, "extern", "timmar")], ignore_index=True)
    assert ch.has_intern_and_extern(s, "volymer", "Hemtjänst, timmar", 2017)
    chart = ch.stacked_regi("regi", s, "volymer", "Hemtjänst, timmar", 2017, "Intern och extern regi", "timmar")
    ax = chart.figure.axes[0]
    assert [c.get_label() for c in ax.containers] == ["Intern regi", "Extern regi"]
    assert all(len(c) == 2 for c in ax.containers)             # march has no extern value: not drawn
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 110 + 60   # the highest stack, february


# --- legend before the panels ------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: ch.small_multiples("oversikt", many_series(7), "Översikt"),
    lambda: ch.monthly_lines("platser", PLACES, "Boende", "platser"),
])
def test_the_legend_comes_before_the_panels(make):
    chart = make()
    fig = chart.figure
    renderer = drawn(chart)
    assert len(fig.legends) == 1 and all(ax.get_legend() is None for ax in fig.axes)
    legend = fig.legends[0].get_window_extent(renderer)
    tops = [ax.get_tightbbox(renderer).y1 for ax in fig.axes if ax.axison]
    assert legend.y0 >= max(tops) - 0.5       # above every panel and its title (pixels, y upwards)


# --- text in points, the same for 1 and 17 panels ------------------------------------------------------

def _sizes(chart) -> set[float]:
    return {round(t.get_fontsize(), 2) for t in all_texts(chart.figure)}


def test_text_sizes_do_not_depend_on_the_number_of_panels():
    one = ch.small_multiples("en", many_series(1), "En")
    seventeen = ch.small_multiples("sjutton", many_series(17), "Sjutton")
    assert _sizes(one) == _sizes(seventeen)
    assert min(_sizes(seventeen)) >= 8
    assert one.size[0] == seventeen.size[0] == ch.monthly_lines("p", PLACES, "P", "platser").size[0]


def test_charts_print_at_their_own_size_on_a4():
    # 6 in × 96 px: narrower than A4 between the margins, so the print rule never has to shrink it
    chart = ch.small_multiples("sjutton", many_series(17), "Sjutton")
    assert chart.size[0] == round(style.WIDTH * 96) <= A4_TEXT_WIDTH_PX
    assert 'width="576"' in chart.html()


# --- the layout: nothing outside the figure, nothing on top of each other --------------------------------

@pytest.mark.parametrize("make", [
    lambda: ch.small_multiples("oversikt", many_series(17), "Översikt"),
    lambda: ch.deviation_chart("dev", pd.Series({"Individ- och familjeomsorg, försörjningsstöd": -1234.0,
                                                 "Hemtjänst": 3681.0, "HSL": 0.4}), "Avvikelser", "tkr"),
    lambda: ch.monthly_lines("platser", PLACES, "Boende", "platser"),
])
def test_text_stays_inside_the_figure_and_panels_do_not_overlap(make):
    chart = make()
    fig = chart.figure
    renderer = drawn(chart)
    W, H = fig.bbox.width, fig.bbox.height
    for t in all_texts(fig):
        b = t.get_window_extent(renderer)
        assert b.x0 >= -1 and b.y0 >= -1 and b.x1 <= W + 1 and b.y1 <= H + 1, t.get_text()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.axison]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a.x0 < b.x1 - 1 and b.x0 < a.x1 - 1 and a.y0 < b.y1 - 1 and b.y0 < a.y1 - 1)


def test_wrap_keeps_words_and_fits_the_width():
    size = 9
    text = layout.wrap("Boende med särskild service/Antal helårsplatser (intern)", 1.8, size)
    lines = text.split("\n")
    assert " ".join(lines) == "Boende med särskild service/Antal helårsplatser (intern)"
    assert all(layout.text_extent(line, size)[0] <= 1.8 for line in lines if " " in line)


# --- drawn once --------------------------------------------------------------------------------------

def test_a_chart_is_drawn_once_for_its_png_html_and_notebook_view():
    chart = ch.small_multiples("oversikt", many_series(4), "Översikt")
    draws = []
    chart.figure.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    png = chart.png
    html = chart.html()
    assert chart._repr_html_() == html
    assert png.startswith(b"\x89PNG") and len(draws) == 1


def test_annual_overview_draws_no_bar_for_a_missing_year_and_starts_at_zero():
    annual = pd.DataFrame({"verksamhet": ["Vårdboende"], "storhet": ["Platser"], "enhet": ["platser"],
                           "Utfall 2015": [None], "Utfall 2016": [112.0], "Budget 2017": [115.0],
                           "Prognos 2017": [118.0]})
    chart = ch.annual_overview("ar", annual, ["Utfall 2015", "Utfall 2016", "Budget 2017", "Prognos 2017"], "Platser")
    ax = chart.figure.axes[0]
    assert [(round(p.get_x() + p.get_width() / 2), p.get_height(), p.get_hatch()) for p in ax.patches] == \
        [(1, 112.0, None), (2, 115.0, "//"), (3, 118.0, "..")]
    assert ax.get_ylim()[0] == 0
    assert [t.get_text() for t in chart.figure.legends[0].get_texts()] == \
        ["2015 (15)", "2016 (16)", "Budget 2017 (B)", "Prognos 2017 (P)"]
