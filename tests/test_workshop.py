"""The workshop page (sim/workshop/): levers → scenario override, bad values refused per control, the base cached
and paired with its variants, saving refuses to overwrite, and one run in a real browser (headless Chromium from
Debian, driven by Playwright) on a small chain."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w
from conftest import BASELINE, ROOT, small_overrides

from sim import scenario as S
from sim.workshop import LeverError, WorkshopError, WorkshopSettings, new_session, save_variant
from sim.workshop.levers import lever_overrides, levers, measure_keys, source_comments
from sim.workshop.page import district_rows, findings_html, table_html
from sim.workshop.session import run_lines

PR = "courts.sessions.politierechter.per_week"


def small_file(folder: Path, scale: float = 0.05) -> Path:
    """The small one-region chain of conftest as a scenario file extending the baseline, starting from its scaled
    standing stocks (so the court has a stock that more sessions can clear)."""
    over = small_overrides(scale, stocks=True)
    for key in ("horizon_days", "runout_days", "replications"):
        over.pop(key)
    over["warmup_days"] = 0.0
    f = folder / "small.toml"
    f.write_text(tomli_w.dumps({"extends": str(BASELINE), "name": "small", **over}))
    return f


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    return small_file(tmp_path_factory.mktemp("workshop"))


@pytest.fixture(scope="module")
def base(base_file) -> S.Scenario:
    return S.load(base_file)


# ------------------------------------------------------------------------------------------------- levers


def test_levers_are_the_actieplan_measures_keys_with_words_units_and_sources(base, base_file):
    found = {lv.path: lv for lv in levers(base, base_file)}
    measures = measure_keys()
    assert set(found) == {k for k in measures if not k.startswith("om.decision_mix")}
    pr = found[PR]
    assert pr.measure == "flexible-courts" and pr.baseline == 5.0 and pr.label == "politierechter sessions per week: 5"
    share = found["om.zsm.return_share"]
    assert share.unit == "%" and share.baseline_number == pytest.approx(3.0)
    assert "ASSUMPTION" in share.source and share.source.startswith("baseline.toml")
    assert "default" in found["advice.nifp.duration.scale"].source  # not in the files: the format's default


def test_a_comment_above_a_key_is_its_source(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("# from cal:x\nkey = 1\n\n[t]   # table note\nk = 2\nj = { a = 1 }  # inline\n")
    assert source_comments([f]) == {
        "key": "a.toml: from cal:x",
        "t.k": "a.toml: table note",
        "t.j": "a.toml: inline",
        "t.j.a": "a.toml: inline",
    }


def test_lever_values_become_a_scenario_override(base, base_file):
    lv = levers(base, base_file)
    over = lever_overrides(base, lv, {PR: "10", "om.zsm.return_share": "1,5", "execution.custodial.no_show_share": 8})
    # shares are typed in percent (a decimal comma accepted); a value equal to the baseline is no change
    assert over == {
        "courts": {"sessions": {"politierechter": {"per_week": 10.0}}},
        "om": {"zsm": {"return_share": 0.015}},
    }
    dated = lever_overrides(base, lv, {PR: "10"}, {PR: "2019-04-01"})
    assert dated["courts"]["sessions"]["politierechter"]["per_week"] == [
        [base.start_date, 5.0],
        [S.load(base_file).start_date.replace(month=4), 10.0],
    ]
    S.load(base_file, overrides=dated)  # a roll-out the loader accepts


@pytest.mark.parametrize(
    "value, date, message",
    [
        ("abc", "", "'abc' is not a number"),
        ("", "", "give a number"),
        ("-3", "", "must be 0 or more"),
        ("10", "2019-13-01", "is not a date"),
        ("10", "2030-01-01", "within the simulated period"),
    ],
)
def test_a_bad_value_gets_a_message_for_its_control(base, base_file, value, date, message):
    with pytest.raises(LeverError) as e:
        lever_overrides(base, levers(base, base_file), {PR: value}, {PR: date})
    assert list(e.value.messages) == [PR] and message in e.value.messages[PR]


def test_a_share_above_100_percent_is_refused(base, base_file):
    with pytest.raises(LeverError, match="at most 100%"):
        lever_overrides(base, levers(base, base_file), {"om.zsm.return_share": "120"})


# ----------------------------------------------------------------------------------------- the session


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    settings = WorkshopSettings(horizon_days=120.0, runout_days=30.0, replications=2, jobs=1)
    return new_session(tmp_path_factory.mktemp("results"), settings)


def test_the_base_is_run_once_and_variants_are_paired_with_it(session, base_file, monkeypatch):
    b1, v1 = session.run_variant(base_file, {PR: "10"})
    b2, v2 = session.run_variant(base_file, {PR: "2"})
    assert b1 is b2 and session.is_cached(base_file)
    assert [r.name for r in session.runs] == ["small", "small-variant-1", "small-variant-2"]
    assert v1.scenario.horizon_days == 120.0 and v1.scenario.replications == 2  # the workshop settings
    folder, rows = session.comparison(b1, v1)
    cases = [r for r in rows if r.metric == "cases" and r.scenario == v1.name and r.breakdown == "all"]
    assert cases and sum(r.diff for r in cases) == pytest.approx(0, abs=1e-6)  # common random numbers: same cases
    pr_fill = [
        r for r in rows if r.metric == "session_fill_rate" and r.group == "politierechter" and r.scenario == v1.name
    ]
    assert pr_fill[0].diff < 0 and pr_fill[0].significant  # twice the sessions for the same cases
    resolved = {r.name: r.scenario.resolved_dict() for r in (b1, v1)}
    assert "regular summons: median days to verdict" in table_html(rows, [b1.name, v1.name], resolved[b1.name])
    assert "<li" in findings_html(rows, [b1.name, v1.name], resolved)
    lines = run_lines(session.runs, levers(b1.scenario, base_file))
    assert lines[0].startswith("small: the base") and "politierechter sessions per week: 5 → 10" in lines[1]
    district = district_rows(rows, "district")
    assert district and all(r.breakdown == "all" for r in district)


def test_the_first_answer_runs_a_shorter_period_before_the_full_run_and_caches_its_base(tmp_path, base_file):
    settings = WorkshopSettings(
        horizon_days=120.0,
        runout_days=30.0,
        replications=2,
        jobs=1,
        first_answer_days=60.0,
        first_answer_runout_days=20,
    )
    session = new_session(tmp_path, settings)
    assert session.steps(base_file) == 2 * 2 + 2 * 1  # base and variant, full and first answer
    seen: list = []

    def coarse(rows, names):
        # before the base's full run: the first answer comes first in the session's first run too
        seen.append((session.is_cached(base_file), rows, names))

    b, v = session.run_variant(base_file, {PR: "10"}, coarse=coarse)
    [(cached, rows, names)] = seen
    assert not cached and names == [b.name, v.name]
    fill = [r for r in rows if r.metric == "session_fill_rate" and r.scenario == v.name and r.breakdown == "all"]
    assert {r.n for r in fill if r.n} == {1}  # one replication per job
    assert any(r.diff < 0 for r in fill)  # twice the politierechter sessions: some sessions fill less
    assert not WorkshopSettings(horizon_days=200.0, runout_days=60.0).shorter_first_answer  # 182 + 90 is not shorter
    first = settings.first_overrides(S.load(base_file))  # the first answer's shorter period
    assert (first["horizon_days"], first["runout_days"], first["replications"]) == (60.0, 20, 1)
    assert session.steps(base_file) == 2 + 1  # both bases cached now
    session.run_variant(base_file, {PR: "2"}, coarse=coarse)
    assert len(seen) == 2 and seen[1][0]


def test_no_change_is_not_run(session, base_file):
    with pytest.raises(WorkshopError, match="no lever differs"):
        session.run_variant(base_file, {PR: "5"})


def test_a_failed_run_leaves_the_session_usable(session, base_file, monkeypatch):
    import sim.workshop.session as ws

    def broken(*a, **k):
        raise RuntimeError("worker died")

    runs = len(session.runs)
    monkeypatch.setattr(ws, "iter_results", broken)
    with pytest.raises(RuntimeError):
        session.run_variant(base_file, {PR: "7"})
    monkeypatch.undo()
    assert len(session.runs) == runs and not any(
        p.name.endswith(".partial") for p in (session.folder / "runs").iterdir()
    )
    _, v = session.run_variant(base_file, {PR: "7"})
    assert v.folder.is_dir()


def test_save_writes_a_scenario_that_extends_its_base_and_never_overwrites_unasked(session, base_file, tmp_path):
    run = session.runs[1]
    target = tmp_path / "more-pr.toml"
    session.save(run, target)
    saved = S.load(target)
    assert saved.name == "more-pr" and "extends" in target.read_text()
    assert S.load_raw(target)[0]["courts"]["sessions"]["politierechter"]["per_week"] == 10.0
    assert saved.horizon_days == S.load(base_file).horizon_days  # the workshop settings are not saved
    before = target.read_text()
    with pytest.raises(WorkshopError, match="exists already"):
        session.save(session.runs[2], target)
    assert target.read_text() == before
    session.save(session.runs[2], target, overwrite=True)
    assert S.load_raw(target)[0]["courts"]["sessions"]["politierechter"]["per_week"] == 2.0


@pytest.mark.long  # the report draws all its figures: about 20 s on the small chain
def test_the_report_of_a_comparison_is_the_ketensim_report(session, base_file):
    # its own runs: with `-m long` the tests that run the session's base and variants are not selected
    base, variant = session.run_variant(base_file, {PR: "10"})
    path = session.report(base, variant)
    text = path.read_text()
    assert path.parent.parent.name == "compare" and "ketensim" in text and variant.name in text
    assert session.report(base, variant) == path  # again: the comparison reused, the report rewritten


def test_save_refuses_a_variant_the_loader_refuses(base_file, tmp_path):
    with pytest.raises(WorkshopError, match="does not validate"):
        save_variant(base_file, {"om": {"zsm": {"return_share": 1.5}}}, tmp_path / "bad.toml")
    assert not list(tmp_path.iterdir())


def test_the_command_refuses_a_missing_or_invalid_scenario_before_serving(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["workshop", str(tmp_path / "nope.toml"), "--no-browser"])
    assert r.exit_code == 2 and "no such file" in r.output and "Traceback" not in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{BASELINE}"\nname = "bad"\n[om.zsm]\nreturn_share = 2.0\n')
    r = runner.invoke(app, ["workshop", str(bad), "--no-browser"])
    assert r.exit_code == 2 and "om.zsm.return_share" in r.output


# ------------------------------------------------------------------------------------------- the browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path):
    """The workshop page on a free port in a subprocess, on the small chain; stopped (and waited for) after."""
    f = small_file(tmp_path)
    port = _free_port()
    cmd = [sys.executable, "-m", "sim.cli", "workshop", str(f), "--port", str(port), "--no-browser"]
    cmd += ["-r", "3", "--horizon-days", "200", "--runout-days", "60", "--jobs", "1", "--out", str(tmp_path / "res")]
    cmd += ["--first-answer-days", "100"]  # 100 + 90 days against 200 + 60: the first answer of its own period
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the workshop server did not start: " + (tmp_path / "server.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/", f
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (tests/setup-browser.sh installs Debian's package)")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    return chromium, playwright


def test_the_page_in_a_real_browser(server, tmp_path):
    chromium, playwright = _browser()
    url, base_file = server
    screenshot = os.environ.get("KETENSIM_WORKSHOP_SCREENSHOT")  # docs/workshop.png is made with this
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)
            lever = page.locator(f"[data-path='{PR}']")
            lever.wait_for(state="attached", timeout=20_000)
            page.get_by_role("button", name="flexible-courts").click()
            box = lever.locator("input[type=text]").first
            assert box.input_value() == "5"

            box.fill("lots")  # bad input: a message beside the control, no run
            page.click("#run")
            assert "'lots' is not a number" in lever.locator(".msg").inner_text(timeout=10_000)

            box.fill("10")
            page.click("#run")
            page.locator("#results-panel").wait_for(timeout=60_000)
            assert lever.locator(".msg").count() == 0
            assert "Done: small-variant-1 against small" in page.locator(".status").first.inner_text()
            regular = page.locator("tr[data-metric='days_to_decision_p50'][data-group='regular'] td.num").last
            court = page.locator("tr[data-metric='backlog_end'][data-group='court'] td.num").last
            assert float(court.get_attribute("data-diff")) < 0  # more sessions clear the court's stock
            assert float(regular.get_attribute("data-diff")) < 0  # and the regular route gets faster
            assert page.locator("#results-panel img").count() >= 3
            assert "politierechter sessions per week: 5 → 10" in page.locator("#runs").inner_text()
            if screenshot:
                page.screenshot(path=screenshot)

            target = tmp_path / "more-politierechter.toml"
            page.fill("#save_path", str(target))
            page.click("#save")
            assert "Saved" in page.locator("#save-status").inner_text(timeout=10_000)
            saved = S.load(target)
            assert S.load_raw(target)[0]["extends"] == "small.toml" and saved.name == "more-politierechter"
            page.click("#save")  # again: refused, the file kept
            page.wait_for_function("document.querySelector('#save-status').innerText.includes('exists already')")
        finally:
            browser.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text()  # the coarse answer and the run went through
    hosts = {r.split("/")[2] for r in requests}
    assert hosts == {url.split("/")[2]}, f"the page loaded something from elsewhere: {hosts}"
    assert not math.isnan(saved.horizon_days)
