"""The Actieplan's levers as controls: which scenario keys a workshop may move, their baseline values, units and
sources, and turning the values typed on the page into a scenario override.

The levers are not a second list: they are the number-valued keys that the Actieplan's measure files set
(``scenarios/actieplan.toml`` and its ``include``s, one file per measure), so a measure added to the library is a
lever on the page. The OM's decision mixes are left out: their shares must sum to 1 per situation, so one control
cannot move one share alone (the ``zsm-selection`` measure moves whole mixes; run that file as a base instead).

A lever's words and unit come from `sim.settings_text` (the sentences the report writes its changes in); where its
baseline value comes from is the comment beside the key in the base scenario's files (``# ASSUMPTION``,
``cal:...``, ``domain §n``), the nearest one up the chain of ``extends``.

Shares are typed in percent (as the sentences write them), everything else in the scenario's own unit. A value that
is not a number, or is outside the lever's range, is refused with a message for the control; the scenario loader
then validates the whole variant as it would a file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..scenario import Scenario, load_raw
from ..scenario.files import _flat
from ..settings_text import describe_setting, setting_kind, value_text

ACTIEPLAN = Path(__file__).resolve().parents[2] / "scenarios" / "actieplan.toml"
NOT_LEVERS = (r"om\.decision_mix\..*",)  # see the module docstring
UNITS = {"share": "%", "scale": "×", "fte": "fte", "plain": ""}


@dataclass(frozen=True)
class Lever:
    """One control: the scenario key it sets, its words, the kind of value and the base scenario's value."""

    path: str  # e.g. "courts.sessions.politierechter.per_week"
    measure: str  # the Actieplan measure file that moves it, e.g. "flexible-courts"
    measure_value: Any  # the value that measure sets
    kind: str  # "share", "scale", "fte" or "plain" (`sim.settings_text.setting_kind`)
    baseline: Any  # the base scenario's value: a number or a schedule of [date, value] pairs
    source: str  # where the baseline value comes from, in the base scenario's files

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def label(self) -> str:
        """The lever in words, with its baseline value: "politierechter sessions per week: 105"."""
        return describe_setting(self.path, self.baseline)

    @property
    def baseline_number(self) -> float:
        """The baseline value in the control's unit (shares in percent); a schedule's last value."""
        v = self.baseline[-1][1] if isinstance(self.baseline, list) else self.baseline
        return to_control(float(v), self.kind)

    def baseline_text(self) -> str:
        return value_text(self.baseline, self.kind)

    def measure_text(self) -> str:
        return f"{self.measure}: {value_text(self.measure_value, self.kind)}"


def to_control(v: float, kind: str) -> float:
    """A scenario value in the control's unit (shares in percent)."""
    return round(v * 100, 6) if kind == "share" else v


def from_control(v: float, kind: str) -> float:
    return round(v / 100, 8) if kind == "share" else v


def measure_keys(actieplan: Path = ACTIEPLAN) -> dict[str, tuple[str, Any]]:
    """Key path -> (measure file stem, its value) for every number a measure of the Actieplan sets."""
    data = tomllib.loads(actieplan.read_text())
    out: dict[str, tuple[str, Any]] = {}
    for name in data.get("include", []):
        f = actieplan.parent / name
        for key, value in _flat(tomllib.loads(f.read_text())).items():
            if key in ("extends", "name", "description", "include") or any(re.fullmatch(p, key) for p in NOT_LEVERS):
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.setdefault(key, (f.stem, value))
    return out


def levers(base: Scenario, base_file: Path, actieplan: Path = ACTIEPLAN) -> list[Lever]:
    """The levers of `base` (loaded from `base_file`), in the order of the Actieplan's measures."""
    raw, files = load_raw(base_file)
    flat_raw = _flat(raw)
    resolved = _flat(base.resolved_dict())
    comments = source_comments([Path(f) for f in files])
    out = []
    for path, (measure, value) in measure_keys(actieplan).items():
        baseline = flat_raw.get(path, resolved.get(path))
        if baseline is None:
            continue  # a key this base does not have (another chain): no control
        if isinstance(baseline, list):
            baseline = [[d, v] for d, v in baseline]
        if path in comments:
            source = comments[path]
        elif path in flat_raw:
            source = "set in the scenario's files without a comment"
        else:
            source = "not set in the scenario's files: the scenario format's default (docs/scenario-reference.md)"
        out.append(Lever(path, measure, value, setting_kind(path), baseline, source))
    return out


def source_comments(files: list[Path]) -> dict[str, str]:
    """Key path -> "file: comment" for the keys that have a comment beside them (or on their table's header) in
    `files`, the first file that has one winning (pass them child first, as `load_raw` lists them)."""
    out: dict[str, str] = {}
    for f in files:
        for key, comment in _comments_of(f).items():
            out.setdefault(key, f"{f.name}: {comment}")
    return out


_HEADER = re.compile(r"^\s*\[+\s*([\w.\-\"]+)\s*\]+\s*(?:#\s*(.*))?$")
_KEY = re.compile(r"^\s*([\w.\-]+)\s*=\s*(.*)$")


