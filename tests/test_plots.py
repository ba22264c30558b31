"""Plots: the loaders read a results folder into the right tables, the figure functions draw what they claim (legal
windows at the right days, one panel per route or stage, every axis labelled), empty routes do not crash, and
`ketensim plot` writes the PNGs or refuses a folder that is not a results folder.

One small results folder (national baseline at a tenth of the volume, 200 days, 2 replications) is built once for
the module; it takes a few seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from typer.testing import CliRunner

from sim import formatting, scenario
from sim.catalogue import MAIN_DIFFERENCES
from sim.cli import app
from sim.domain import OM_ROUTES
from sim.figures.backlogs import backlog_figure
from sim.figures.differences import difference_figure, region_effect_figure, window_attainment_figure
from sim.figures.inputs import simulated_years
from sim.figures.lead_times import lead_time_figure
from sim.figures.routes import SMALL_ROUTES_PANEL, route_flow_figure, route_share_figure
from sim.figures.sessions import session_fill_figure
from sim.figures.sets import COMPARISON_FILES, FILES, plot_comparison, plot_results
from sim.figures.style import FALLBACK_COLOUR
from sim.figures.throughput import throughput_figure
from sim.figures.windows import FELL_BACK_GID, FELL_BACK_PANEL, window_figure
from sim.kpis import BACKLOG_STAGES, KpiRow
from sim.labels import ROUTE_LABELS, STAGE_LABELS, WEEKLY_EVENTS
from sim.outputs import write_marker
from sim.results import (
    EXECUTION_GROUPS,
    BacklogTable,
    RegionMonthTable,
    read_backlog,
    read_case_tables,
    read_chain_tables,
    read_kpis,
    read_run_info,
    region_change_dates,
)
from sim.runner import run_scenario
from sim.scenario import FAST_TRACK, ROUTES

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
TINY = {
    "name": "plots-test",
    "horizon_days": 200,
    "warmup_days": 30,
    "runout_days": 60,
    "replications": 2,
    "intake": {"streams": {"vvc": {"volume": 49000}, "hic": {"volume": 12500}, "other": {"volume": 20500}}},
    # windows other than the defaults, so the reader is seen to take them from the run and not from its own table
    "legal": {
        "supersnelrecht_window_days": 2.5,
        "snelrecht_detained_window_days": 15.0,
        "snelrecht_not_detained_min_days": 10.0,
        "snelrecht_not_detained_window_days": 30.0,
    },
}


# ------------------------------------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    sc = scenario.load(BASELINE, overrides=TINY)
    out = run_scenario(sc, str(BASELINE), replications=2, out_dir=tmp_path_factory.mktemp("plots") / "run")
    return out.out_dir


@pytest.fixture(scope="module")
def info(results):
    return read_run_info(results)


@pytest.fixture(scope="module")
def kpis(results):
    return read_kpis(results)


@pytest.fixture(scope="module")
def cases(results, info):
    return read_case_tables(results, info)


@pytest.fixture(scope="module")
def backlog(results, info):
    return read_backlog(results, info)


def kpi(rows: list[KpiRow], metric: str, group: str) -> KpiRow:
    (row,) = [r for r in rows if r.metric == metric and r.group == group and r.breakdown == "all"]
    return row


def vertical_lines(ax) -> list[float]:
    """x of every full-height vertical line (what `axvline` draws: x data [x, x], y data [0, 1] in axes units)."""
    xs = []
    for line in ax.get_lines():
        x, y = np.asarray(line.get_xdata(orig=False), float), np.asarray(line.get_ydata(orig=False), float)
        if x.size == 2 and x[0] == x[1] and list(y) == [0.0, 1.0]:
            xs.append(float(x[0]))
    return sorted(xs)


def visible_axes(fig: Figure):
    return [ax for ax in fig.axes if ax.get_visible()]


def panels(fig: Figure):
    """The main panels: the visible axes without the narrow ones beside them (the fall-backs beside each fast-track
    route, the fast-track routes again on their own scale)."""
    return [ax for ax in visible_axes(fig) if ax.get_label() not in (FELL_BACK_PANEL, SMALL_ROUTES_PANEL)]


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def assert_labelled(fig: Figure, xlabels: bool = True) -> None:
    """A bold title of at least 14 pt, a title on every panel, x labels (days) where asked, ticks of 12 pt or more."""
    assert fig._suptitle is not None and fig._suptitle.get_text().strip()
    assert fig._suptitle.get_fontsize() >= 14
    for ax in panels(fig):
        assert ax.get_title().strip(), "every panel has a title"
        assert ax.title.get_fontsize() >= 14
        if xlabels:
            assert "days" in ax.get_xlabel()
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            assert label.get_fontsize() >= 12


# ------------------------------------------------------------------------------------------------ plot_results


def test_plot_results_writes_six_non_blank_pngs(results):
    files = plot_results(results)
    assert files == [results / "plots" / name for name in FILES]
    assert len(files) == 6
    for f in files:
        img = mpimg.imread(f)
        h, w = img.shape[:2]
        assert 1500 <= w <= 2600 and 900 <= h <= 1800, f"{f.name}: {w}x{h} px"
        rgb = img[..., :3]
        not_white = np.any(rgb < 0.95, axis=-1).mean()
        assert 0.03 < not_white < 0.9, f"{f.name}: {not_white:.1%} of pixels drawn"
        assert rgb.std() > 0.05


# ------------------------------------------------------------------------------------------------ loaders


def test_run_info_reads_scenario_cohort_and_legal_windows(info):
    assert info.scenario == "plots-test"
    assert (info.warmup_days, info.horizon_days, info.replications) == (30, 200, 2)
    assert info.windows == {
        "supersnelrecht": (0.0, 2.5),
        "snelrecht_detained": (0.0, 15.0),
        "snelrecht_not_detained": (10.0, 30.0),
    }
    assert info.date_of(info.warmup_days) == info.start_date + dt.timedelta(days=30)
    assert "warm-up" in info.cohort_note()


def test_case_tables_count_the_same_cohort_as_the_kpis(cases, kpis, info):
    years = (info.horizon_days - info.warmup_days) / 365.25
    for route in ("sepot", "strafbeschikking"):  # decided by the OM: every case in the route has a decision time
        expected = kpi(kpis, "cases", route).mean * years * info.replications
        assert cases.decision_days[route].size == round(expected)
    for route in ROUTES:  # court routes: only verdicts reached before the end count
        expected = kpi(kpis, "cases", route).mean * years * info.replications
        assert 0 < cases.decision_days[route].size <= round(expected)
        assert np.all(cases.decision_days[route] >= 0)
    everything = sum(cases.offence_to_execution_end_days[r].size for r in EXECUTION_GROUPS[1:])
    assert cases.offence_to_execution_end_days["all"].size == everything


def test_case_table_medians_agree_with_the_kpis(cases, kpis):
    # pooled over replications vs. the mean of per-replication medians: close, not equal
    for route in ("sepot", "regular"):
        row = kpi(kpis, "days_to_decision_p50", route)
        pooled = float(np.median(cases.decision_days[route]))
        assert pooled == pytest.approx(row.mean, rel=0.35)


def test_fast_track_cases_are_heard_inside_their_legal_window(cases, info):
    for route in FAST_TRACK:
        lo, hi = info.windows[route]
        days = cases.window_days[route]
        assert days.size > 0, route
        assert days.max() <= hi + 1e-9, route
        assert days.min() >= lo - 1e-9, route


def test_backlog_table_has_one_row_per_replication_and_day(results, backlog, info):
    assert list(backlog.cases) == list(BACKLOG_STAGES)
    n_days = len(backlog.dates)
    assert n_days >= info.horizon_days + info.runout_days
    for a in backlog.cases.values():
        assert a.shape == (2, n_days)
        assert not np.isnan(a).any()
    assert backlog.dates[0] == np.datetime64(info.start_date)
    assert backlog.warmup_end == info.date_of(30) and backlog.horizon_end == info.date_of(200)
    # spot-check one value against the csv
    line = next(l for l in (results / "backlog.csv").read_text().splitlines() if l.startswith("1,100,"))
    _, day, _, stage, count = line.split(",")
    assert backlog.cases[stage][1, int(day)] == float(count)


def test_loaders_name_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a complete ketensim output"):
        read_run_info(tmp_path)  # no completion marker: never read, whatever is in it
    write_marker(tmp_path, "run")
    with pytest.raises(FileNotFoundError, match="provenance.json"):
        read_run_info(tmp_path)


# ------------------------------------------------------------------------------------------------ figures


def test_lead_time_figure_one_labelled_panel_per_route_with_p50_and_p90(cases, info):
    years = simulated_years(info)
    fig = lead_time_figure(
        {"baseline": cases.decision_days}, "Lead times — scenario baseline", groups=ROUTES, years=years
    )
    assert_labelled(fig)
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == [ROUTE_LABELS[r] for r in ROUTES]
    for ax, route in zip(axes, ROUTES):
        assert ax.get_xlabel().startswith("days")
        p50, p90 = np.percentile(cases.decision_days[route], [50, 90])
        marks = [line for line in ax.get_lines() if line.get_marker() in ("o", "D")]
        assert sorted(float(m.get_ydata()[0]) for m in marks) == [50.0, 90.0]
        xs = {m.get_marker(): float(m.get_xdata()[0]) for m in marks}
        assert xs["o"] == pytest.approx(max(p50, ax.get_xlim()[0]))
        assert xs["D"] == pytest.approx(max(p90, ax.get_xlim()[0]))
        legend = ax.get_legend()
        # per simulated year, as the tables count (not pooled over 2 replications and the cohort's years)
        per_year = f"{cases.decision_days[route].size / years:,.0f} cases per year"
        assert legend is not None and per_year in legend.get_texts()[0].get_text()


def test_lead_time_figure_with_several_scenarios_draws_one_curve_each():
    rng = np.random.default_rng(1)
    a = {"sepot": rng.lognormal(3, 1, 500), "regular": rng.lognormal(4, 0.5, 800)}
    b = {"sepot": a["sepot"] * 2, "regular": np.empty(0)}
    fig = lead_time_figure({"baseline": a, "faster": b}, "two scenarios", groups=["sepot", "regular"])
    sepot, regular = visible_axes(fig)
    curves = lambda ax: [l for l in ax.get_lines() if len(l.get_xdata()) > 10]  # noqa: E731
    assert len(curves(sepot)) == 2 and len(curves(regular)) == 1
    assert "no cases" in texts(regular)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["baseline", "faster"]


def test_lead_time_figure_with_an_empty_route_shows_no_cases():
    fig = lead_time_figure({"sepot": np.array([]), "regular": np.array([1.0, 2.0, 30.0])}, "empty route")
    sepot, regular = visible_axes(fig)
    assert "no cases" in texts(sepot)
    assert "no cases" not in texts(regular)
    fig.savefig(Path("/dev/null"), format="png")  # drawing must not fail either


def test_window_figure_draws_the_legal_windows_at_the_right_days(cases, kpis, info):
    fig = window_figure({"baseline": cases.window_days}, info.windows, "windows", kpis={"baseline": kpis})
    assert_labelled(fig)
    axes = panels(fig)
    assert len(axes) == 3
    assert [vertical_lines(ax) for ax in axes] == [[2.5], [15.0], [10.0, 30.0]]
    for ax, route in zip(axes, FAST_TRACK):
        share = kpi(kpis, "within_window_share", route).mean
        fallbacks = kpi(kpis, "fallbacks", route).mean
        text = "\n".join(texts(ax))
        assert f"{100 * share:.0f}%" in text
        assert f"fall-backs: {fallbacks:,.0f} per year" in text
        assert ax.get_xlim()[1] > info.windows[route][1]


def bar_rects(ax) -> list[tuple[float, float, float]]:
    """A histogram's bars as (x0, x1, height) in data units: the top edges of its filled step polygons, one per
    bin with cases."""
    from matplotlib.patches import Polygon

    out = []
    for p in ax.patches:
        if isinstance(p, Polygon) and p.get_fill():
            xy = p.get_xy()
            out += [(a[0], b[0], a[1]) for a, b in zip(xy[:-1], xy[1:]) if a[1] == b[1] > 0 and b[0] > a[0]]
    return out


def fell_back_panels(fig: Figure) -> list:
    return [ax for ax in visible_axes(fig) if ax.get_label() == FELL_BACK_PANEL]


def test_window_figure_counts_per_year_and_draws_the_cases_that_fell_back(cases, kpis, info, backlog):
    from sim.figures.sets import standard_figures
    from sim.results import ResultTables

    # the standard figure set gives the simulated years itself: 2 replications × the cohort's 170 days
    fig = standard_figures({"baseline": ResultTables(info, kpis, cases, backlog)})["fast_track_windows.png"]()
    years = simulated_years(info)
    assert years == pytest.approx(2 * 170 / 365.25)
    for ax, side, route in zip(panels(fig), fell_back_panels(fig), FAST_TRACK):
        share = kpi(kpis, "within_window_share", route).mean
        text = "\n".join(texts(ax))
        # per year, like the fall-backs beside it (the pooled count is 2 replications × 170 days of cases)
        assert f"heard in the route: {cases.window_days[route].size / years:,.0f} per year" in text, text
        assert f"fall-backs: {kpi(kpis, 'fallbacks', route).mean:,.0f} per year" in text
        # the bars are a share of the cases that started in the route; the ones that fell back are beside them
        heard = sum(h for _, _, h in bar_rects(ax))  # one top edge per bin
        (fell,) = [p.get_height() for p in side.patches if p.get_gid() == FELL_BACK_GID]
        assert heard == pytest.approx(100 * share, rel=1e-6), route
        assert fell == pytest.approx(100 * (1 - share)), route
        assert fell > 0 or share == 1, route
        assert side.get_ylim()[1] >= 100  # a share of all the cases that started in the route, on its whole scale
    assert "fell back" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert text_overlaps_of(fig) == []


def text_overlaps_of(fig: Figure):
    from sim.figures.style import text_overlaps

    return text_overlaps(fig)


def test_window_figure_follows_the_windows_it_is_given():
    days = {"supersnelrecht": np.array([0.5, 1.0, 4.5]), "snelrecht_not_detained": np.array([10.0, 12.0])}
    windows = {"supersnelrecht": (0.0, 5.0), "snelrecht_not_detained": (7.0, 21.0)}
    fig = window_figure(days, windows, "custom windows")
    assert [vertical_lines(ax) for ax in visible_axes(fig)] == [[5.0], [7.0, 21.0]]  # no fall-back panels: no kpis


def test_window_figure_with_an_empty_route_shows_no_cases(info):
    days = {
        "supersnelrecht": np.empty(0),
        "snelrecht_detained": np.array([4.0, 5.0]),
        "snelrecht_not_detained": np.empty(0),
    }
    fig = window_figure({"a": days, "b": days}, info.windows, "empty")
    axes = panels(fig)
    assert "no cases" in texts(axes[0]) and "no cases" in texts(axes[2])
    assert "no cases" not in texts(axes[1])
    assert vertical_lines(axes[0]) == [2.5]  # the window is drawn even without cases
    fig.savefig(Path("/dev/null"), format="png")


def test_backlog_figure_panel_per_stage_with_band_and_marks(backlog, info):
    fig = backlog_figure({"baseline": backlog}, "backlog")
    assert_labelled(fig, xlabels=False)  # calendar dates need no label
    axes = visible_axes(fig)
    # a title too wide for its panel is broken onto two lines
    assert [ax.get_title().replace("\n", " ") for ax in axes] == [STAGE_LABELS[s] for s in BACKLOG_STAGES]
    warm = mdates.date2num(np.datetime64(info.date_of(info.warmup_days)))
    horizon = mdates.date2num(np.datetime64(info.date_of(info.horizon_days)))
    for ax, stage in zip(axes, BACKLOG_STAGES):
        assert any(isinstance(c, PolyCollection) for c in ax.collections), f"{stage}: no band"
        (median,) = [l for l in ax.get_lines() if len(l.get_xdata()) > 2]
        np.testing.assert_allclose(median.get_ydata(), np.median(backlog.cases[stage], axis=0))
        assert vertical_lines(ax) == pytest.approx([warm, horizon])
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("min–max" in t for t in labels)
    assert any(str(info.date_of(info.warmup_days)) in t for t in labels)


def test_a_run_from_the_chains_stocks_marks_no_warm_up_and_says_where_it_starts(backlog):
    """The baseline starts from its stocks (warm-up 0): no "end of warm-up" line at the start, and the note says the
    chain starts from its stocks, not that it starts empty."""
    from dataclasses import replace

    from sim.results import BacklogTable as _BT

    assert isinstance(backlog, _BT)
    fig = backlog_figure({"baseline": replace(backlog, warmup_end=None)}, "backlog")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("warm-up" in t for t in labels)
    note = " ".join(t.get_text() for t in fig.texts)
    assert "starts from its stocks" in note and "starts empty" not in note
    for ax in visible_axes(fig):
        assert len(vertical_lines(ax)) == 1  # the end of intake only
    with_warm_up = " ".join(t.get_text() for t in backlog_figure({"b": backlog}, "backlog").texts)
    assert "starts empty" in with_warm_up


def test_backlog_figure_with_an_empty_stage_shows_no_cases(backlog):
    table = BacklogTable(backlog.dates, {"police": backlog.cases["police"], "appeal": np.empty((0, 0))})
    fig = backlog_figure(table, "one empty stage")
    police, appeal = visible_axes(fig)
    assert "no cases" in texts(appeal) and "no cases" not in texts(police)


def test_route_share_figure_bars_are_the_kpi_means_with_intervals(kpis):
    fig = route_share_figure({"baseline": kpis}, "route shares")
    assert_labelled_single(fig)
    (ax,) = panels(fig)
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([kpi(kpis, "cases", r).mean for r in ROUTES])
    assert ax.containers and any(type(c).__name__ == "ErrorbarContainer" for c in ax.containers)
    share = 100 * kpi(kpis, "cases", "regular").mean / sum(kpi(kpis, "cases", r).mean for r in ROUTES)
    assert any(f"{share:.1f}%" in t for t in texts(ax))


def test_route_share_figure_draws_the_small_fast_track_routes_on_their_own_scale(kpis):
    fig = route_share_figure({"baseline": kpis}, "route shares")
    (main,) = panels(fig)
    (zoom,) = [ax for ax in visible_axes(fig) if ax.get_label() == SMALL_ROUTES_PANEL]
    assert zoom.get_title() == SMALL_ROUTES_PANEL
    fast = [kpi(kpis, "cases", r).mean for r in FAST_TRACK]
    assert [p.get_height() for p in zoom.patches] == pytest.approx(fast)
    ticks = [t.get_text().replace("\n", " ") for t in zoom.get_xticklabels()]
    assert ticks == [ROUTE_LABELS[r] for r in FAST_TRACK]
    # on the big routes' scale the largest fast-track route is a sliver, on its own it fills most of the panel
    assert max(fast) / main.get_ylim()[1] < 0.15
    assert max(fast) / zoom.get_ylim()[1] > 0.4
    share = 100 * min(fast) / sum(kpi(kpis, "cases", r).mean for r in ROUTES)
    assert any(f"{share:.1f}%" in t for t in texts(zoom))  # the share of all decided cases, as in the main panel


def test_session_fill_figure_bars_are_percentages(kpis, info):
    fig = session_fill_figure({"baseline": kpis}, "sessions", session_types=list(info.session_types))
    fill, cancelled = visible_axes(fig)
    # a session type without sessions (the baseline's weekend RC) has no fill rate: drawn as an empty bar
    assert [p.get_height() for p in fill.patches] == pytest.approx(
        [np.nan_to_num(100 * kpi(kpis, "session_fill_rate", s).mean) for s in info.session_types]
    )
    assert [p.get_height() for p in cancelled.patches] == pytest.approx(
        [np.nan_to_num(100 * kpi(kpis, "sessions_cancelled_share", s).mean) for s in info.session_types]
    )
    assert fill.get_ylabel() and cancelled.get_ylabel()


def test_bar_figures_take_several_scenarios_and_missing_values(kpis):
    fewer = [r for r in kpis if not (r.metric == "cases" and r.group == "supersnelrecht")]
    fig = route_share_figure({"a": kpis, "b": fewer}, "two")
    (ax,) = panels(fig)
    assert len(ax.patches) == 2 * len(ROUTES)
    assert "no data" in texts(ax)
    (legend,) = fig.legends  # under the plot, not over the bars
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]


def assert_labelled_single(fig: Figure) -> None:
    assert fig._suptitle.get_text().strip()
    (ax,) = panels(fig)
    assert ax.get_ylabel().strip()
    assert all(t.get_fontsize() >= 12 for t in ax.get_xticklabels() + ax.get_yticklabels())


# ------------------------------------------------------------------------------------------------ comparison


def test_plot_comparison_draws_every_scenario_side_by_side(results, tmp_path):
    # a comparison folder as `ketensim compare` writes it: one results folder per scenario and a provenance.json
    folder = tmp_path / "cmp"
    for name in ("reference", "variant"):
        shutil.copytree(results, folder / name, ignore=shutil.ignore_patterns("plots"))
    (folder / "provenance.json").write_text(json.dumps({"scenarios": ["reference", "variant"]}))
    files = plot_comparison(folder)
    assert files == [folder / "plots" / name for name in FILES]
    for f in files:
        assert np.any(mpimg.imread(f)[..., :3] < 0.95, axis=-1).mean() > 0.03
    assert not (folder / "reference" / "plots").exists()


def test_plot_comparison_refuses_a_folder_without_scenarios(results, tmp_path):
    (tmp_path / "provenance.json").write_text(json.dumps({"scenario": "x"}))
    with pytest.raises(ValueError, match="names no scenarios"):
        plot_comparison(tmp_path)


def test_long_titles_are_wrapped_between_what_and_which_scenarios():
    title = (
        "Fast-track routes: time to the verdict hearing within the legal window — scenarios “a-long-name” vs “b” "
        "vs “c-another-long-name”"
    )
    fig = lead_time_figure({"a": {"sepot": np.array([1.0, 2.0])}}, title)
    assert fig._suptitle.get_text().split("\n") == [title.split(" — ")[0], title.split(" — ")[1]]


def test_a_wrapped_title_never_leaves_a_sign_at_the_end_of_a_line():
    from sim.figures.style import _wrap_title

    for n in range(30, 90):
        title = "x" * n + " politierechter decided ≤ 35 days and MK ≥ 6 months of the first hearing in the route"
        lines = _wrap_title(title, 6.0).split("\n")
        assert len(lines) > 1
        assert not any(line.rstrip().endswith(("≤", "≥")) for line in lines), lines


def test_kpi_rows_of_a_breakdown_are_not_taken_for_the_whole_chain(kpis):
    regional = [
        KpiRow(r.metric, r.group, r.mean * 100, r.ci_low, r.ci_high, r.n, "region=amsterdam")
        for r in kpis
        if r.metric == "cases"
    ]
    fig = route_share_figure(list(kpis) + regional, "with a breakdown")
    (ax,) = panels(fig)
    assert [p.get_height() for p in ax.patches] == pytest.approx([kpi(kpis, "cases", r).mean for r in ROUTES])


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_plot_refuses_a_folder_without_provenance(tmp_path):
    folder = tmp_path / "not-results"
    folder.mkdir()
    result = CliRunner().invoke(app, ["plot", str(folder)])
    assert result.exit_code == 2
    assert str(folder) in result.output
    assert "provenance.json" in result.output
    assert not (folder / "plots").exists()


def test_cli_plot_draws_into_the_results_folder(results):
    result = CliRunner().invoke(app, ["plot", str(results)])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert name in result.output
        assert (results / "plots" / name).stat().st_size > 10_000
    # drawn again (run, then plot) into the same six files, nothing else
    assert sorted(p.name for p in (results / "plots").iterdir()) == sorted(FILES)


def test_days_format_is_readable():
    assert formatting.days(1.234) == "1.2" and formatting.days(27.86) == "28" and formatting.days(1234.0) == "1,234"
    assert (
        formatting.thousands(8500) == "8.5k"
        and formatting.thousands(12000) == "12k"
        and formatting.thousands(750) == "750"
    )
    assert formatting.days(0.0) == "0.0" and formatting.days(9.96) == "10.0"


# ------------------------------------------------------------------------------------------------ comparison figures


@pytest.fixture(scope="module")
def chain(results, info):
    return read_chain_tables(results, info)


def _case_columns(results, columns):
    import pyarrow.parquet as pq

    return pq.read_table(results / "cases.parquet", columns=list(columns)).to_pandas()


def test_chain_flows_add_up_to_the_om_intake_and_the_routes(chain, kpis):
    # kpis.csv keeps 6 significant digits
    assert sum(chain.flows.values()) == pytest.approx(kpi(kpis, "om_intake", "all").mean, rel=1e-5)
    ended_in_sepot = sum(v for (ch, ini, fin, end), v in chain.flows.items() if fin == "sepot")
    assert ended_in_sepot == pytest.approx(kpi(kpis, "cases", "sepot").mean, rel=1e-5)
    assert all(end == "sepot" for (ch, ini, fin, end) in chain.flows if fin == "sepot")
    # a fall-back only ever goes to a slower route; a breached conditional sepot goes to a regular summons
    order = list(ROUTES)
    for _ch, ini, fin, _end in chain.flows:
        if ini == "conditional_sepot" and fin != ini:
            assert fin == "regular"
        elif ini != fin and "undecided" not in (ini, fin):
            assert ini in FAST_TRACK and order.index(fin) > order.index(ini)


def test_weekly_counts_and_monthly_medians_match_the_case_records(results, info, chain):
    t = _case_columns(results, ["replication", "region", "route", "t_registration", "t_decision", "t_verdict"])
    rep0 = t[t.replication == 0]
    assert chain.weekly.counts["t_verdict"][0].sum() == rep0.t_verdict.notna().sum()
    assert chain.weekly.week_starts[1] - chain.weekly.week_starts[0] == np.timedelta64(7, "D")
    assert list(chain.regions.lead_days) == list(info.regions)
    region = info.regions[0]
    a = chain.regions.lead_days[region]
    assert a.shape == (2, len(chain.regions.months))
    month = int(np.nanargmax(np.isfinite(a[0])) + 3)  # a month after the warm-up has begun
    start = np.datetime64(info.start_date, "D")
    reg_month = (start + np.floor(rep0.t_registration.to_numpy()).astype("timedelta64[D]")).astype("datetime64[M]")
    om = rep0.route.astype(str).isin(list(OM_ROUTES)).to_numpy()
    lead = np.where(om, rep0.t_decision, rep0.t_verdict) - rep0.t_registration.to_numpy()
    sel = (rep0.region.astype(str) == region).to_numpy() & (reg_month == chain.regions.months[month]) & ~np.isnan(lead)
    assert a[0, month] == pytest.approx(np.median(lead[sel]), rel=1e-5)


def test_region_change_dates_follow_national_and_regional_schedules():
    ref = {"courts": {"pr": 5.0}, "regions": {"a": {"override": {}}, "b": {"override": {}}}}
    phased = {
        "courts": {"pr": [["2019-01-01", 5.0], ["2021-09-01", 6.0]]},
        "regions": {
            "a": {"override": {"courts": {"pr": [["2019-01-01", 2.0], ["2021-03-01", 3.0]]}}},
            "b": {"override": {}},
        },
    }
    dates = region_change_dates(ref, phased)
    assert dates == {"a": [dt.date(2021, 3, 1)], "b": [dt.date(2021, 9, 1)]}
    assert region_change_dates(ref, ref) == {"a": [], "b": []}


def test_window_attainment_figure_bars_are_the_kpis(kpis, info):
    fig = window_attainment_figure({"baseline": kpis}, "windows", windows=info.windows)
    share, fallbacks = visible_axes(fig)
    assert [p.get_height() for p in share.patches] == pytest.approx(
        [100 * kpi(kpis, "within_window_share", r).mean for r in FAST_TRACK]
    )
    assert [p.get_height() for p in fallbacks.patches] == pytest.approx(
        [kpi(kpis, "fallbacks", r).mean for r in FAST_TRACK]
    )
    assert "≤ 2.5 days" in share.get_xticklabels()[0].get_text()
    assert share.get_ylabel() and fallbacks.get_ylabel() and fig._suptitle.get_fontsize() >= 14


def test_route_flow_figure_one_panel_per_scenario_with_numbers_and_differences(chain):
    fewer = {k: v * (0.5 if k[2] == "regular" else 1.0) for k, v in chain.flows.items()}
    fig = route_flow_figure({"baseline": chain.flows, "fewer": fewer}, "flows")
    first, second = visible_axes(fig)
    assert first.get_title(loc="left").startswith("baseline: OM intake")
    labels = texts(first)
    assert any(t.startswith("OM intake") for t in labels) and any(t.startswith("regular summons") for t in labels)
    regular = sum(v for k, v in chain.flows.items() if k[2] == "regular")
    # decided in (the fourth column): the numbers alone, beside the OM decision's named rows
    assert any(t.startswith(f"{regular / 2:,.0f} (−") for t in texts(second))
    fell = sum(v for (ch, ini, fin, end), v in chain.flows.items() if ini != fin and ini in FAST_TRACK)
    red = [
        p
        for p in first.patches
        if p.get_facecolor()[:3] == pytest.approx(tuple(int(FALLBACK_COLOUR[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    ]
    assert (len(red) > 0) == (fell > 0)
    fig.savefig(Path("/dev/null"), format="png")


def test_difference_figure_draws_intervals_around_zero():
    Row = type("Row", (), {})

    def row(metric, group, scenario, diff, lo, hi):
        r = Row()
        r.metric, r.group, r.scenario, r.breakdown = metric, group, scenario, "all"
        r.mean, r.diff, r.diff_ci_low, r.diff_ci_high = 1.0, diff, lo, hi
        return r

    rows = [
        row("days_to_decision_p50", "regular", "ref", 0, 0, 0),
        row("days_to_decision_p50", "regular", "new", -12.3, -14.1, -10.5),
        row("days_to_decision_p50", "sepot", "ref", 0, 0, 0),
        row("days_to_decision_p50", "sepot", "new", 0, 0, 0),
        row("within_window_share", "supersnelrecht", "ref", 0, 0, 0),
        row("within_window_share", "supersnelrecht", "new", 0.02, -0.01, 0.05),
    ]
    fig = difference_figure(rows, "differences")
    days, shares = visible_axes(fig)
    assert [t.get_text() for t in days.get_yticklabels()] == ["regular summons: median days to verdict"]
    assert 0.0 in vertical_lines(days) and 0.0 in vertical_lines(shares)
    assert "−12.3" in texts(days) and not texts(shares)  # only significant differences get their value
    assert "percentage points" in shares.get_xlabel()
    filled = [l for l in shares.get_lines() if l.get_marker() == "o"]
    assert filled and all(l.get_markerfacecolor() == "white" for l in filled)  # not significant: hollow
    note = " ".join(t.get_text() for t in fig.texts)
    assert "sepot (dismissal): median days to OM decision" in note.replace("\n", " ")


def test_region_effect_figure_small_multiples_of_paired_differences():
    months = np.arange(np.datetime64("2021-01"), np.datetime64("2021-07"))
    rng = np.random.default_rng(3)
    ref = {r: rng.uniform(20, 40, (3, months.size)) for r in ("north", "south")}
    new = {r: a - np.arange(months.size) for r, a in ref.items()}
    tables = {"ref": RegionMonthTable(months, ref), "new": RegionMonthTable(months, new)}
    dates = {"new": {"north": [dt.date(2021, 3, 1)], "south": [dt.date(2021, 5, 1)]}}
    fig = region_effect_figure(tables, "per region", change_dates=dates)
    north, south = visible_axes(fig)
    assert (north.get_title(), south.get_title()) == ("north", "south")
    (line,) = [l for l in north.get_lines() if len(l.get_xdata()) == months.size]
    np.testing.assert_allclose(line.get_ydata(), -np.arange(months.size))
    assert mdates.date2num(np.datetime64("2021-03-01")) in vertical_lines(north)
    assert mdates.date2num(np.datetime64("2021-05-01")) in vertical_lines(south)
    one = region_effect_figure({"ref": RegionMonthTable(months, {"all": ref["north"]})}, "one region")
    assert len(visible_axes(one)) == 1


def test_throughput_figure_one_panel_per_event(chain):
    fig = throughput_figure({"baseline": chain.weekly}, "weekly")
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == list(WEEKLY_EVENTS.values())
    assert all(ax.get_ylabel() == "cases per week" for ax in axes)
    (median,) = [l for l in axes[2].get_lines() if len(l.get_xdata()) > 2]
    np.testing.assert_allclose(median.get_ydata(), np.median(chain.weekly.counts["t_verdict"][:, :-1], axis=0))


def test_plot_comparison_adds_the_comparison_figures_for_a_compare_folder(results, kpis, tmp_path):
    from sim.compare import ComparisonRow, write_comparison

    folder = tmp_path / "cmp"
    for name in ("reference", "variant"):
        shutil.copytree(results, folder / name, ignore=shutil.ignore_patterns("plots"))
    (folder / "provenance.json").write_text(json.dumps({"scenarios": ["reference", "variant"]}))
    rows = []
    for r in kpis:
        rows.append(ComparisonRow(r.metric, r.group, "all", "reference", r.mean, r.ci_low, r.ci_high, r.n, 0, 0, 0))
        rows.append(
            ComparisonRow(
                r.metric,
                r.group,
                "all",
                "variant",
                r.mean * 1.1,
                r.ci_low,
                r.ci_high,
                r.n,
                r.mean * 0.1,
                r.mean * 0.05,
                r.mean * 0.15,
            )
        )
    write_comparison(rows, folder / "comparison.csv")
    files = plot_comparison(folder)
    expected = list(COMPARISON_FILES)
    expected.insert(expected.index("route_flow.png") + 1, "route_flow_2.png")  # one flow slide per scenario
    assert files == [folder / "plots" / n for n in list(FILES) + expected]
    for f in files[len(FILES) :]:
        img = mpimg.imread(f)[..., :3]
        assert np.any(img < 0.95, axis=-1).mean() > 0.03, f.name
        assert img.shape[1] >= 1500, f.name


# ------------------------------------------------------------------------------------------------ slides


def _four_scenarios(rows):
    """The same key figures as four scenarios (a crowded plot: four bars per group), slightly apart."""
    out = {}
    for k, name in enumerate(("baseline", "actieplan", "officier-available", "zsm-selection")):
        f = 1 + 0.01 * k
        out[name] = [dataclasses.replace(r, mean=r.mean * f, ci_low=r.ci_low * f, ci_high=r.ci_high * f) for r in rows]
    return out


def test_every_figure_is_a_legible_16_9_slide_without_overlapping_or_cut_off_labels(results, kpis, chain):
    from sim.compare import ComparisonRow
    from sim.figures.sets import comparison_figures, standard_figures
    from sim.figures.style import legibility
    from sim.results import read_results

    tables = read_results(results)
    names = ("baseline", "actieplan", "officier-available", "zsm-selection")
    many = {n: dataclasses.replace(tables, kpis=rows) for n, rows in _four_scenarios(tables.kpis).items()}
    rows = []
    for k, n in enumerate(names):
        for r in kpis:
            d = 0.1 * k * r.mean
            rows.append(
                ComparisonRow(r.metric, r.group, "all", n, r.mean + d, r.ci_low, r.ci_high, r.n, d, d * 0.5, d * 1.5)
            )
    makers = dict(standard_figures(many))
    makers.update(comparison_figures(many, {n: chain for n in names}, rows))
    assert "route_flow_4.png" in makers and "difference_lead_times.png" in makers
    for name, make in makers.items():
        fig = make()
        w, h = fig.get_size_inches()
        assert w / h == pytest.approx(16 / 9), name
        smallest, overlaps, cut_off = legibility(fig)  # one layout pass for the three checks
        assert smallest >= 12, name  # 12 pt on a 16 in slide: legible at the back of a room
        assert overlaps == [], name
        assert cut_off == [], name
        assert titles_wider_than_their_panels(fig) == [], name


def test_window_boxes_stay_off_the_bars_and_the_reference_is_drawn_distinctly(cases, kpis, info):
    # four scenarios: four boxes of three lines on each panel, the crowded case a headroom formula got wrong
    many = _four_scenarios(kpis)
    fig = window_figure({n: cases.window_days for n in many}, info.windows, "windows", kpis=many)
    FigureCanvasAgg(fig).draw()  # laid out as it is saved
    for ax in panels(fig):
        boxes = [t.get_bbox_patch().get_window_extent() for t in ax.texts if t.get_bbox_patch() is not None]
        assert len(boxes) == 4
        bars = bar_rects(ax)
        assert bars
        for x0, x1, h in bars:
            (px0, py0), (px1, py1) = ax.transData.transform([(x0, 0.0), (x1, h)])
            for b in boxes:
                apart = px1 <= b.x0 or px0 >= b.x1 or py1 <= b.y0 or py0 >= b.y1
                assert apart, (ax.get_title(), (x0, x1, h), b)
        # the same days in every scenario: the reference's outline is the thickest, drawn first, so it stays seen
        outlines = [p for p in ax.patches if type(p).__name__ == "Polygon" and not p.get_fill()]
        widths = [p.get_linewidth() for p in outlines]
        assert len(widths) == 4 and widths[0] > max(widths[1:]), widths
    # the lead-time curves too
    lead = lead_time_figure({n: cases.decision_days for n in many}, "lead", groups=["sepot"])
    (ax,) = visible_axes(lead)
    curves = [line.get_linewidth() for line in ax.get_lines() if len(line.get_xdata()) > 10]
    assert len(curves) == 4 and curves[0] > max(curves[1:])


def titles_wider_than_their_panels(fig: Figure) -> list[str]:
    """The panel titles of a laid-out figure that run beyond their panel's width (by more than a pixel)."""
    from sim.figures.style import panel_titles

    renderer = fig._get_renderer()
    out = []
    for ax in visible_axes(fig):
        room = ax.get_window_extent(renderer).width
        out += [t.get_text() for t in panel_titles(ax) if t.get_window_extent(renderer).width > room + 1]
    return out


