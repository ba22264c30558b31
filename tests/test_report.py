"""The workshop report: one self-contained HTML file, checked as text and rendered in a real (headless) browser.

One small comparison (the one-district 5% baseline, and the same with police case files completed twice as fast; 2
replications each) is run once for the module and reported through the command line; the tests read that file.
Faster files is a built-in significant difference even with two replications: file completion is a pure delay, so
with common random numbers every case without an arrest reaches the OM sooner by half its own completion time.

The browser test needs Debian's `chromium` (``tests/setup-browser.sh`` installs it) and is skipped, saying why, when
it is not there.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from conftest import small_scenario
from typer.testing import CliRunner

from sim import report as R
from sim.cli.app import app
from sim.compare import ComparisonRow, compare
from sim.outputs import write_marker
from sim.scenario import from_dict

runner = CliRunner()


def named(sc, name, description=None):
    data = sc.resolved_dict()
    data["name"] = name
    if description is not None:
        data["description"] = description
    return from_dict(data)


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    period = dict(horizon_days=300.0, warmup_days=60.0, runout_days=150.0)
    base = named(small_scenario(**period), "reference", "One district at 5% of the country <b>&</b> its courts.")
    faster = named(
        small_scenario(**period, extra={"police": {"file_completion": {"scale": 0.5}}}),
        "faster-files",
        "Police case files completed twice as fast.",
    )
    out = tmp_path_factory.mktemp("report") / "cmp"
    compare([base, faster], replications=2, seed=5, out_dir=out, jobs=1)
    return out


@pytest.fixture(scope="module")
def report_file(compared, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "workshop.html"
    r = runner.invoke(app, ["report", str(compared), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert str(out) in r.output.replace("\n", "")
    return out


@pytest.fixture(scope="module")
def html_text(report_file) -> str:
    return report_file.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------ the file


def test_one_self_contained_file(report_file, html_text):
    assert html_text.startswith("<!DOCTYPE html>") and html_text.rstrip().endswith("</html>")
    assert "http://" not in html_text and "https://" not in html_text  # no external address at all
    assert "<script" not in html_text.lower() and "<link" not in html_text.lower()
    imgs = re.findall(r"<img\b[^>]*>", html_text)
    assert len(imgs) >= 10
    for tag in imgs:
        src = re.search(r'src="([^"]*)"', tag).group(1)
        assert src.startswith("data:image/png;base64,"), src[:40]
    for ref in re.findall(r'(?:href|src)="([^"]*)"', html_text):
        assert ref.startswith(("#", "data:")), ref[:60]
    assert list(report_file.parent.iterdir()) == [report_file]  # written atomically: no temporary file left


def test_sections_in_workshop_order(html_text):
    # what was found first (the summary), then the figures, then the details, provenance last
    order = [
        'id="summary"',
        'id="findings"',
        'id="plots"',
        'id="table"',
        'id="differences"',
        'id="scenarios"',
        'id="provenance"',
    ]
    positions = [html_text.index(marker) for marker in order]
    assert positions == sorted(positions)
    for words in (
        "Seed",
        "Replications",
        "ketensim version",
        "Command (compare)",
        "Command (report)",
        "ketensim report",
    ):
        assert words in html_text, words


def test_descriptions_are_shown_and_escaped(html_text):
    assert "One district at 5% of the country &lt;b&gt;&amp;&lt;/b&gt; its courts." in html_text
    assert "<b>&</b>" not in html_text
    assert "Police case files completed twice as fast." in html_text


def test_changes_table_names_the_key_that_differs(html_text):
    section = html_text[html_text.index('id="scenarios"') : html_text.index('id="provenance"')]
    assert "<code>police.file_completion.scale</code>" in section
    row = section[section.rindex("<tr>", 0, section.index("police.file_completion.scale")) :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>([^<]*)</td>", row) == [
        "time for the police to complete a case file: × 1 → × 0.5",
        "1",
        "0.5",
    ]
    assert "replications" not in section and "<code>name</code>" not in section  # not a change of the model


def test_headline_finding_for_faster_files(html_text):
    section = html_text[html_text.index('id="differences"') : html_text.index('id="scenarios"')]
    item = re.search(r'<li class="better">(sepot \(dismissal\): median days to OM decision −[^<]*)</li>', section)
    assert item, section[:3000]
    text = item.group(1)
    assert re.search(r"−[\d.,]+ days \(95% CI −[\d.,]+ to −[\d.,]+\), from [\d.,]+ to [\d.,]+$", text), text


def test_summary_on_page_one_holds_the_question_scenarios_and_findings(html_text):
    summary = html_text[html_text.index('id="summary"') : html_text.index("</section>")]
    assert html_text.index('id="summary"') < html_text.index('id="plots"') < html_text.index('id="provenance"')
    assert "The question." in summary and "faster-files" in summary
    assert "time for the police to complete a case file: × 1 → × 0.5" in summary  # the setting in words
    items = re.findall(r'<li class="finding (better|worse)">(.*?)</li>', summary, flags=re.S)
    assert 1 <= len(items) <= R.MAX_SUMMARY_FINDINGS
    for direction, text in items:
        assert f'<span class="mark {direction}">{direction}</span>' in text
        assert "95% CI" in text


def test_capacity_per_station_is_one_table_with_a_row_per_station(html_text, compared):
    from sim import formatting as fmt
    from sim.kpis import read_csv
    from sim.labels import STATION_LABELS

    (table,) = re.findall(r'<table class="kpis stations">(.*?)</table>', html_text, flags=re.S)
    head = re.sub(r"<[^>]+>", "|", table.split("</tr>")[0])
    for column in ("station", "scenario", "capacity", "utilisation (%)", "mean wait (days)", "mean stock"):
        assert column in head, head
    kpis = {(r.metric, r.group): r for r in read_csv(compared / "reference" / "kpis.csv")}
    stations = [g for (m, g) in kpis if m == "station_utilisation"]
    assert len(stations) >= 5
    rows = table.split("</tr>")[1:]
    for g in stations:
        (row,) = [
            r for r in rows if f">{html.escape(STATION_LABELS[g])}</td>" in r
        ]  # the reference's row of the station
        cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row)
        assert len(cells) == 4, row
        util = kpis[("station_utilisation", g)].mean
        if util == util:  # NaN: a station without capacity
            assert cells[1].startswith(f"{fmt.number(100 * util)}%"), (g, cells[1])
        assert cells[2].startswith(fmt.number(kpis[("station_wait_days", g)].mean)), (g, cells[2])
    # and the station figures are no longer scattered over the catch-all "Chain" table
    chain = html_text.split("<h3>Chain</h3>")[1].split("</table>")[0] if "<h3>Chain</h3>" in html_text else ""
    assert "utilisation" not in chain and "mean wait" not in chain


def test_backlogs_averaged_over_the_period_with_the_days_to_clear_them(html_text, compared):
    import csv

    from sim import formatting as fmt
    from sim.kpis import read_csv

    (table,) = re.findall(r'<table class="kpis backlogs">(.*?)</table>', html_text, flags=re.S)
    row = next(r for r in table.split("</tr>") if ">police</td>" in r)  # the reference's row
    period, at_end, clear = (html.unescape(c) for c in re.findall(r'<td class="num">(.*?)</td>', row))
    # by hand from backlog.csv: days 60 (end of warm-up) to 299, the end of intake on day 300, then the run-out
    daily: dict[int, dict[int, float]] = {}
    with open(compared / "reference" / "backlog.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["stage"] == "police":
                daily.setdefault(int(r["replication"]), {})[int(r["day"])] = float(r["cases"])
    means = [np.mean([d[t] for t in range(60, 300)]) for d in daily.values()]
    assert period.startswith(fmt.number(float(np.mean(means))) + " ["), period
    kpi = {(r.metric, r.group): r for r in read_csv(compared / "reference" / "kpis.csv")}
    assert at_end.startswith(fmt.number(kpi[("backlog_end", "police")].mean)), at_end
    days = []
    for d in daily.values():
        below = [t - 300 for t in sorted(d) if t >= 300 and d[t] <= 0.1 * d[300]]
        days.append(below[0] if below else None)
    expected = f"> {fmt.number(max(daily[0]) - 300)}" if None in days else fmt.number(float(np.mean(days)))
    assert clear.startswith(expected), (clear, days)
    assert "Backlogs over the period" in html_text


def test_norm_attainment_within_chosen_days_beside_p50_and_p90(compared, tmp_path, monkeypatch):
    from sim import formatting as fmt
    from sim.figures.inputs import simulated_years
    from sim.results import read_results

    monkeypatch.setattr(R, "_png_data_uri", lambda fig: "data:image/png;base64,")  # words only: no painting

    out = tmp_path / "norms.html"
    r = runner.invoke(app, ["report", str(compared), "--out", str(out), "--norm-days", "20,150,400"])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    (table,) = re.findall(r'<table class="kpis norms">(.*?)</table>', text, flags=re.S)
    head = re.sub(r"<[^>]+>", "|", table.split("</tr>")[0])
    for column in ("p50 (days)", "p90 (days)", "within 20 days", "within 150 days", "within 400 days"):
        assert column in head, head
    assert "count decided cases and lean high" in text  # an OM route's shares are of decided cases only
    # by hand: the regular summons' verdicts within 20 and 150 days of registration (the run-out is 150 days, so
    # both are exact), of all the cases summoned, verdict or not; 400 days is more than the run-out: a lower bound
    t = read_results(compared / "reference")
    days = t.cases.decision_days["regular"]
    (cases,) = [k.mean for k in t.kpis if k.metric == "cases" and k.group == "regular" and k.breakdown == "all"]
    total = round(cases * simulated_years(t.info))
    row = next(r for r in table.split("</tr>") if ">regular summons</td>" in r)
    cells = [html.unescape(c) for c in re.findall(r'<td class="num[^"]*">(.*?)</td>', row)]
    p50 = next(
        k for k in t.kpis if k.metric == "days_to_decision_p50" and k.group == "regular" and k.breakdown == "all"
    )
    assert cells[0].startswith(fmt.number(p50.mean))
    assert cells[2] == fmt.percent(100 * np.count_nonzero(days <= 20) / total)
    assert cells[3] == fmt.percent(100 * np.count_nonzero(days <= 150) / total)
    assert cells[4].startswith("≥ ") or cells[4] == "100%"
    bad = runner.invoke(app, ["report", str(compared), "--out", str(tmp_path / "x.html"), "--norm-days", "5,a"])
    assert bad.exit_code == 2 and "--norm-days" in bad.output


def test_comparison_table_marks_significant_differences(html_text):
    section = html_text[html_text.index('id="table"') : html_text.index('id="differences"')]
    for theme in ("Routes", "Fast-track windows", "Backlogs", "Court sessions", "Chain"):
        assert f">{theme}</h3>" in section, theme
    row = section[section.index("sepot (dismissal): median days to OM decision") :]
    row = row[: row.index("</tr>")]
    assert "★ Δ −" in row and 'class="num sig better"' in row
    assert "Δ 0 (identical)" in section  # the intake is untouched by faster files


def test_every_plot_has_a_caption(html_text):
    figures = re.findall(r"<figure\b.*?</figure>", html_text, flags=re.S)
    assert len(figures) == len(R.PLOT_ORDER) + 1  # the flow diagram once per scenario
    for f in figures:
        caption = re.search(r"<figcaption>(.*?)</figcaption>", f, flags=re.S).group(1)
        assert len(re.sub("<[^>]+>", "", caption)) > 40


# ------------------------------------------------------------------------------------------------ runs, errors


def test_plain_runs_side_by_side_without_differences(compared):
    inputs = R.inspect([compared / "reference", compared / "faster-files"])
    assert inputs.kind == "runs" and not inputs.paired and inputs.names == ["reference", "faster-files"]
    text = R.build_report(inputs, plots=False)
    assert "not a paired comparison" in text or "not run as one paired comparison" in text
    assert 'id="findings"' not in text and "Δ" not in text
    assert "<code>police.file_completion.scale</code>" in text  # what differs is still shown


def test_the_same_run_twice_gets_two_names(compared):
    inputs = R.inspect([compared / "reference", compared / "reference"])
    assert len(set(inputs.names)) == 2


def test_cli_refuses_a_folder_that_is_not_a_results_folder(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("not results")
    out = tmp_path / "out.html"
    r = runner.invoke(app, ["report", str(folder), "--out", str(out)])
    assert r.exit_code == 2
    assert str(folder) in r.output and "provenance.json" in r.output and "Traceback" not in r.output
    assert not out.exists() and sorted(p.name for p in folder.iterdir()) == ["readme.txt"]


def test_cli_names_the_missing_files_of_a_compare_folder(tmp_path):
    folder = tmp_path / "cmp"
    folder.mkdir()
    (folder / "provenance.json").write_text(json.dumps({"scenarios": ["a", "b"]}))
    r = runner.invoke(app, ["report", str(folder)])
    assert r.exit_code == 2 and "not a complete ketensim output" in r.output  # no completion marker
    write_marker(folder, "compare")
    r = runner.invoke(app, ["report", str(folder)])
    assert r.exit_code == 2
    assert "comparison.csv" in r.output and "'a'" in r.output
    assert not (folder / "report.html").exists()
    r = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and "no such folder" in r.output


def test_cli_help_has_an_example():
    r = runner.invoke(app, ["report", "--help"])
    assert r.exit_code == 0 and "Example" in r.output


# ------------------------------------------------------------------------------------------------ pieces


def test_scenario_changes_and_readable_values():
    ref = {"name": "a", "courts": {"sessions": {"pr": {"per_week": 5.0, "weekdays": [0, 1]}}}, "x": 1.0}
    new = {
        "name": "b",
        "courts": {
            "sessions": {
                "pr": {"per_week": [["2021-03-01", 5.0], ["2021-06-01", 6.5]], "weekdays": [0, 1]},
                "rc": {"slots": 4.0},
            }
        },
        "x": 1.0,
    }
    changes = R.scenario_changes(ref, new)
    assert [c.path for c in changes] == ["courts.sessions.pr.per_week", "courts.sessions.rc.slots"]
    assert R.format_value(changes[0].before) == "5"
    assert R.format_value(changes[0].after) == "5 · from 2021-06-01: 6.5"
    assert R.format_value(changes[1].before) == "— (not set)" and R.format_value(changes[1].after) == "4"
    assert R.format_value(float("inf")) == "unlimited" and R.format_value(["a", "b"]) == "a, b"


def test_headline_findings_are_significant_only_and_largest_first():
    def row(metric, group, scenario, mean, diff, lo, hi):
        return ComparisonRow(metric, group, "all", scenario, mean, math.nan, math.nan, 3, diff, lo, hi)

    rows = [
        row("days_to_decision_p50", "regular", "ref", 50.0, 0, 0, 0),
        row("days_to_decision_p50", "regular", "new", 40.0, -10.0, -12.0, -8.0),
        row("within_window_share", "supersnelrecht", "ref", 0.60, 0, 0, 0),
        row("within_window_share", "supersnelrecht", "new", 0.90, 0.30, 0.25, 0.35),
        row("backlog_end", "court", "ref", 300.0, 0, 0, 0),
        row("backlog_end", "court", "new", 310.0, 10.0, -5.0, 25.0),  # not significant
    ]
    (findings,) = R.headline_findings(rows, "ref").values()
    assert [f.metric for f in findings] == ["within_window_share", "days_to_decision_p50"]
    assert findings[0].text == (
        "supersnelrecht: heard within the legal window +30.0 percentage points "
        "(95% CI +25.0 to +35.0), from 60.0% to 90.0%"
    )
    assert findings[1].text.startswith("regular summons: median days to verdict −10.0 days (95% CI −12.0 to −8.0)")
    assert findings[0].better == 1 and findings[1].better == 1


def _row(metric, group, scenario, mean, diff, lo, hi):
    return ComparisonRow(metric, group, "all", scenario, mean, math.nan, math.nan, 3, diff, lo, hi)


def test_a_figure_the_scenario_sets_itself_is_never_a_finding():
    # officier available at every snelrecht session: sessions cancelled falls to 0 by construction
    ref = {"courts": {"sessions": {"snelrecht": {"officier_share": 0.95}, "politierechter": {"officier_share": 0.9}}}}
    lever = {"courts": {"sessions": {"snelrecht": {"officier_share": 1.0}, "politierechter": {"officier_share": 0.9}}}}
    rows = [
        _row("sessions_cancelled_share", "snelrecht", "ref", 0.05, 0, 0, 0),
        _row("sessions_cancelled_share", "snelrecht", "lever", 0.0, -0.05, -0.06, -0.04),
        _row("sessions_cancelled_share", "politierechter", "ref", 0.10, 0, 0, 0),
        _row("sessions_cancelled_share", "politierechter", "lever", 0.07, -0.03, -0.04, -0.02),
        _row("within_window_share", "snelrecht_detained", "ref", 0.80, 0, 0, 0),
        _row("within_window_share", "snelrecht_detained", "lever", 0.84, 0.04, 0.02, 0.06),
    ]
    own = R.scenario_inputs({"ref": ref, "lever": lever}, "ref")
    assert own == {"lever": {"sessions_cancelled_share": {"snelrecht"}}}
    (found,) = R.headline_findings(rows, "ref", own).values()
    by_key = {(f.metric, f.group): f for f in found}
    assert by_key[("sessions_cancelled_share", "snelrecht")].input  # the lever's own input
    assert not by_key[("sessions_cancelled_share", "politierechter")].input  # not set by the lever
    (picked,) = R.summary_findings({"lever": found}).values()
    assert [(f.metric, f.group) for f in picked] == [("within_window_share", "snelrecht_detained")]


def test_summary_findings_follow_the_goals_and_hold_at_most_eight():
    rows = []
    for s in ("ref", "a", "b", "c"):
        d = 0.0 if s == "ref" else 1.0
        for route in ("supersnelrecht", "snelrecht_detained", "snelrecht_not_detained"):
            rows.append(_row("within_window_share", route, s, 0.5, -0.1 * d, -0.12 * d, -0.08 * d))
            rows.append(_row("fallbacks", route, s, 100.0, 20.0 * d, 10.0 * d, 30.0 * d))
        rows.append(_row("days_offence_to_execution_end_p50", "all", s, 200.0, -30.0 * d, -40.0 * d, -20.0 * d))
        rows.append(_row("backlog_end", "court", s, 500.0, 50.0 * d, 20.0 * d, 80.0 * d))
        rows.append(_row("cases", "supersnelrecht", s, 100.0, 60.0 * d, 50.0 * d, 70.0 * d))  # no direction
        rows.append(_row("backlog_end", "om_zsm", s, 500.0, 1.0 * d, 0.5 * d, 1.5 * d))  # too small to headline
    found = R.headline_findings(rows, "ref")
    picks = R.summary_findings(found)
    assert sum(len(p) for p in picks.values()) <= R.MAX_SUMMARY_FINDINGS
    assert [len(picks[s]) for s in ("a", "b", "c")] == [3, 3, 2]
    # goal by goal: end-to-end lead time first, then a window, then a stock, then fall-backs
    assert [f.metric for f in picks["a"]] == ["days_offence_to_execution_end_p50", "within_window_share", "backlog_end"]
    (only,) = R.summary_findings({"a": found["a"]}).values()
    assert len(only) == 8 and {f.metric for f in only} == {
        "days_offence_to_execution_end_p50",
        "within_window_share",
        "backlog_end",
        "fallbacks",
    }
    assert all(f.metric != "cases" and f.group != "om_zsm" for p in picks.values() for f in p)


def test_settings_in_words_and_units():
    from sim.settings_text import describe_change

    assert describe_change("om.decision_mix.vvc.zsm_arrested.supersnelrecht", 0.05, 0.08) == (
        "5% → 8% of VVC cases decided at ZSM with the suspect held to supersnelrecht"
    )
    assert describe_change("courts.sessions.snelrecht.officier_share", 0.95, 1.0) == (
        "95% → 100% of snelrecht sessions with an officier available"
    )
    assert describe_change("regions.rotterdam.override.om.zsm.return_share", 0.03, 0.015) == (
        "3% → 1.5% of the cases handled by the ZSM desk returned to the police (in rotterdam)"
    )
    assert describe_change("advice.nifp.duration.scale", 1.0, 0.7) == "time to write a NIFP advice report: × 1 → × 0.7"
    assert describe_change("courts.sessions.politierechter.per_week", [["2021-03-01", 5.0]], 6.0) == (
        "politierechter sessions per week: 5 → 6"
    )
    assert describe_change("some.new.key", 0.3, 0.5) == "some.new.key: 0.3 → 0.5"  # no words: the key and values


# ------------------------------------------------------------------------------------------------ a real browser


def _chromium() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def _run_chromium(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_renders_in_headless_chromium(report_file, tmp_path):
    exe = _chromium()
    if exe is None:
        pytest.skip(
            "chromium is not installed: run tests/setup-browser.sh (Debian: apt-get install chromium) "
            "to render the report in a real browser"
        )
    # 1. a screenshot of the top of the report: something is drawn (text, tables), not a blank page
    shot = tmp_path / "shot.png"
    res = _run_chromium(
        exe,
        tmp_path / "profile1",
        f"--screenshot={shot}",
        "--window-size=1400,3000",
        "--hide-scrollbars",
        report_file.as_uri(),
    )
    assert shot.exists(), res.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[0] >= 2000 and pixels.shape[1] >= 1000
    assert pixels.std() > 0.05, "the screenshot is blank"
    drawn = np.any(pixels < 0.9, axis=-1).mean()
    assert 0.01 < drawn < 0.9, f"{drawn:.1%} of the screenshot drawn"
    # 2. every image decodes: a copy of the report with a tiny script that counts the images loaded
    probe = tmp_path / "probe.html"
    script = (
        "<script>window.addEventListener('load', function () {"
        "var imgs = Array.prototype.slice.call(document.images);"
        "var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });"
        "document.body.setAttribute('data-images', imgs.length);"
        "document.body.setAttribute('data-images-loaded', ok.length);"
        "document.body.setAttribute('data-widths', ok.map(function (i) { return i.naturalWidth; }).join(','));"
        "var top = function (id) { return Math.round(document.getElementById(id).getBoundingClientRect().top); };"
        "document.body.setAttribute('data-screen', window.innerHeight);"
        "document.body.setAttribute('data-tops', [top('summary'), top('findings'), top('plots')].join(','));"
        "});</script>"
    )
    probe.write_text(report_file.read_text(encoding="utf-8").replace("</body>", script + "</body>"), encoding="utf-8")
    res = _run_chromium(
        exe,
        tmp_path / "profile2",
        "--dump-dom",
        "--virtual-time-budget=20000",
        "--window-size=1400,1000",
        probe.as_uri(),
    )
    total = re.search(r'data-images="(\d+)"', res.stdout)
    loaded = re.search(r'data-images-loaded="(\d+)"', res.stdout)
    assert total and loaded, (res.stdout[:500], res.stderr[-2000:])
    n_imgs = len(re.findall(r"<img\b", report_file.read_text(encoding="utf-8")))
    assert int(total.group(1)) == n_imgs and int(loaded.group(1)) == n_imgs
    widths = [int(w) for w in re.search(r'data-widths="([\d,]*)"', res.stdout).group(1).split(",")]
    assert min(widths) >= 1500  # the PNGs decoded at their full size
    # 3. the first screen holds the summary: its heading and its findings are above the fold, the plots below
    screen = int(re.search(r'data-screen="(\d+)"', res.stdout).group(1))
    summary, findings, plots = (int(t) for t in re.search(r'data-tops="([\d,-]*)"', res.stdout).group(1).split(","))
    assert 0 <= summary < findings < screen <= plots, (summary, findings, plots, screen)


def test_prints_on_a4_with_the_summary_on_page_one(report_file, tmp_path):
    exe = _chromium()
    if exe is None or shutil.which("pdftotext") is None:
        pytest.skip("needs chromium and pdftotext (tests/setup-browser.sh; Debian: apt-get install poppler-utils)")
    pdf = tmp_path / "report.pdf"
    res = _run_chromium(
        exe, tmp_path / "profile3", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report_file.as_uri()
    )
    assert pdf.exists(), res.stderr[-2000:]

    def page(first: int, last: int | None = None) -> str:
        args = ["pdftotext", "-f", str(first), "-l", str(last or first), str(pdf), "-"]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    one = page(1)
    assert "Summary" in one and "What was found" in one and "95% CI" in one
    assert "Figure 1." not in one and "Provenance" not in one  # page one is the summary alone
    everything = page(1, 999)
    assert everything.index("What was found") < everything.index("Figure 1.") < everything.rindex("Provenance")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info or "Page size" not in info, info


@pytest.fixture(scope="module")
def by_region(tmp_path_factory) -> Path:
    """The comparison of `compared` with its key figures also per region: the report folds a table per region."""
    regions = {"_replace": True, "den-haag": {"share": 0.6}, "zeeland-west-brabant": {"share": 0.4}}
    period = dict(horizon_days=300.0, warmup_days=60.0, runout_days=150.0, regions=regions)
    base = named(small_scenario(**period), "reference")
    faster = named(small_scenario(**period, extra={"police": {"file_completion": {"scale": 0.5}}}), "faster-files")
    out = tmp_path_factory.mktemp("by-region") / "cmp"
    compare([base, faster], replications=2, seed=5, out_dir=out, jobs=1, by="region")
    return out


def _folded(html_text: str) -> list[tuple[str, list[str]]]:
    """Each folded part (``<details>``) as its summary and the lines of text inside it."""
    out = []
    for summary, inner in re.findall(r"<details><summary>(.*?)</summary>(.*?)</details>", html_text, flags=re.S):
        lines = [html.unescape(t).strip() for t in re.sub(r"<[^>]+>", "\n", inner).split("\n")]
        out.append((html.unescape(summary), [t for t in lines if len(t) > 3]))
    return out


def test_a_district_table_sets_the_arrondissements_side_by_side(by_region):
    """With key figures per region, the details open with one table of the districts (their proper names), each
    with its lead times, norms, court stocks and session fill per scenario, the variant's paired difference beside."""
    text = R.build_report(R.inspect([by_region]), plots=False)
    table = re.search(r'<table class="kpis districts">(.*?)</table>', text, flags=re.S)
    assert table, "no district table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), flags=re.S)
    head = html.unescape(re.sub(r"<[^>]+>", "|", rows[0]))
    for words in ("arrondissement", "median days from offence", "within 5 weeks", "court", "session fill"):
        assert words in head, words
    body = html.unescape(" ".join(rows[1:]))
    assert "arrondissement Den Haag" in body and "arrondissement Zeeland-West-Brabant" in body
    assert len(rows) == 1 + 2 * 2  # a row per district and scenario
    assert body.count("Δ") >= 2 * 5  # the variant's differences, per district
    assert text.index("Per arrondissement") < text.index("<details><summary>arrondissement Den Haag")


