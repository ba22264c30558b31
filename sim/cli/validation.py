"""``ketensim validate-data``: a results folder beside the published figures it should reproduce. The work is
`sim.validation.write_validation`; this prints the side-by-side table."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from .app import bad_input, console, fail


def validate_data(
    results_dir: Path = typer.Argument(..., help="A results folder of `ketensim run` (with its case records)."),
    targets: Path | None = typer.Option(
        None, "--targets", help="The targets file (default: calibration/targets.csv of this ketensim)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Output folder for validation.csv and validation.png (default: RESULTS_DIR/validation).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the output folder if it exists (only one ketensim wrote is ever replaced)."
    ),
    all_rows: bool = typer.Option(
        False, "--all", help="Also print the figures not compared (not in the model, not comparable), with the reason."
    ),
):
    """Put the model's figures beside the published ones they should reproduce, on the same definitions: for each
    target its published value and source, the model's value with its 95% interval over replications, the ratio,
    and whether it is within tolerance (volumes ±5%, shares ±5 pp, mean lead times ±20%, stocks ±25% unless the
    targets file says why). Writes validation.csv (every target, with its definition) and validation.png (model vs
    published, tolerance bands). `ketensim validate` checks scenario files; this checks a run against reality.

    Example: `ketensim validate-data results/baseline/20261202-101500-seed2019`
    """
    from ..outputs import OutputError
    from ..results import check_run_folder
    from ..validation import (
        COMPARED,
        TargetsError,
        interval_text,
        met_text,
        summary,
        tolerance_text,
        value_text,
        write_validation,
    )

    problems: list[str] = []
    check_run_folder(results_dir, problems)
    if problems:
        fail(problems)
    with bad_input(TargetsError, OutputError, FileNotFoundError, ValueError):
        rows, written = write_validation(results_dir, out, targets_file=targets, force=force)
    table = Table(title="model vs published figures", title_justify="left", header_style="bold")
    for col, justify in (
        ("figure (published year)", "left"),
        ("status", "left"),
        ("published", "right"),
        ("source", "left"),
        ("sim year", "right"),
        ("model [95% CI]", "right"),
        ("ratio", "right"),
        ("tolerance", "right"),
        ("met", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        t = r.target
        if t.status not in COMPARED and not all_rows:
            continue
        compared = t.status in COMPARED
        model = f"{value_text(r.mean, t)} {interval_text(r)}".strip() if compared else t.reason
        table.add_row(
            f"{t.key} {t.year}",
            t.status,
            f"{value_text(t.value, t)} {t.unit if t.unit != 'share' else ''}".strip(),
            _source(t.source, t.key),
            str(r.model_year or ""),
            model,
            f"{r.ratio:.2f}" if compared and r.ratio == r.ratio else "",
            tolerance_text(t) if compared else "",
            met_text(r) if t.status == "target" else "",
        )
    console.print(table)
    s = summary(rows)
    console.print(
        f"[bold]{s['met']} of {s['targets']} targets met[/bold] ({s['missed']} missed"
        + (f", {s['no_value']} without a model value" if s["no_value"] else "")
        + "); references are shown, not counted."
    )
    console.print(f"written: {written}")


def _source(source: str, key: str) -> str:
    """The source as short as it is clear: the file's name, and the series when it is not the figure's own key."""
    file, _, series = source.partition(":")
    file = file.removesuffix(".csv")
    return file if series in ("", key) else f"{file}: {series}"
