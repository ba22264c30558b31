"""Words in two languages (`sim.labels`): every English label has its Dutch entry, and with ``--lang nl`` the report,
the figures and the console summary speak Dutch (the chain's terms) and keep no English heading; the lead-time
panels of the fast-track routes mark their legal windows.

One small comparison (the one-district 5% baseline and the same with police files completed twice as fast, 2
replications each, as in tests/test_report.py) is run once for the module; the report and the figures are drawn
from it in Dutch.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import small_scenario
from matplotlib.text import Text
from typer.testing import CliRunner

from sim import labels as L
from sim import settings_text
from sim.catalogue import GOALS, KEY_FIGURES, THEMES
from sim.cli.app import app, console
from sim.cli.summary import print_comparison, print_summary
from sim.compare import compare
from sim.figures.differences import window_attainment_figure
from sim.figures.lead_times import lead_time_figure
from sim.figures.sets import standard_figures
from sim.figures.style import text_overlaps
from sim.report import CAPTIONS
from sim.results import read_comparison_rows, read_results
from sim.scenario import FAST_TRACK, ROUTES, from_dict

runner = CliRunner()

LABEL_TABLES = {name: table for name in dir(L) if isinstance(table := getattr(L, name), L.TranslatedLabels)}
# Headings of the English report and figures that a Dutch one must not show.
ENGLISH_HEADINGS = (
    "Summary",
    "What was found",
    "The scenarios",
    "Key figures per theme",
    "All significant differences",
    "The scenarios and their settings",
    "Model vs published figures",
    "Provenance",
    "Plots",
    "Fast-track windows",
    "Backlogs",
    "Court sessions",
)
DUTCH_HEADINGS = (
    "Samenvatting",
    "Bevindingen",
    "De scenario's",
    "Kerncijfers per thema",
    "Alle significante verschillen",
    "Herkomst",
    "Figuren",
    "Voorraden",
    "Zittingen",
)


# ------------------------------------------------------------------------------------------------ the table


def test_every_english_label_has_a_dutch_entry():
    missing = [
        f"{name}[{key}] = {value!r}"
        for name, table in LABEL_TABLES.items()
        for key, value in dict.items(table)
        if value not in L.NL
    ]
    missing += [f"KEY_FIGURES[{m}].label = {k.label!r}" for m, k in KEY_FIGURES.items() if k.label not in L.NL]
    missing += [f"KEY_FIGURES[{m}].unit = {k.unit!r}" for m, k in KEY_FIGURES.items() if k.unit and k.unit not in L.NL]
    missing += [f"KEY_FIGURES[{m}].groups = {k.groups!r}" for m, k in KEY_FIGURES.items() if k.groups not in L.NL]
    missing += [f"THEMES[{t}] = {h!r}" for t, h in dict.items(THEMES) if h not in L.NL]
    missing += [f"CAPTIONS[{f}]" for f, c in CAPTIONS.items() if c not in L.NL]
    missing += [f"decided_at({r})" for r in ROUTES if L.decided_at(r) not in L.NL]
    missing += [f"UNDECIDED_LABEL = {L.UNDECIDED_LABEL!r}"] if L.UNDECIDED_LABEL not in L.NL else []
    sentences = [text for _, _, text in settings_text.RULES] + list(settings_text.OM_SITUATIONS.values())
    missing += [f"settings_text: {t!r}" for t in sentences + list(settings_text.DESKS.values()) if t not in L.NL]
    assert not missing, "no Dutch entry for:\n" + "\n".join(missing)
    assert len(LABEL_TABLES) >= 9 and GOALS  # the tables are found, not an empty set that passes trivially


def test_every_text_the_code_translates_has_a_dutch_entry():
    """Every string literal the package hands to `tr` (both branches of a conditional too) is in the table, so a
    new English heading cannot slip into the Dutch report unseen."""
    missing, seen = [], 0
    for path in sorted(Path(L.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args):
                continue
            arg = node.args[0]
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for o in options:
                if isinstance(o, ast.Constant) and isinstance(o.value, str):
                    seen += 1
                    if o.value not in L.NL:
                        missing.append(f"{path.name}:{node.lineno}: {o.value!r}")
    assert not missing, "\n".join(missing)
    assert seen > 50  # the calls are found


def test_dutch_entries_keep_their_placeholders():
    for en, nl in L.NL.items():
        assert re.findall(r"\{\w+\}", en) == re.findall(r"\{\w+\}", nl) or set(re.findall(r"\{\w+\}", en)) == set(
            re.findall(r"\{\w+\}", nl)
        ), en


def test_lookups_follow_the_language_and_english_is_the_default():
    assert L.language() == "en"
    assert L.ROUTE_LABELS["regular"] == "regular summons"
    with L.use_language("nl"):
        assert L.ROUTE_LABELS["regular"] == "reguliere dagvaarding"
        assert L.STAGE_LABELS.get("police", "police") == "politie"
        assert L.tr_phrases("Backlog (voorraad) per stage over time — scenario “regular”") == (
            "Voorraad per fase in de tijd — scenario “regular”"  # a quoted scenario name stays as it is
        )
        assert L.tr("an unknown text") == "an unknown text"
    assert L.ROUTE_LABELS["regular"] == "regular summons"
    with L.use_language("nl"):
        said = settings_text.describe_change("om.decision_mix.vvc.zsm_arrested.supersnelrecht", 0.05, 0.08)
    assert said == "5% → 8% van de VVC-zaken afgedaan op ZSM met de verdachte aangehouden naar supersnelrecht"
    with pytest.raises(ValueError, match="en, nl"):
        with L.use_language("de"):
            pass


# ------------------------------------------------------------------------------------------------ in Dutch


def named(sc, name):
    data = sc.resolved_dict()
    data["name"] = name
    return from_dict(data)


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    period = dict(horizon_days=300.0, warmup_days=60.0, runout_days=150.0)
    base = named(small_scenario(**period), "reference")
    faster = named(small_scenario(**period, extra={"police": {"file_completion": {"scale": 0.5}}}), "faster-files")
    out = tmp_path_factory.mktemp("lang") / "cmp"
    compare([base, faster], replications=2, seed=5, out_dir=out, jobs=1)
    return out


def _visible_text(html_text: str) -> str:
    body = re.sub(r"<style>.*?</style>", "", html_text, flags=re.S)
    body = re.sub(r'src="data:[^"]*"', "", body)
    return re.sub(r"<[^>]+>", "\n", body)


def test_the_dutch_report_has_dutch_headings_and_no_english_ones(compared, tmp_path, monkeypatch):
    # the figures are made (their titles are the images' alt texts) but not painted: this test reads words, and
    # painting 16 slides was most of its time (the pictures themselves are checked in tests/test_report.py)
    from sim import report

    monkeypatch.setattr(report, "_png_data_uri", lambda fig: "data:image/png;base64,")
    out = tmp_path / "rapport.html"
    r = runner.invoke(app, ["report", str(compared), "--out", str(out), "--lang", "nl"])
    assert r.exit_code == 0, r.output
    html_text = out.read_text(encoding="utf-8")
    assert '<html lang="nl">' in html_text
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html_text)]
    for dutch in DUTCH_HEADINGS:
        assert dutch in headings, (dutch, headings)
    for english in ENGLISH_HEADINGS:
        assert english not in headings, (english, headings)
    lines = {line.strip() for line in _visible_text(html_text).split("\n")}
    assert not lines & {"key figure", "Summary", "Plots", "Provenance", "What was found"}
    assert "Figuur 1." in lines and "kerncijfer" in lines
    assert "OM-beslissing" in html_text and "doorlooptijd" in html_text.lower()
    # numbers the Dutch way: a decimal comma (12,3), a point only between thousands (1.234)
    cells = " ".join(re.findall(r'<td class="num[^"]*">(.*?)</td>', html_text))
    assert re.search(r"\d,\d", cells), cells[:500]
    assert not re.search(r"\d\.\d{1,2}(?!\d)", cells), re.findall(r"\S*\d\.\d{1,2}(?!\d)\S*", cells)[:5]


def _texts(fig) -> list[str]:
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_a_dutch_figure_has_dutch_titles_axes_and_legends(compared):
    tables = {n: read_results(compared / n) for n in ("reference", "faster-files")}
    with L.use_language("nl"):
        figures = standard_figures(tables)
        lead = figures["lead_times_per_route.png"]()
        backlog = figures["backlog_per_stage.png"]()
    texts = _texts(lead)
    joined = "\n".join(texts)
    assert lead._suptitle.get_text().startswith("Doorlooptijd per route")  # type: ignore[attr-defined]
    for dutch in ("reguliere dagvaarding", "snelrecht, gedetineerd", "% van de zaken (cumulatief)", "dagen"):
        assert dutch in joined, dutch
    for english in ("regular summons", "% of cases (cumulative)", "Lead time per route", "Markers:"):
        assert english not in joined, english
    assert "reference" in texts and "faster-files" in texts  # scenario names on the legend stay as they are
    assert not text_overlaps(lead)
    backlog.draw_without_rendering()
    renderer = backlog._get_renderer()
    for ax in (a for a in backlog.axes if a.get_visible()):  # Dutch stage names run longer: broken, not cut
        assert ax.title.get_window_extent(renderer).width <= ax.get_window_extent(renderer).width, ax.get_title()
    assert "OM: gereed voor\nplanning ter zitting" in [ax.get_title() for ax in backlog.axes]  # too long for one
    backlog_texts = "\n".join(_texts(backlog))
    assert "Voorraad per fase" in backlog_texts and "politie" in backlog_texts
    assert "Backlog" not in backlog_texts and "cases in the stage" not in backlog_texts


def test_fixed_tick_labels_are_translated_too(compared):
    info = read_results(compared / "reference").info
    with L.use_language("nl"):
        fig = window_attainment_figure(
            {"reference": read_results(compared / "reference").kpis}, "x", windows=info.windows
        )
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "supersnelrecht\n(termijn ≤ 3 dagen)", ticks
    assert not any("window" in t or "days" in t for t in ticks), ticks


def test_the_console_summary_in_dutch(compared):
    rows = read_results(compared / "reference").kpis
    with L.use_language("nl"), console.capture() as capture:
        print_summary(rows, title="reference: kerncijfers")
        print_comparison(read_comparison_rows(compared), ["reference", "faster-files"])
    text = capture.get()
    for dutch in ("Afdoeningsroutes", "Voorraden", "gemiddelde ± 95%-BI", "kerncijfer", "Vergeleken met"):
        assert dutch in text, dutch
    for english in ("Backlogs", "key figure", "mean ± 95% CI", "Compared with", "median days"):
        assert english not in text, english
    assert re.search(r"\d,\d+ ±\d", text)  # a decimal comma, the interval to the same decimals
    assert not re.search(r"\d\.\d{1,2} ±|±\d+\.\d{1,2}(?!\d)", text)
    assert re.search(r"\[[+−-]?\d[\d.,]*; [+−-]?\d", text)  # the bounds of a difference parted by ";"


def test_numbers_are_written_the_dutch_way_in_dutch():
    from sim import formatting as fmt

    cases = [
        (fmt.number, 1234.5, "1,234", "1.234"),
        (fmt.number, 12.34, "12.3", "12,3"),
        (fmt.signed, -0.456, "−0.46", "−0,46"),
        (fmt.whole, 28757.0, "28,757", "28.757"),
        (fmt.days, 2.5, "2.5", "2,5"),
        (lambda v: fmt.percent(v, 1), 0.94, "0.9%", "0,9%"),
        (lambda v: fmt.percent(v), 12.4, "12%", "12%"),
        (lambda v: fmt.bar_value(v, True), 4.5, "4.5%", "4,5%"),
        (fmt.thousands, 8500.0, "8.5k", "8,5k"),
        (lambda v: fmt.window_span(2.5, v), 17.5, "2.5–17.5 days", "2,5–17,5 days"),
        (fmt.console_number, 1234.4, "1,234", "1.234"),
        (lambda v: fmt.console_mean_ci(v, v - 56.7, v + 56.7), 1234.4, "1,234 ±57", "1.234 ±57"),
        (lambda v: fmt.console_mean_ci(v, v - 0.234, v + 0.234), 2.0, "2.00 ±0.23", "2,00 ±0,23"),
        (
            lambda v: fmt.console_difference(v, 4.44, 20.1, True),
            12.34,
            "+12.3 [+4.4, +20.1] *",
            "+12,3 [+4,4; +20,1] *",
        ),
        (lambda v: fmt.console_difference(v, float("nan"), float("nan"), False), 0.5, "+0.500", "+0,500"),
    ]
    for f, v, en, nl in cases:
        assert f(v) == en, (f, v)
        with L.use_language("nl"):
            assert f(v) == nl, (f, v)


def test_a_dutch_figure_writes_its_numbers_the_dutch_way_also_when_drawn_later(compared):
    from sim.figures.routes import route_share_figure
    from sim.figures.windows import window_figure

    tables = read_results(compared / "reference")
    with L.use_language("nl"):
        shares = route_share_figure({"reference": tables.kpis}, "x")
        windows = window_figure(
            {"reference": tables.cases.window_days}, tables.info.windows, "x", kpis={"reference": tables.kpis}
        )
    for fig in (shares, windows):  # drawn outside the language, as a notebook would
        fig.draw_without_rendering()
    values = [t.get_text() for t in shares.axes[0].texts]
    assert any(re.fullmatch(r"[\d.]+\n\d+,\d%", v) for v in values), values  # "3.484\n20,6%"
    ticks = [t.get_text() for t in shares.axes[0].get_yticklabels()]
    assert any("." in t for t in ticks) and not any("," in t for t in ticks), ticks  # 2.000, 4.000
    days = [t.get_text() for t in windows.axes[0].get_xticklabels()]  # supersnelrecht: 0,0 0,5 ... 2,5 (or 0 1 2 3)
    assert not any("." in t for t in days), days


def test_districts_have_their_proper_names_on_figures_and_in_the_report():
    import tomllib

    from sim.figures.differences import region_effect_figure
    from sim.results import RegionMonthTable

    baseline = tomllib.loads((Path(__file__).parents[1] / "scenarios" / "baseline.toml").read_text())
    keys = list(baseline["regions"])
    assert len(keys) == 11 and all(k in L.REGION_NAMES for k in keys), keys  # the project's own region list
    assert [L.region_label(k) for k in ("den-haag", "oost-brabant", "zeeland-west-brabant", "midden-nederland")] == [
        "Den Haag",
        "Oost-Brabant",
        "Zeeland-West-Brabant",
        "Midden-Nederland",
    ]
    assert L.region_label("district") == "district"  # a region the table does not know keeps its key
    months = np.arange("2024-01", "2024-07", dtype="datetime64[M]")
    lead = {k: np.full((2, months.size), 30.0) for k in ("noord-holland", "den-haag")}
    fig = region_effect_figure(RegionMonthTable(months, lead), "regions", paired=False)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["Noord-Holland", "Den Haag"]
    assert L.breakdown_label("region=oost-brabant") == "arrondissement Oost-Brabant"
    with L.use_language("nl"):
        assert L.breakdown_label("stream=vvc") == "stroom: vvc"


def test_cli_run_compare_plot_report_and_export_take_lang():
    for command in ("run", "compare", "plot", "report", "export"):
        r = runner.invoke(app, [command, "--help"])
        assert "--lang" in r.output, command


# ------------------------------------------------------------------------------------------------ legal windows

WINDOWS = {"supersnelrecht": (0.0, 3.0), "snelrecht_detained": (0.0, 17.0), "snelrecht_not_detained": (14.0, 28.0)}


def _window_lines(ax) -> list[float]:
    return [float(line.get_xdata()[0]) for line in ax.get_lines() if line.get_gid() == "legal-window"]


def test_fast_track_lead_time_panels_mark_their_legal_windows():
    rng = np.random.default_rng(3)
    days = {r: rng.lognormal(1.5, 1.0, 400) for r in ROUTES}
    fig = lead_time_figure(days, "lead times", groups=ROUTES, windows=WINDOWS)
    panels = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    for route in ROUTES:
        ax = panels[L.ROUTE_LABELS[route]]
        lines = _window_lines(ax)
        if route in FAST_TRACK:
            assert lines == [WINDOWS[route][1]], route
            lo, hi = ax.get_xlim()
            assert lo < WINDOWS[route][1] < hi, route  # inside the panel, not cut off
            labels = [t.get_text() for t in ax.texts if t.get_gid() == "legal-window-label"]
            assert len(labels) == 1 and f"{WINDOWS[route][1]:g} days" in labels[0], (route, labels)
        else:
            assert lines == [], route
    not_detained = panels[L.ROUTE_LABELS["snelrecht_not_detained"]]
    assert [p.get_gid() for p in not_detained.patches] == ["legal-window-span"]  # 14–28 days shaded
    assert not text_overlaps(fig)


def test_the_standard_lead_time_figure_marks_the_scenarios_windows(compared):
    tables = {"reference": read_results(compared / "reference")}
    fig = standard_figures(tables)["lead_times_per_route.png"]()
    windows = tables["reference"].info.windows
    found = {ax.get_title(): _window_lines(ax) for ax in fig.axes if ax.get_visible()}
    assert {L.ROUTE_LABELS[r]: [windows[r][1]] for r in FAST_TRACK} == {k: v for k, v in found.items() if v}
    assert sorted(windows[r][1] for r in FAST_TRACK) == [3.0, 17.0, 28.0]