def test_folded_parts_are_printed_open(by_region, tmp_path, monkeypatch):
    """The complaint was "collapsed lists vanish when printed": what a reader on screen must click open (the
    significant differences after the first few, the per-region tables) is in the printed PDF's text."""
    exe = _chromium()
    if exe is None or shutil.which("pdftotext") is None:
        pytest.skip("needs chromium and pdftotext (tests/setup-browser.sh; Debian: apt-get install poppler-utils)")
    monkeypatch.setattr(R, "MAX_HEADLINES", 2)  # so that this small comparison folds some of its differences
    text = R.build_report(R.inspect([by_region]), plots=False)
    folded = _folded(text)
    summaries = [s for s, _ in folded]
    assert any(s.endswith("more significant differences") for s in summaries), summaries
    assert "arrondissement Zeeland-West-Brabant" in summaries, summaries  # per region, by its proper name
    page = tmp_path / "folded.html"
    page.write_text(text, encoding="utf-8")
    pdf = tmp_path / "folded.pdf"
    res = _run_chromium(exe, tmp_path / "profile4", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.exists(), res.stderr[-2000:]
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeeze = lambda t: re.sub(r"\s+", "", t)  # noqa: E731  # pdftotext breaks lines where the page does
    printed = squeeze(printed)
    for summary, lines in folded:
        assert lines, summary
        for line in (lines[0], lines[len(lines) // 2], lines[-1]):  # the start, the middle and the end of it
            assert squeeze(line) in printed, (summary, line)


def _tiny_png(path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    fig.savefig(path)
    plt.close(fig)
    return path


def _capacity_folder(path: Path) -> Path:
    """A folder as `ketensim capacity --per-region` writes it: answers.csv, and per region answer.json and a curve."""
    target = "pr_within_5_weeks_share >= 0.9"
    (path / "den-haag").mkdir(parents=True)
    (path / "answers.csv").write_text(
        "region,lever,current,answer,below,replications_run,budget_exhausted,"
        f"{target}: mean at answer,{target}: ci_low,{target}: ci_high\n"
        "den-haag,courts.sessions.politierechter.per_week,12,14.5,14,30,False,0.93,0.91,0.95\n"
    )
    info = {"lever": "courts.sessions.politierechter.per_week", "targets": [target], "confidence": 0.95}
    (path / "den-haag" / "answer.json").write_text(json.dumps(info))
    _tiny_png(path / "den-haag" / "capacity_curve.png")
    write_marker(path, "capacity")
    return path


def _sensitivity_folder(path: Path) -> Path:
    from sim.sensitivity import tornado_csv

    path.mkdir(parents=True)
    head = tornado_csv([]).strip()
    row = "pr_within_5_weeks_share,1,courts.adjournment_share,0.12,0.05,0.4,0.9,0.89,0.91,0.06,0.05,0.07,-0.2,-0.22,-0.18,0.26,3"
    (path / "tornado.csv").write_text(head + "\n" + row + "\n")
    (path / "provenance.json").write_text(json.dumps({"method": "tornado", "scenario": "baseline",
                                                      "replications_per_point": 3}))  # fmt: skip
    _tiny_png(path / "tornado-pr_within_5_weeks_share.png")
    write_marker(path, "sensitivity")
    return path


def test_the_report_shows_capacity_and_sensitivity_studies_given_their_folders(compared, tmp_path, monkeypatch):
    """Issue 12 §4: `report --study` puts the required capacity per district, its curve and the tornado in the
    workshop report, after the plots; a folder that is no study is refused, naming it, and nothing is written."""
    monkeypatch.setattr(R, "_png_data_uri", lambda fig: "data:image/png;base64,")  # words only: no painting
    cap, sens = _capacity_folder(tmp_path / "cap"), _sensitivity_folder(tmp_path / "sens")
    out = tmp_path / "studies.html"
    r = runner.invoke(app, ["report", str(compared), "--out", str(out), "--study", str(cap), "--study", str(sens)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    section = text[text.index('id="studies"') :]
    assert text.index('id="plots"') < text.index('id="studies"') < text.index('id="provenance"')
    assert "Den Haag" in section and "14.5" in section and "courts.sessions.politierechter.per_week" in section
    assert "courts.adjournment_share" in section and "0.05 → 0.40" in section
    assert section.count('<img src="data:image/png;base64,') >= 2  # the curve and the tornado, embedded
    figure_ids = re.findall(r'<figure id="fig-(\d+)"', text)
    assert len(figure_ids) == len(set(figure_ids))  # numbered on from the plots
    bad = tmp_path / "bad.html"
    r = runner.invoke(app, ["report", str(compared), "--out", str(bad), "--study", str(compared)])
    assert r.exit_code == 2 and "--study" in r.output and "Traceback" not in r.output
    assert not bad.exists()
