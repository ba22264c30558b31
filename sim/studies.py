"""Capacity searches and sensitivity studies in the workshop report (issue 12 §4): `ketensim report ... --study
FOLDER` reads a folder `ketensim capacity` or `ketensim sensitivity` wrote and the report shows it after its plots —
the required capacity per district with the key figure's interval at the answer and the curve of the key figure
against the lever; the tornado (or the Morris ranking) of the assumptions with its figures.

A study folder is recognised by its completion marker (``kind`` capacity or sensitivity); anything else is refused
with the folder and the reason, before the report is written."""

from __future__ import annotations

import base64
import csv
import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

from . import formatting as fmt
from .labels import region_label, tr
from .outputs import completion

KINDS = ("capacity", "need", "sensitivity")


@dataclass(frozen=True)
class Study:
    """One study folder, read: its kind, the table it wrote, its figures and what it says about itself."""

    kind: str  # "capacity", "need" or "sensitivity"
    folder: Path
    rows: list[dict[str, str]]  # answers.csv, or tornado.csv / morris.csv
    images: list[Path]  # the curves (per region where searched per region), or one slide per key figure
    info: dict  # the first answer.json, or provenance.json
    method: str = ""  # sensitivity: tornado or morris


def read_study(folder: Path | str, problems: list[str]) -> Study | None:
    """The study in `folder`, or None with the reason appended to `problems`."""
    folder = Path(folder)
    done = completion(folder) if folder.is_dir() else None
    if done is None or done.get("kind") not in KINDS:
        what = (
            "not a folder"
            if not folder.is_dir()
            else "not a finished `ketensim capacity`, `need` or `sensitivity` folder"
        )
        problems.append(f"--study {folder}: {what}")
        return None
    try:
        if done["kind"] == "capacity":
            answers = sorted(folder.glob("*/answer.json")) or [folder / "answer.json"]
            curves = sorted(folder.glob("*/capacity_curve.png")) or [folder / "capacity_curve.png"]
            info = json.loads(answers[0].read_text(encoding="utf-8"))
            return Study("capacity", folder, _csv(folder / "answers.csv"), [p for p in curves if p.is_file()], info)
        if done["kind"] == "need":
            info = json.loads((folder / "need.json").read_text(encoding="utf-8"))
            return Study("need", folder, _csv(folder / "need.csv"), [folder / "need.png"], info)
        info = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        method = str(info.get("method", ""))
        rows = _csv(folder / f"{method}.csv")
        return Study("sensitivity", folder, rows, sorted(folder.glob(f"{method}-*.png")), info, method)
    except (OSError, ValueError, KeyError) as e:
        problems.append(f"--study {folder}: cannot be read ({e})")
        return None


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def section(studies: list[Study], first_figure: int = 1) -> str:
    """The report's section for the studies (empty without any): an ``<h2>`` and per study a lead, a table and its
    figures, numbered from `first_figure`."""
    if not studies:
        return ""
    out = [f'<h2 id="studies">{tr("Capacity needed and the assumptions that matter")}</h2>']
    k = first_figure
    for s in studies:
        out.append({"capacity": _capacity, "need": _need}.get(s.kind, _sensitivity)(s))
        for img in s.images:
            data = "data:image/png;base64," + base64.b64encode(img.read_bytes()).decode("ascii")
            out.append(
                f'<figure id="fig-{k}"><img src="{data}" alt="{_e(img.stem)}">'
                f"<figcaption><b>{tr('Figure')} {k}.</b> {_e(_caption(s, img))}</figcaption></figure>"
            )
            k += 1
    return "\n".join(out)


def _caption(s: Study, img: Path) -> str:
    if s.kind == "need":
        return (
            tr("The capacity needed per forecast year, with the band of the forecast's intake, against today's")
            + f" ({s.folder.name})."
        )
    if s.kind == "capacity":
        where = img.parent.name if img.parent != s.folder else ""
        text = tr("The key figure against the lever with its interval and the target line")
        return f"{text}{' — ' + region_label(where) if where else ''} ({s.folder.name})."
    if s.method == "morris":
        return (
            tr("Morris: the mean absolute elementary effect of each assumption with its interval")
            + f" ({s.folder.name})."
        )
    return tr("Tornado: each assumption at its low and high end, paired with the reference") + f" ({s.folder.name})."


