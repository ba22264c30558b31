"""Bad input gets a clear error naming the file, the key and the reason, exit code 2, no traceback, nothing
written (issue 11 §2-§4): files that are not text, dates that are not dates, periods that cannot run, error text
printed literally, and comparisons of scenarios that simulate different periods."""

from __future__ import annotations

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small.toml"


def _refused(r, *words: str) -> None:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for w in words:
        assert w in r.output, (w, r.output)


def _scenario(tmp_path, body: str, name: str = "s.toml"):
    f = tmp_path / name
    f.write_text(f'extends = "{SMALL}"\nname = "s"\n{body}\n')
    return f


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00n\x00a\x00m\x00e", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 'name = "caf\xe9"'.encode("latin-1")],
)
def test_a_file_that_is_not_utf8_text_is_refused(tmp_path, content):
    f = tmp_path / "binary.toml"
    f.write_bytes(content)
    _refused(runner.invoke(app, ["validate", str(f)]), str(f), "UTF-8")
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{f}"\nname = "child"\n')  # the binary file as a parent
    _refused(runner.invoke(app, ["validate", str(child)]), str(f), "UTF-8")


def test_a_folder_given_as_scenario_is_refused(tmp_path):
    _refused(runner.invoke(app, ["validate", str(tmp_path)]), str(tmp_path))


@pytest.mark.parametrize(
    "value, words",
    [
        ("0", ["start_date", "not a date"]),
        ('"1700000000"', ["start_date", "not a date"]),
        ("2019", ["start_date", "not a date"]),
        ("2019-01-01T10:30:00", ["start_date", "time of day"]),
        ("9999-12-01", ["start_date", "1900-2200"]),
        ('"tomorrow"', ["start_date", "not a date"]),
    ],
)
def test_start_dates_that_are_not_calendar_dates_are_refused(tmp_path, value, words):
    f = _scenario(tmp_path, f"start_date = {value}")
    _refused(runner.invoke(app, ["validate", str(f)]), str(f), *words)


def test_an_iso_string_start_date_is_a_date(tmp_path):
    f = _scenario(tmp_path, 'start_date = "2020-03-01"')
    assert runner.invoke(app, ["validate", str(f)]).exit_code == 0


@pytest.mark.parametrize("key, value", [("horizon_days", "5e6"), ("runout_days", "1e12"), ("warmup_days", "40000")])
def test_periods_that_cannot_run_are_refused_before_any_work(tmp_path, key, value):
    f = _scenario(tmp_path, f"{key} = {value}")
    out = tmp_path / "out"
    _refused(runner.invoke(app, ["run", str(f), "--out", str(out)]), str(f), key, "century")
    assert not out.exists()


@pytest.mark.parametrize("key", ["[/red]", "[bold]x[/bold]", ":thumbs_up:"])
def test_error_text_is_printed_literally(tmp_path, key):
    f = tmp_path / "s.toml"
    f.write_text(f'extends = "{SMALL}"\nname = "s"\n[police]\n"{key}" = 1\n')
    r = runner.invoke(app, ["validate", str(f)])
    _refused(r, key, "unknown key")


def test_a_message_keeps_its_bracketed_words(tmp_path):
    f = _scenario(tmp_path, '[om.zsm]\nfte = "many"')
    r = runner.invoke(app, ["validate", str(f)])
    _refused(r, "om.zsm.fte", "[date, value]")


def test_compare_refuses_scenarios_that_simulate_different_periods(tmp_path):
    a = _scenario(tmp_path, "", "a.toml")
    b = tmp_path / "b.toml"
    b.write_text(f'extends = "{a}"\nname = "b"\nhorizon_days = 150.0\n')
    out = tmp_path / "out"
    r = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out), "--no-plots", "-r", "2"])
    _refused(r, str(b), "horizon_days", "same period")
    assert not out.exists()


def test_compare_lists_the_problems_of_every_invalid_file(tmp_path):
    a = _scenario(tmp_path, "[om.zsm]\nfte = -1", "a.toml")
    b = tmp_path / "b.toml"
    b.write_text(f'extends = "{SMALL}"\nname = "b"\n[police]\ndetectivs = 3\n')
    r = runner.invoke(app, ["compare", str(a), str(b), "--no-plots"])
    _refused(r, f"{a}: om.zsm.fte", f"{b}: police.detectivs")


def test_a_misspelt_session_type_is_named_with_the_closest_known_one(tmp_path):
    f = _scenario(tmp_path, "[courts.sessions.politierechtr]\nper_week = 3")
    r = runner.invoke(app, ["validate", str(f)])
    _refused(r, "courts.sessions.politierechtr", "not a session type", "did you mean 'politierechter'")
    assert "Field required" not in r.output
    g = _scenario(tmp_path, '[advice.rclassering]\napplies_to = "adult"', "g.toml")
    _refused(runner.invoke(app, ["validate", str(g)]), "advice.rclassering", "did you mean 'reclassering'")


@pytest.mark.parametrize(
    "body, words",
    [
        ("snelrecht_not_detained_min_days = 30", ["snelrecht_not_detained_min_days", "fall back"]),
        ("supersnelrecht_window_days = 20", ["supersnelrecht_window_days", "snelrecht_detained_window_days"]),
        ("supersnelrecht_window_days = 8", ["supersnelrecht_window_days", "police custody"]),
        ("snelrecht_detained_window_days = 40", ["snelrecht_detained_window_days", "bewaring"]),
    ],
)
def test_legal_windows_that_contradict_each_other_are_refused(tmp_path, body, words):
    f = _scenario(tmp_path, f"[legal]\n{body}")
    _refused(runner.invoke(app, ["validate", str(f)]), str(f), "legal", *words)


def test_an_intake_too_large_for_the_memory_is_refused_before_any_work(tmp_path):
    f = _scenario(tmp_path, "[intake.streams.vvc]\nvolume = 1e9")
    out = tmp_path / "out"
    _refused(runner.invoke(app, ["run", str(f), "--out", str(out)]), str(f), "intake", "GB of memory")
    assert not out.exists()
