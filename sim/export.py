"""An Excel workbook of a results folder, for the analysts who work in spreadsheets (issue 14 §4).

`ketensim export RESULTS --xlsx FILE` writes, for a `ketensim run` folder or a `ketensim compare` folder:

* **About** — what the workbook holds, the scenario(s), seed, replications, version, dates and the command, and how
  to read the numbers (shares in %, differences of shares in percentage points, 95% intervals over replications);
* **Key figures** — every key figure in words with its unit (from the key-figure catalogue, `sim.catalogue`): mean
  and 95% interval; for a compare folder one column block per scenario;
* **Comparison** (compare folders) — each scenario's paired difference from the reference with its interval and
  whether the interval excludes zero;
* **By region** / **By stream** — the breakdowns, where the run wrote them (``--by``);
* **Stations** — every capacity-limited station: the mean over replications of each figure of ``stations.csv``.

Values are in the unit the Unit column names (the CSV's value × the catalogue's scale: a share of 0.85 is 85 %), so
a number in the workbook is the CSV's number in the unit a table in the report shows. The CSVs stay as they are for
code. XlsxWriter writes the file (a well-kept writer of the xlsx format; hand-written xlsx would be a zip of XML that
Excel is picky about), atomically and only over a file ketensim wrote (`sim.outputs`).

With ``--lang nl`` the words are Dutch: the sheets' names, the headings, the key figures' labels and units, the
About sheet (`sim.labels.tr`); the numbers are numbers either way (Excel writes them in the reader's own format),
and the ``metric`` and ``group`` columns keep the CSVs' codes, so a Dutch workbook joins the CSVs as well.
"""

from __future__ import annotations

import csv
import math
import os
from collections import defaultdict
from pathlib import Path

from .catalogue import describe_kpi, difference_unit
from .errors import ProblemsError
from .kpis import KpiRow, read_csv
from .labels import region_label, tr
from .outputs import STAGING_SUFFIX, is_complete
from .results import compare_scenarios, read_comparison_rows, read_kpis, read_provenance

XLSX_MARKER = "ketensim"  # the workbook's author (dc:creator): only such a file is replaced with --force


class ExportError(ProblemsError):
    """Bad input: `problems` says which and why."""