def _capacity(s: Study) -> str:
    info = s.info
    targets = ", ".join(str(t) for t in info.get("targets", [])) or "?"
    lead = tr("Capacity search: the smallest value of {lever} meeting {targets} at {confidence} confidence").format(
        lever=f"<code>{_e(info.get('lever', '?'))}</code>",
        targets=_e(targets),
        confidence=fmt.percent(100 * float(info.get("confidence", math.nan))),
    )
    head = [tr("region"), tr("now"), tr("answer"), tr("one step below"), tr("replications")]
    extra = [c for c in (s.rows[0] if s.rows else {}) if ": " in c]  # "<target>: mean at answer", ": ci_low", ...
    head += extra
    body: list[list[str]] = []
    for r in s.rows:
        cells = [region_label(r.get("region", "")) if r.get("region") != "all" else tr("the whole chain")]
        cells += [_num(r.get(c, "")) for c in ("current", "answer", "below", "replications_run")]
        if r.get("budget_exhausted") == "True" and not r.get("answer"):
            cells[2] = tr("not found within the budget")
        cells += [_num(r.get(c, "")) for c in extra]
        body.append(cells)
    return _table(lead, head, body)


def _need(s: Study) -> str:
    info = s.info
    lead = tr(
        "Capacity need per forecast year: the smallest value of {lever} meeting {targets}, at quantiles of the "
        "forecast intake; each year from the scenario's own stocks"
    ).format(
        lever=f"<code>{_e(' + '.join(info.get('levers', [])) or '?')}</code>",
        targets=_e(", ".join(str(t) for t in info.get("targets", [])) or "?"),
    )
    head = [tr("year"), tr("intake quantile"), tr("offences"), tr("now"), tr("need"), tr("one step below")]
    extra = [c for c in (s.rows[0] if s.rows else {}) if ": " in c]
    head += [tr("replications"), *extra]
    body: list[list[str]] = []
    for r in s.rows:
        cells = [r.get("year", ""), fmt.percent(100 * float(r.get("quantile") or "nan"))]
        cells += [_num(r.get(c, "")) for c in ("intake_offences", "now", "need", "below", "replications_run")]
        if not r.get("need"):
            cells[4] = tr("not found within the budget") if r.get("budget_exhausted") == "True" else tr("not met")
        cells += [_num(r.get(c, "")) for c in extra]
        body.append(cells)
    return _table(lead, head, body)


def _sensitivity(s: Study) -> str:
    info = s.info
    lead = tr(
        "Sensitivity ({method}) of scenario {scenario}, {n} replications per point, common random numbers"
    ).format(
        method=_e(s.method), scenario=f"“{_e(info.get('scenario', '?'))}”", n=info.get("replications_per_point", "?")
    )
    if s.method == "morris":
        head = [tr("key figure"), tr("rank"), tr("assumption"), "μ*", "± (95%)", "σ"]
    else:
        head = [tr("key figure"), tr("rank"), tr("assumption"), tr("low → high")]
        head += [tr("change at low"), tr("change at high"), tr("swing")]
    body: list[list[str]] = []
    for r in s.rows:
        cells = [r.get("kpi", ""), r.get("rank", ""), r.get("param", "")]
        if s.method == "morris":
            cells += [_num(r.get(c, "")) for c in ("mu_star", "mu_star_conf", "sigma")]
        else:
            cells.append(f"{_num(r.get('low_value', ''))} → {_num(r.get('high_value', ''))}")
            for side in ("low", "high"):
                c = f"change_at_{side}"
                cells.append(
                    f"{_num(r.get(c, ''))} [{_num(r.get(c + '_ci_low', ''))}; {_num(r.get(c + '_ci_high', ''))}]"
                )
            cells.append(_num(r.get("swing", "")))
        body.append(cells)
    return _table(lead, head, body)


def _table(lead: str, head: list[str], body: list[list[str]]) -> str:
    """The lead, then a table: `head` and a row per list of cells in `body` (plain text, escaped here)."""
    rows = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>" for cells in body)
    return (
        f'<p>{lead}</p><table class="kpis study"><tr>{"".join(f"<th>{_e(h)}</th>" for h in head)}</tr>'
        + rows
        + "</table>"
    )


def _num(text: str) -> str:
    try:
        return fmt.number(float(text))
    except (TypeError, ValueError):
        return text or "—"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
