"""``ketensim export``: a results folder as an Excel workbook. The work is `sim.export.export_xlsx`."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import Lang, bad_input, console, in_language, lang_option


@in_language
def export(
    results: Path = typer.Argument(..., help="A results folder of `ketensim run`, or a `ketensim compare` folder."),
    xlsx: Path = typer.Option(..., "--xlsx", help="The Excel workbook to write (a name ending in .xlsx)."),
    force: bool = typer.Option(False, "--force", help="Replace the workbook if it exists (only one ketensim wrote)."),
    lang: Lang = lang_option(),
):
    """Write the key figures (in words, with units and 95% intervals), the paired comparison, the per-district and
    per-stream tables and the station table as one Excel workbook, with a sheet saying what it holds and how to read
    it. The CSV files stay as they are.

    Example: `ketensim export results/compare/workshop --xlsx workshop.xlsx --lang nl`
    """
    from ..export import ExportError, export_xlsx

    with bad_input(ExportError, FileNotFoundError):
        path = export_xlsx(results, xlsx, force=force)
    console.print(f"workbook: {path}")
