"""Never lose a user's files (issue 11 §1): existing outputs are refused without --force and replaced only if
ketensim wrote them; output is built beside its place and swapped in, so either the old or the new complete folder
exists; one writer at a time; scenario names are safe folder names; only complete folders are read; an interrupted
run (an exception, SIGINT, SIGTERM, with and without worker processes) leaves no process and nothing that looks
finished."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim import outputs
from sim.cli import app
from sim.outputs import MARKER, OutputError, is_complete, output_lock, staged_folder, swap_into_place

runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small.toml"
RUN = ["run", str(SMALL), "--no-plots", "-r", "1"]


def _interruptible() -> None:
    """In the child before it starts: Ctrl-C does what it does by default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------------ refusals


def test_an_existing_results_folder_is_refused_without_force_and_left_as_it_was(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, [*RUN, "--out", str(out)]).exit_code == 0
    assert is_complete(out)
    before = _tree(out)
    r = runner.invoke(app, [*RUN, "--out", str(out), "--seed", "7"])
    assert r.exit_code == 2 and str(out) in r.output and "already exists" in r.output and "--force" in r.output
    assert "Traceback" not in r.output
    assert _tree(out) == before
    r = runner.invoke(app, [*RUN, "--out", str(out), "--seed", "7", "--force"])
    assert r.exit_code == 0, r.output
    assert _tree(out) != before and json.loads((out / "provenance.json").read_text())["seed"] == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging folder, no lock left