def test_crowded_bar_values_are_upright_and_do_not_overlap(kpis):
    from sim.figures.style import text_overlaps

    fig = route_share_figure(_four_scenarios(kpis), "routes")
    (ax,) = panels(fig)
    values = [t for t in ax.texts if t.get_text()[:1].isdigit()]
    assert len(values) == 4 * len(ROUTES)  # one value per bar, none dropped
    assert all(t.get_rotation() == 90 for t in values)
    assert text_overlaps(fig) == []
    assert ax.get_legend() is None  # the legend sits under the plot, not over the bars


def test_difference_slide_keeps_the_significant_rows_that_fit_and_colours_better_and_worse():
    from sim.figures.differences import difference_rows_that_fit
    from sim.figures.style import BETTER_COLOUR, WORSE_COLOUR

    Row = type("Row", (), {})

    def row(metric, group, scenario, mean, diff, lo, hi):
        r = Row()
        r.metric, r.group, r.scenario, r.breakdown = metric, group, scenario, "all"
        r.mean, r.diff, r.diff_ci_low, r.diff_ci_high = mean, diff, lo, hi
        return r

    stages = ("police", "om_zsm", "om_regular", "ready_to_plan", "court", "appeal", "cjib_delivery", "fine")
    rows = []
    for k, st in enumerate(stages):
        rows.append(row("backlog_end", st, "ref", 100.0, 0, 0, 0))
        d = -(k + 1) * 5.0  # fewer cases in backlog: better
        rows.append(row("backlog_end", st, "new", 100.0 + d, d, d - 2, d + 2))
    rows.append(row("open_at_end", "all", "ref", 100.0, 0, 0, 0))
    rows.append(row("open_at_end", "all", "new", 130.0, 30.0, 20.0, 40.0))  # worse
    rows.append(row("backlog_end", "taakstraf", "ref", 100.0, 0, 0, 0))
    rows.append(row("backlog_end", "taakstraf", "new", 100.0, 1.0, -3.0, 5.0))  # not significant
    fig = difference_figure(rows, "backlogs", panels=(MAIN_DIFFERENCES[3],), significant_only=True, max_rows=5)
    (ax,) = visible_axes(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 5 and not any("taakstraf" in t for t in labels)
    assert any("still open" in t for t in labels)  # the largest relative differences are kept
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["+30.0"] == WORSE_COLOUR and colours["−40.0"] == BETTER_COLOUR
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "No significant difference in any scenario" in note and "Smaller differences" in note
    assert difference_rows_that_fit(1) >= difference_rows_that_fit(3) >= 3
