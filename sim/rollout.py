"""Phased roll-out: a scenario whose measures take effect per arrondissement on its own date.

The Actieplan was carried out per arrondissement from March 2021 to December 2022 (docs/domain.md §4). Writing that as
schedules by hand means one override per region for every lever. A ``[rollout]`` table does it instead:

```toml
extends = "actieplan.toml"          # the values once a region has rolled out
name = "actieplan-phased"
[rollout]
before = "baseline.toml"            # the values before (a path relative to this file)
national = 2022-12-31               # when national pools (cells, reclassering, report writers) and intake change
[rollout.dates]
rotterdam = 2021-03-01
amsterdam = 2021-09-01
...                                 # one date per region
```

Every value that differs between `before` and this scenario becomes a schedule: the `before` value (or schedule) up
to the region's date, this scenario's from it. Only numbers and schedules can change on a date; a difference in a
duration's distribution or mean, a list of weekdays, or a session's `serves` is refused (express a duration lever
as `scale`, which is a schedule). The result is an ordinary scenario: the national values phased at `national`,
and each region's own dates written into its `override`, so `ketensim show` prints it without the roll-out table
and it loads back to the same model.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any


class RolloutError(ValueError):
    def __init__(self, key: str, reason: str):
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_schedule(x: Any) -> bool:
    return _is_number(x) or (
        isinstance(x, list) and bool(x) and all(isinstance(p, list) and len(p) == 2 and _is_number(p[1]) for p in x)
    )


def _as_date(d: Any) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(d))


def _points(x: Any, start: dt.date) -> list[tuple[dt.date, float]]:
    if _is_number(x):
        return [(start, float(x))]
    return [(_as_date(d), float(v)) for d, v in x]


def _value_at(points: list[tuple[dt.date, float]], day: dt.date) -> float:
    value = points[0][1]
    for d, v in points:
        if d <= day:
            value = v
    return value


def switch(before: Any, after: Any, date: dt.date, start: dt.date) -> list[list]:
    """A schedule that follows `before` until `date` and `after` from it (both numbers or [date, value] lists)."""
    a, b = _points(before, start), _points(after, start)
    out = [(d, v) for d, v in a if d < date]
    if not out:
        out = [(min(start, date - dt.timedelta(days=1)), a[0][1])] if date > start else []
    out.append((date, _value_at(b, date)))
    out += [(d, v) for d, v in b if d > date]
    merged: list[list] = []
    for d, v in out:  # drop points that do not change the value
        if not merged or merged[-1][1] != v:
            merged.append([d, v])
    return merged if len(merged) > 1 else merged[0][1]


def phase(before: Any, after: Any, date: dt.date, start: dt.date, key: str = "", fixed: frozenset = frozenset()) -> Any:
    """`after` with every difference from `before` turned into a switch on `date`. Keys named in `fixed` are
    numbers that cannot be schedules (a duration's mean, a session's lead days)."""
    if before == after:
        return copy.deepcopy(after)
    if isinstance(before, dict) and isinstance(after, dict):
        numeric = all(_is_schedule(v) for v in (*before.values(), *after.values()))
        out = {}
        for k, v in after.items():
            sub = f"{key}.{k}" if key else k
            if k in before:
                out[k] = phase(before[k], v, date, start, sub, fixed)
            elif numeric:  # a share in a mix that was not there before: it was 0
                out[k] = phase(0.0, v, date, start, sub, fixed)
            else:
                out[k] = copy.deepcopy(v)
        for k, v in before.items():
            if k not in after and numeric:  # a share that disappears: 0 from the date on
                out[k] = phase(v, 0.0, date, start, f"{key}.{k}" if key else k, fixed)
        return out
    if key.rpartition(".")[2] in fixed:
        raise RolloutError(
            key,
            "differs between rollout.before and this scenario but is a fixed number, not a "
            "schedule (express a duration lever as `scale`)",
        )
    if _is_schedule(before) and _is_schedule(after):
        return switch(before, after, date, start)
    raise RolloutError(
        key or "(top)",
        "differs between rollout.before and this scenario but cannot change on a date (only numbers and "
        "schedules can; express a duration lever as `scale`)",
    )


def diff(value: Any, reference: Any) -> Any:
    """The parts of `value` that differ from `reference`, as an override (None if nothing differs)."""
    if value == reference:
        return None
    if isinstance(value, dict) and isinstance(reference, dict):
        out = {}
        for k, v in value.items():
            d = diff(v, reference.get(k)) if k in reference else copy.deepcopy(v)
            if d is not None:
                out[k] = d
        return out or None
    return copy.deepcopy(value)


def resolve_before_path(rollout: dict, base_dir: Path) -> None:
    """Make `rollout.before` absolute, relative to the file that names it (called per file while loading)."""
    before = rollout.get("before") if isinstance(rollout, dict) else None
    if isinstance(before, str) and before and not Path(before).is_absolute():
        rollout["before"] = str((base_dir / before).resolve())