def test_a_folder_ketensim_did_not_write_is_never_replaced_even_with_force(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("two years of work")
    for extra in ([], ["--force"]):
        r = runner.invoke(app, [*RUN, "--out", str(out), *extra])
        assert r.exit_code == 2 and str(out) in r.output and "Traceback" not in r.output
        assert (out / "thesis.docx").read_text() == "two years of work" and len(list(out.iterdir())) == 1
    assert "not a ketensim output" in r.output


def test_an_empty_folder_is_used_and_a_file_or_the_current_folder_is_refused(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, [*RUN, "--out", str(empty)]).exit_code == 0 and is_complete(empty)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep")
    r = runner.invoke(app, [*RUN, "--out", str(a_file), "--force"])
    assert r.exit_code == 2 and "not a folder" in r.output and a_file.read_text() == "keep"
    monkeypatch.chdir(tmp_path)
    for out in (".", "..", str(tmp_path), ""):
        r = runner.invoke(app, [*RUN, "--out", out, "--force"])
        assert r.exit_code == 2 and "Traceback" not in r.output, (out, r.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "notes.txt"]


def test_compare_refuses_an_existing_output_before_running(tmp_path):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "keep.csv").write_text("x")
    started = time.perf_counter()
    r = runner.invoke(app, ["compare", str(SMALL), str(SMALL), "--out", str(out), "--no-plots"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert time.perf_counter() - started < 5  # refused before any simulation
    assert [p.name for p in out.iterdir()] == ["keep.csv"]


@pytest.mark.parametrize("name", ["../../x", "", "a/b", "..", ".hidden", "a\\b", "x" * 81, "name with spaces"])
def test_unsafe_scenario_names_are_refused(tmp_path, name):
    f = tmp_path / "s.toml"
    f.write_text(f'extends = "{SMALL}"\nname = {json.dumps(name)}\n')
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 2 and "name" in r.output and "safe scenario name" in r.output and "Traceback" not in r.output


def test_report_refuses_to_overwrite_a_file_and_replaces_only_its_own(tmp_path, monkeypatch):
    # file safety, not pictures (tests/test_report.py draws them): no plots section, which is most of a report's time
    monkeypatch.setattr("sim.report._plots_section", lambda *args: "")
    out = tmp_path / "run"
    assert runner.invoke(app, [*RUN, "--out", str(out)]).exit_code == 0
    mine = tmp_path / "minutes.html"
    mine.write_text("<html>minutes of the workshop</html>")
    for extra in ([], ["--force"]):
        r = runner.invoke(app, ["report", str(out), "--out", str(mine), *extra])
        assert r.exit_code == 2 and str(mine) in r.output
        assert mine.read_text() == "<html>minutes of the workshop</html>"
    report = tmp_path / "report.html"
    assert runner.invoke(app, ["report", str(out), "--out", str(report)]).exit_code == 0
    r = runner.invoke(app, ["report", str(out), "--out", str(report)])
    assert r.exit_code == 2 and "already exists" in r.output
    assert runner.invoke(app, ["report", str(out), "--out", str(report), "--force"]).exit_code == 0


# ------------------------------------------------------------------------------------------------ the swap


def test_staged_folder_swaps_in_whole_and_removes_its_staging_folder_on_failure(tmp_path):
    out = tmp_path / "res"
    with staged_folder(out, False, "run") as stage:
        assert stage.parent == out.parent and stage.name.startswith(".res.") and not out.exists()
        (stage / "a.csv").write_text("1")
    assert is_complete(out) and (out / "a.csv").read_text() == "1"
    with pytest.raises(RuntimeError), staged_folder(out, True, "run") as stage:
        (stage / "b.csv").write_text("2")
        raise RuntimeError("crash while writing")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]
    with staged_folder(out, True, "run") as stage:
        (stage / "b.csv").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b.csv"]  # replaced as a whole: no a.csv left


def test_the_swap_is_one_exchange_so_the_place_is_never_empty(tmp_path, monkeypatch):
    """`swap_into_place` replaces an existing folder with one atomic exchange; the old folder is removed only after
    the new one is in place (checked by watching what `out` holds when the old one is removed)."""
    out, stage = tmp_path / "out", tmp_path / ".out.1.partial"
    out.mkdir()
    (out / "old").write_text("old")
    stage.mkdir()
    (stage / "new").write_text("new")
    seen = []
    real_rmtree = outputs.shutil.rmtree
    monkeypatch.setattr(
        outputs.shutil, "rmtree", lambda p, *a, **k: (seen.append(sorted(os.listdir(out))), real_rmtree(p, *a, **k))
    )
    swap_into_place(stage, out)
    assert seen == [["new"]] and sorted(os.listdir(out)) == ["new"] and not stage.exists()


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    out = tmp_path / "res"
    with output_lock(out):
        with pytest.raises(OutputError, match="another ketensim process"):
            with staged_folder(out, False, "run"):
                pass  # pragma: no cover
        r = runner.invoke(app, [*RUN, "--out", str(out)])
        assert r.exit_code == 2 and "another ketensim process" in r.output and "Traceback" not in r.output
    assert not out.exists()
    with staged_folder(out, False, "run"):  # released: the next writer may go
        pass
    assert is_complete(out)


def test_a_lock_held_by_another_process_is_seen_and_released_when_it_dies(tmp_path):
    out = tmp_path / "res"
    code = (
        "import sys, time; from pathlib import Path; from sim.outputs import output_lock\n"
        f"with output_lock(Path({str(out)!r})):\n    print('locked', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match=f"pid {holder.pid}"):
            outputs.check_output_folder(out, False)
    finally:
        holder.kill()
        holder.wait()
    outputs.check_output_folder(out, False)  # the kernel released the lock of the killed process


def test_only_complete_folders_are_read(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, [*RUN, "--out", str(out)]).exit_code == 0
    staging = tmp_path / ".run.999.partial"
    staging.mkdir()
    for f in out.iterdir():
        (staging / f.name).write_bytes(f.read_bytes())
    unmarked = tmp_path / "unmarked"
    unmarked.mkdir()
    for f in out.iterdir():
        if f.name != MARKER:
            (unmarked / f.name).write_bytes(f.read_bytes())
    for folder in (staging, unmarked):
        for cmd in (["plot", str(folder)], ["report", str(folder), "--out", str(tmp_path / "r.html")]):
            r = runner.invoke(app, cmd)
            assert r.exit_code == 2 and "not a complete ketensim output" in r.output, (cmd, r.output)
    assert not (tmp_path / "r.html").exists()


# ------------------------------------------------------------------------------------------------ interrupts


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid():
            continue
        try:
            cmdline = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(d.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for left-over processes")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_run_leaves_no_process_and_nothing_that_looks_finished(tmp_path, sig, jobs):
    out = tmp_path / f"interrupted-{sig.name}-{jobs}"
    previous = tmp_path / "previous"
    assert runner.invoke(app, [*RUN, "--out", str(out)]).exit_code == 0
    before = _tree(out)
    # 400 replications: minutes of work, so a signal that comes late on a loaded machine still finds the run under way
    cmd = [sys.executable, "-m", "sim.cli", *RUN[:-1], "400", "--out", str(out), "--force", "--jobs", str(jobs)]
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}  # a hung run prints every thread's stack on SIGABRT
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # as from a terminal: a shell that runs the tests in the background starts them with Ctrl-C ignored, and a
        # run started with SIGINT ignored rightly keeps ignoring it (sim/stopping.py), which is not what is tested
        preexec_fn=_interruptible,
    )
    deadline = time.time() + 60
    while not list(tmp_path.glob(f".{out.name}.*.partial")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # the replications are under way
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure this test is for
        proc.send_signal(signal.SIGABRT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        # workers left behind hold the standard error open: kill them first, or reading it to the end never ends
        for pid in _processes_mentioning(str(out)):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.kill()
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"the run did not stop within 30 s of the signal; its threads:\n{err[-6000:]}") from None
    assert proc.returncode != 0, f"the run ended normally after the signal; its standard error:\n{err[-3000:]}"
    assert "Traceback" not in err or sig == signal.SIGINT
    time.sleep(0.5)
    assert _processes_mentioning(str(out)) == [], "worker processes were left behind"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name], "a staging folder or lock was left behind"
    assert _tree(out) == before, "the earlier complete results were touched"
    assert not previous.exists()


# ------------------------------------------------------------------------------------------------ a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 512 kB tmpfs: enough to start a results folder, too small to finish one (needs root and mount)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill up ({r.stderr.strip() or 'mount failed'})")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_during_the_run_leaves_nothing_and_says_so(small_disk):
    out = small_disk / "run"
    r = runner.invoke(app, [*RUN[:-1], "2", "--out", str(out)])
    assert r.exit_code == 2 and "could not write the results" in r.output and "Traceback" not in r.output, r.output
    assert sorted(p.name for p in small_disk.iterdir()) == []


def test_a_full_disk_while_drawing_plots_keeps_the_complete_results_and_says_so(tmp_path, small_disk, monkeypatch):
    """The results are complete before plotting; plots that do not fit are reported (exit 1) and leave no
    half-drawn plots folder."""
    out = tmp_path / "run"
    assert runner.invoke(app, [*RUN, "--out", str(out)]).exit_code == 0
    from sim.figures import sets

    real = sets.save_png

    def save_on_small_disk(fig, target, **kw):  # draw each figure onto the small disk first: it fills up
        real(fig, small_disk / f"{len(list(small_disk.iterdir()))}.png", **kw)
        real(fig, target, **kw)

    monkeypatch.setattr(sets, "save_png", save_on_small_disk)
    r = runner.invoke(app, ["plot", str(out)])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert not (out / "plots").exists() and not list(out.glob(".plots.*"))
    assert is_complete(out)


def test_a_no_records_run_is_named_for_what_it_is_and_a_truncated_file_is_named(tmp_path):
    lean = tmp_path / "lean"
    assert runner.invoke(app, [*RUN, "--out", str(lean), "--no-records"]).exit_code == 0
    r = runner.invoke(app, ["plot", str(lean)])
    assert r.exit_code == 2 and "without per-case records" in r.output and "ketensim export" in r.output
    full = tmp_path / "full"
    assert runner.invoke(app, [*RUN, "--out", str(full)]).exit_code == 0
    cases = full / "cases.parquet"
    cases.write_bytes(cases.read_bytes()[:1000])  # truncated after the run
    r = runner.invoke(app, ["plot", str(full)])
    assert r.exit_code == 2 and str(cases) in r.output and "Traceback" not in r.output, r.output