def _comments_of(path: Path) -> dict[str, str]:
    """The comments of one TOML file by key path: the comment at the end of a ``key = value`` line (for an inline
    table, it covers each key inside), else the comment lines just above it, else its table header's comment."""
    out: dict[str, str] = {}
    table: list[str] = []
    header_comment = ""
    above: list[str] = []
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        if line.strip().startswith("#"):
            above.append(line.strip().lstrip("#").strip())
            continue
        block, above = " ".join(above), []
        h = _HEADER.match(line)
        if h:
            table = h.group(1).replace('"', "").split(".")
            header_comment = (h.group(2) or "").strip()
            continue
        k = _KEY.match(line)
        if not k:
            continue
        key = ".".join(table + k.group(1).split("."))
        value, _, comment = k.group(2).partition("#")
        comment = comment.strip() or block or header_comment
        if not comment:
            continue
        out[key] = comment
        if value.strip().startswith("{"):
            for inner in re.findall(r"([\w\-]+)\s*=", value):
                out.setdefault(f"{key}.{inner}", comment)
    return out


class LeverError(ValueError):
    """Values on the page that cannot be a scenario: lever path -> the message shown beside its control."""

    def __init__(self, messages: Mapping[str, str]):
        self.messages = dict(messages)
        super().__init__("; ".join(f"{k}: {m}" for k, m in self.messages.items()))


def parse_number(text: Any) -> float:
    """A number typed in a control (a decimal comma is accepted, as Dutch users type it)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        v = float(text)
    else:
        s = str(text if text is not None else "").strip().replace(",", ".")
        if not s:
            raise ValueError("give a number")
        try:
            v = float(s)
        except ValueError:
            raise ValueError(f"{str(text).strip()!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError("give a finite number")
    return v


def check_value(lever: Lever, v: float) -> str | None:
    """Why `v` (in the control's unit) cannot be the lever's value, or None."""
    if v < 0:
        return f"must be 0 or more{' ' + lever.unit if lever.unit else ''}"
    if lever.kind == "share" and v > 100:
        return "a share is at most 100%"
    if lever.kind == "scale" and v == 0:
        return "a factor on durations must be more than 0"
    return None


def parse_date(text: Any, base: Scenario) -> dt.date | None:
    """A roll-out date typed in a control (YYYY-MM-DD), or None for "from the start"."""
    if text is None or isinstance(text, str) and not text.strip():
        return None
    if isinstance(text, dt.date):
        d = text
    else:
        try:
            d = dt.date.fromisoformat(str(text).strip())
        except ValueError:
            raise ValueError(f"{str(text).strip()!r} is not a date (YYYY-MM-DD)") from None
    end = base.start_date + dt.timedelta(days=base.horizon_days)
    if d < base.start_date or d >= end:
        last = end - dt.timedelta(days=1)
        raise ValueError(f"the date must be within the simulated period, {base.start_date} to {last}")
    return d


def lever_overrides(
    base: Scenario,
    lever_list: list[Lever],
    values: Mapping[str, Any],
    dates: Mapping[str, Any] | None = None,
) -> dict:
    """The nested scenario override that sets each lever in `values` (path -> the text or number in its control,
    in the control's unit) from its roll-out date in `dates` (path -> YYYY-MM-DD; none: from the start). A value
    equal to the baseline with no date is no change. Raises `LeverError` with a message per bad control."""
    by_path = {lv.path: lv for lv in lever_list}
    messages: dict[str, str] = {}
    over: dict = {}
    for path, text in values.items():
        lever = by_path.get(path)
        if lever is None:
            messages[path] = "not a lever of this scenario"
            continue
        try:
            v = parse_number(text)
            when = parse_date((dates or {}).get(path), base)
        except ValueError as e:
            messages[path] = str(e)
            continue
        problem = check_value(lever, v)
        if problem:
            messages[path] = problem
            continue
        if when is None and math.isclose(v, lever.baseline_number, rel_tol=1e-9, abs_tol=1e-12):
            continue
        value: Any = from_control(v, lever.kind)
        if isinstance(lever.baseline, int) and not isinstance(lever.baseline, bool) and float(value).is_integer():
            value = int(value)  # a whole-number key (cells) stays whole
        if when is not None:
            value = _rollout(lever.baseline, base.start_date, when, value)
        node = over
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    if messages:
        raise LeverError(messages)
    return over


def _rollout(baseline: Any, start: dt.date, when: dt.date, value: Any) -> list:
    """A schedule that keeps the baseline until `when` and is `value` from then on."""
    points = baseline if isinstance(baseline, list) else [[start, baseline]]
    kept = [[_as_date(d), v] for d, v in points if _as_date(d) < when]
    if not kept:
        kept = [[start, points[0][1]]]
    return kept + [[when, value]]


def _as_date(d: Any) -> dt.date:
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])


def changed_paths(over: Mapping, prefix: str = "") -> list[str]:
    """The key paths a (nested) override sets."""
    out: list[str] = []
    for k, v in over.items():
        key = f"{prefix}.{k}" if prefix else k
        out.extend(changed_paths(v, key) if isinstance(v, Mapping) else [key])
    return out