def _num(x: float):
    """A cell value: NaN (no value) as an empty cell."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _kpi_cells(r: KpiRow) -> tuple[str, str, float, list]:
    label, unit, scale = describe_kpi(r.metric, r.group)
    return label, unit, scale, [_num(r.mean * scale), _num(r.ci_low * scale), _num(r.ci_high * scale), r.n]


def _breakdown_rows(folder: Path, by: str) -> list[KpiRow]:
    path = folder / f"kpis_by_{by}.csv"
    return read_csv(path, by) if path.exists() else []


def station_means(folder: Path) -> tuple[list[str], list[list]]:
    """``stations.csv`` averaged over replications: (column names, one row per station)."""
    path = folder / "stations.csv"
    if not path.exists() or path.stat().st_size == 0:
        return [], []
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        return [], []
    columns = [c for c in rows[0] if c not in ("replication", "station")]
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        for c in columns:
            try:
                sums[r["station"]][c].append(float(r[c]))
            except (TypeError, ValueError):
                pass
    out = []
    for station, values in sums.items():
        out.append([station] + [_num(sum(v) / len(v)) if (v := values.get(c)) else None for c in columns])
    return ["station"] + columns, out


def workbook_problems(out: Path, force: bool) -> list[str]:
    if out.suffix.lower() != ".xlsx":
        return [f"{out}: an Excel workbook's name ends in .xlsx"]
    if out.is_dir():
        return [f"{out}: is a folder; give a file name such as {out / 'results.xlsx'}"]
    if out.exists():
        if not force:
            return [f"{out}: already exists; give another name, or --force to replace a workbook ketensim wrote"]
        if not _written_by_ketensim(out):
            return [f"{out}: exists and was not written by ketensim; it is not replaced, even with --force"]
    return []


def _written_by_ketensim(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f"<dc:creator>{XLSX_MARKER}</dc:creator>" in core


def export_xlsx(folder: Path | str, out: Path | str, force: bool = False) -> Path:
    """Write the workbook of results folder `folder` to `out` (see the module docstring); `ExportError` (bad
    input, nothing written) for a folder that is not a complete ketensim output or a name that may not be written."""
    import xlsxwriter

    folder, out = Path(folder), Path(out)
    problems = []
    if not folder.is_dir() or not is_complete(folder):
        problems.append(f"{folder}: not a complete ketensim results or compare folder")
    problems += workbook_problems(out, force)
    if problems:
        raise ExportError(problems)
    prov = read_provenance(folder)
    names = compare_scenarios(folder) if "scenarios" in prov else [str(prov.get("scenario", folder.name))]
    runs = [folder / n for n in names] if "scenarios" in prov else [folder]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}{STAGING_SUFFIX}")
    try:
        wb = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True})
        wb.set_properties({"author": XLSX_MARKER, "title": f"ketensim results: {', '.join(names)}"})
        head = wb.add_format({"bold": True, "bg_color": "#DDE4EE", "text_wrap": True, "valign": "top"})
        number = wb.add_format({"num_format": "#,##0.0"})
        _about(wb, head, folder, prov, names)
        _key_figures(wb, head, number, names, [read_kpis(r) for r in runs])
        rows = read_comparison_rows(folder) if "scenarios" in prov else None
        if rows:
            _comparison(wb, head, number, [r for r in rows if r.breakdown == "all"], names)
        for by in ("region", "stream"):
            per = [(n, _breakdown_rows(r, by)) for n, r in zip(names, runs)]
            if any(rows_ for _, rows_ in per):
                _breakdown(wb, head, number, by, per)
        columns, stations = station_means(runs[0])
        if stations:
            _table(wb, "Stations", head, number, columns, stations, widths=[28] + [16] * (len(columns) - 1))
        wb.close()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def _table(wb, title, head, number, columns, rows, widths) -> None:
    ws = wb.add_worksheet(tr(title))
    ws.write_row(0, 0, columns, head)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if isinstance(v, float):
                ws.write_number(i, j, v, number)
            elif v is None:
                ws.write_blank(i, j, None)
            else:
                ws.write(i, j, v)
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _about(wb, head, folder: Path, prov: dict, names: list[str]) -> None:
    ws = wb.add_worksheet(tr("About"))
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 110)
    lines = [
        ("Results folder", str(folder)),
        ("Scenarios", ", ".join(names) + (" " + tr("(the first is the reference)") if len(names) > 1 else "")),
        ("Seed", prov.get("seed")),
        ("Replications", prov.get("replications")),
        ("ketensim version", prov.get("ketensim_version")),
        ("Started", prov.get("started_at")),
        ("Settings (--set)", ", ".join(prov.get("settings") or []) or tr("none")),
        ("Command", " ".join(map(str, prov.get("command") or []))),
        (
            "How to read",
            "Every value is the mean over replications with its 95% interval (Student t). Values are in the unit of "
            "the Unit column: shares in %, their differences in percentage points; cases per simulated year after "
            "the warm-up. The CSV files of the results folder hold the same numbers (shares as fractions).",
        ),
        ("Sheets", "Key figures; Comparison (paired differences); By region / By stream (with --by); Stations."),
    ]
    ws.write_row(0, 0, [tr("ketensim results"), ""], head)
    for i, (k, v) in enumerate(lines, start=1):
        ws.write(i, 0, tr(k), head)
        ws.write(i, 1, "" if v is None else tr(v) if k in ("How to read", "Sheets") else v)


def _key_figures(wb, head, number, names: list[str], per_scenario: list[list[KpiRow]]) -> None:
    columns = ["metric", "group", tr("key figure"), tr("unit")]
    for n in names:
        columns += [f"{n}: {tr(c)}" for c in ("mean", "95% low", "95% high", "replications")]
    by_key: dict[tuple[str, str], dict[str, KpiRow]] = defaultdict(dict)
    for n, rows in zip(names, per_scenario):
        for r in rows:
            by_key[(r.metric, r.group)][n] = r
    rows_out = []
    for (metric, group), got in by_key.items():
        label, unit, _ = describe_kpi(metric, group)
        row: list = [metric, group, label, unit]
        for n in names:
            found = got.get(n)
            row += _kpi_cells(found)[3] if found is not None else [None] * 4
        rows_out.append(row)
    _table(wb, "Key figures", head, number, columns, rows_out, widths=[24, 18, 56, 14] + [13] * (len(columns) - 4))


def _comparison(wb, head, number, rows, names: list[str]) -> None:
    columns = ["metric", "group"] + [tr(c) for c in ("key figure", "scenario", "unit", "mean")]
    columns += [tr("difference from") + " " + names[0]]
    columns += [tr(c) for c in ("difference: 95% low", "difference: 95% high", "unit of the difference")]
    columns += [tr("interval excludes 0")]
    out = []
    for r in rows:
        if r.scenario == names[0]:
            continue
        label, unit, scale = describe_kpi(r.metric, r.group)
        out.append(
            [
                r.metric,
                r.group,
                label,
                r.scenario,
                unit,
                _num(r.mean * scale),
                _num(r.diff * scale),
                _num(r.diff_ci_low * scale),
                _num(r.diff_ci_high * scale),
                difference_unit(unit),
                tr("yes") if r.significant else tr("no"),
            ]
        )
    _table(wb, "Comparison", head, number, columns, out, widths=[24, 18, 56, 18, 14, 12, 16, 14, 14, 16, 12])


def _breakdown(wb, head, number, by: str, per: list[tuple[str, list[KpiRow]]]) -> None:
    """A breakdown sheet; per region also the arrondissement's proper name beside its key ("den-haag", "Den Haag")."""
    names = by == "region"
    columns = [tr("scenario"), by, *([tr("arrondissement")] if names else []), "metric", "group", tr("key figure")]
    columns += [tr(c) for c in ("unit", "mean", "95% low", "95% high", "replications")]
    out = []
    for n, rows in per:
        for r in rows:
            label, unit, scale, cells = _kpi_cells(r)
            key = r.breakdown.partition("=")[2]
            out.append([n, key, *([region_label(key)] if names else []), r.metric, r.group, label, unit, *cells])
    widths = [16, 22, *([22] if names else []), 24, 18, 56, 14, 12, 12, 12, 12]
    _table(wb, f"By {by}", head, number, columns, out, widths=widths)


__all__ = ["ExportError", "export_xlsx", "station_means"]
