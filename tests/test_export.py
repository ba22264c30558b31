"""`ketensim export --xlsx` (issue 14 §4): the workbook opens with openpyxl, holds the same numbers as the CSVs (in
the unit its Unit column names), has the comparison, breakdowns and stations, and is written like every output:
never over a file ketensim did not write."""

from __future__ import annotations

import csv
import math

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.catalogue import describe_kpi
from sim.cli import app
from sim.labels import region_label

openpyxl = pytest.importorskip("openpyxl")
runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small.toml"


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    b = tmp / "b.toml"
    b.write_text(f'extends = "{SMALL}"\nname = "b"\n[om.zsm]\nreturn_share = 0.0\n')
    out = tmp / "cmp"
    r = runner.invoke(
        app, ["compare", str(SMALL), str(b), "-r", "2", "--no-plots", "--out", str(out), "--by", "region"]
    )
    assert r.exit_code == 0, r.output
    return out


def _sheet(wb, name):
    rows = list(wb[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_workbook_holds_the_csv_numbers_in_its_units(compare_folder, tmp_path):
    xlsx = tmp_path / "w.xlsx"
    r = runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(xlsx)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert wb.sheetnames == ["About", "Key figures", "Comparison", "By region", "Stations"]
    head, rows = _sheet(wb, "Key figures")
    assert head[:4] == ("metric", "group", "key figure", "unit") and "golden-small: mean" in head
    by_key = {(row[0], row[1]): row for row in rows}
    with open(compare_folder / "golden-small" / "kpis.csv", newline="") as fh:
        kpis = list(csv.DictReader(fh))
    assert len(kpis) == len(rows)
    col = head.index("golden-small: mean")
    for k in kpis:
        row = by_key[(k["metric"], k["group"])]
        label, unit, scale = describe_kpi(k["metric"], k["group"])
        assert row[2] == label and (row[3] or "") == unit
        if k["mean"] and not math.isnan(float(k["mean"])):
            assert row[col] == pytest.approx(float(k["mean"]) * scale, rel=1e-9, abs=1e-9)
    head, rows = _sheet(wb, "Comparison")
    with open(compare_folder / "comparison.csv", newline="") as fh:
        diffs = [d for d in csv.DictReader(fh) if d["breakdown"] == "all" and d["scenario"] == "b"]
    assert len(rows) == len(diffs)
    got = {(row[0], row[1]): row for row in rows}
    for d in diffs:
        scale = describe_kpi(d["metric"], d["group"])[2]
        if d["diff"]:
            assert got[(d["metric"], d["group"])][6] == pytest.approx(float(d["diff"]) * scale, abs=1e-9)
    head, rows = _sheet(wb, "By region")
    assert head[:4] == ("scenario", "region", "arrondissement", "metric") and rows
    assert {row[2] for row in rows} == {region_label(row[1]) for row in rows}  # the proper name beside the key
    # the numbers of each scenario's kpis_by_region.csv, in the unit the sheet names
    with open(compare_folder / "b" / "kpis_by_region.csv", newline="") as fh:
        by_region = {(d["region"], d["metric"], d["group"]): d for d in csv.DictReader(fh)}
    sheet_b = [row for row in rows if row[0] == "b"]
    assert len(sheet_b) == len(by_region)
    for row in sheet_b:
        d = by_region[(row[1], row[3], row[4])]
        if d["mean"] not in ("", "nan") and row[7] is not None:
            assert row[7] == pytest.approx(float(d["mean"]) * describe_kpi(row[3], row[4])[2], rel=1e-6, abs=1e-9)
    head, rows = _sheet(wb, "Stations")
    assert head[0] == "station" and rows
    # each station's figures: the mean over the replications of the reference's stations.csv
    with open(compare_folder / "golden-small" / "stations.csv", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    got = {row[0]: dict(zip(head, row)) for row in rows}
    assert set(got) == {r["station"] for r in csv_rows}
    for column in ("arrivals", "mean_wait_days", "utilisation"):
        for station, sheet in got.items():
            values = [float(r[column]) for r in csv_rows if r["station"] == station and r[column] not in ("", "nan")]
            if values:
                assert sheet[column] == pytest.approx(sum(values) / len(values), rel=1e-3, abs=1e-3), (station, column)


def test_export_refuses_what_it_must_not_write(compare_folder, tmp_path):
    mine = tmp_path / "budget.xlsx"
    mine.write_bytes(b"my own workbook")
    for extra in ([], ["--force"]):
        r = runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(mine), *extra])
        assert r.exit_code == 2 and str(mine) in r.output and "Traceback" not in r.output
    assert mine.read_bytes() == b"my own workbook"
    ours = tmp_path / "ours.xlsx"
    assert runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(ours)]).exit_code == 0
    assert runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(ours)]).exit_code == 2
    assert runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(ours), "--force"]).exit_code == 0
    r = runner.invoke(app, ["export", str(tmp_path), "--xlsx", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2 and "not a complete ketensim" in r.output
    r = runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and ".xlsx" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.xlsx", "ours.xlsx"]


def test_export_in_dutch_has_dutch_words_and_the_same_numbers(compare_folder, tmp_path):
    from sim import labels as L

    english, dutch = tmp_path / "en.xlsx", tmp_path / "nl.xlsx"
    for path, lang in ((english, "en"), (dutch, "nl")):
        r = runner.invoke(app, ["export", str(compare_folder), "--xlsx", str(path), "--lang", lang])
        assert r.exit_code == 0, r.output
    en = openpyxl.load_workbook(english, read_only=True)
    nl = openpyxl.load_workbook(dutch, read_only=True)
    assert nl.sheetnames == ["Over", "Kerncijfers", "Vergelijking", "Per arrondissement", "Ketenpartners"]
    for en_name, nl_name in zip(en.sheetnames, nl.sheetnames):
        en_rows, nl_rows = _sheet(en, en_name)[1], _sheet(nl, nl_name)[1]
        assert len(en_rows) == len(nl_rows), en_name
        for a, b in zip(en_rows, nl_rows):  # numbers are numbers in either language; the codes stay
            assert [v for v in a if isinstance(v, (int, float))] == [v for v in b if isinstance(v, (int, float))]
    head, rows = _sheet(nl, "Kerncijfers")
    assert head[:4] == ("metric", "group", "kerncijfer", "eenheid")
    labels = {(r[0], r[1]): r[2] for r in rows}
    with L.use_language("nl"):
        assert labels[("backlog_end", "police")] == describe_kpi("backlog_end", "police")[0]
    assert labels[("backlog_end", "police")] != describe_kpi("backlog_end", "police")[0]  # not the English one
    about = dict(r[:2] for r in _sheet(nl, "Over")[1])
    assert "Zo lees je het" in about and "gemiddelde over replicaties" in about["Zo lees je het"]
