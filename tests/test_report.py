"""The workshop report: one self-contained HTML file, checked as text and rendered in a real (headless) browser.

One small comparison (the one-district 5% baseline, and the same with police case files completed twice as fast; 2
replications each) is run once for the module and reported through the command line; the tests read that file.
Faster files is a built-in significant difference even with two replications: file completion is a pure delay, so
with common random numbers every case without an arrest reaches the OM sooner by half its own completion time.

The browser test needs Debian's `chromium` (``tests/setup-browser.sh`` installs it) and is skipped, saying why, when
it is not there.
"""

from __future__ import annotations

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
    order = ['id="provenance"', 'id="scenarios"', 'id="findings"', 'id="table"', 'id="plots"']
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
    section = html_text[html_text.index('id="scenarios"') : html_text.index('id="findings"')]
    assert "<code>police.file_completion.scale</code>" in section
    row = section[section.index("police.file_completion.scale") :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>([^<]*)</td>", row) == ["1", "0.5"]
    assert "replications" not in section and "<code>name</code>" not in section  # not a change of the model


def test_headline_finding_for_faster_files(html_text):
    section = html_text[html_text.index('id="findings"') : html_text.index('id="table"')]
    item = re.search(r'<li class="better">(sepot \(dismissal\): median days to OM decision −[^<]*)</li>', section)
    assert item, section[:3000]
    text = item.group(1)
    assert re.search(r"−[\d.,]+ days \(95% CI −[\d.,]+ to −[\d.,]+\), from [\d.,]+ to [\d.,]+$", text), text


def test_comparison_table_marks_significant_differences(html_text):
    section = html_text[html_text.index('id="table"') : html_text.index('id="plots"')]
    for theme in ("Routes", "Fast-track windows", "Backlogs", "Court sessions", "Chain"):
        assert f">{theme}</h3>" in section, theme
    row = section[section.index("sepot (dismissal): median days to OM decision") :]
    row = row[: row.index("</tr>")]
    assert "★ Δ −" in row and 'class="num sig better"' in row
    assert "Δ 0 (identical)" in section  # the intake is untouched by faster files


def test_every_plot_has_a_caption(html_text):
    figures = re.findall(r"<figure\b.*?</figure>", html_text, flags=re.S)
    assert len(figures) == len(R.PLOT_ORDER)
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
        "});</script>"
    )
    probe.write_text(report_file.read_text(encoding="utf-8").replace("</body>", script + "</body>"), encoding="utf-8")
    res = _run_chromium(exe, tmp_path / "profile2", "--dump-dom", "--virtual-time-budget=20000", probe.as_uri())
    total = re.search(r'data-images="(\d+)"', res.stdout)
    loaded = re.search(r'data-images-loaded="(\d+)"', res.stdout)
    assert total and loaded, (res.stdout[:500], res.stderr[-2000:])
    n_imgs = len(re.findall(r"<img\b", report_file.read_text(encoding="utf-8")))
    assert int(total.group(1)) == n_imgs and int(loaded.group(1)) == n_imgs
    widths = [int(w) for w in re.search(r'data-widths="([\d,]*)"', res.stdout).group(1).split(",")]
    assert min(widths) >= 1500  # the PNGs decoded at their full size
