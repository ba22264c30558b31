"""Reading scenario files: TOML in, the parents a file `extends` and the files it `include`s merged in (deep
merge), forecast file names made absolute; `load_raw` gives the merged, not yet validated data."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from ..rollout import resolve_before_path
from .problems import Problem, ScenarioError


def deep_merge(base: dict, over: dict) -> dict:
    """`over` on top of `base`: tables merge key by key, everything else (numbers, lists, schedules) replaces.
    A table in `over` with ``_replace = true`` replaces the parent's table whole (e.g. a one-region variant)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and v.get("_replace") is True:
            out[k] = {kk: copy.deepcopy(vv) for kk, vv in v.items() if kk != "_replace"}
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read_toml(path: Path, origin: str) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError(
            [Problem(origin, "extends" if origin != str(path) else "", f"file not found: {path}")]
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError([Problem(str(path), "", f"not valid TOML: {e}")]) from None
    except UnicodeDecodeError as e:
        raise ScenarioError(
            [Problem(str(path), "", f"not a UTF-8 text file (byte {e.start}): a scenario is a TOML text file")]
        ) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(str(path), "", "is a folder, not a scenario file")]) from None
    except OSError as e:
        raise ScenarioError([Problem(str(path), "", f"cannot read: {e.strerror}")]) from None


OWN_KEYS = ("name", "description", "extends", "include")  # what an included file does not pass on


def _flat(d: dict, prefix: str = "") -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and v.get("_replace") is not True:
            out.update(_flat(v, key))
        else:
            out[key] = v
    return out


def _with_includes(data: dict, path: Path) -> dict:
    """A file's ``include = [...]``: the listed files' own tables (not their parents', not their name, description,
    extends or include) are merged in order under this file's own keys. Two included files that set the same key to
    different values are refused: the combination would depend on the order."""
    inc = data["include"]
    if not (isinstance(inc, list) and all(isinstance(x, str) and x for x in inc)):
        raise ScenarioError([Problem(str(path), "include", "must be a list of file names")])
    merged: dict = {}
    seen: dict[str, tuple[str, Any]] = {}
    problems = []
    for name in inc:
        f = path.parent / name
        if not f.exists():
            raise ScenarioError([Problem(str(path), "include", f"file not found: {f}")])
        layer = _read_toml(f, str(path))
        if "include" in layer:
            problems.append(Problem(str(path), "include", f"{name} has an include of its own; include plain files"))
            continue
        if "rollout" in layer:
            resolve_before_path(layer["rollout"], f.parent)
        own = {k: v for k, v in layer.items() if k not in OWN_KEYS}
        for key, value in _flat(own).items():
            if key in seen and seen[key][1] != value:
                problems.append(
                    Problem(str(path), "include", f"{seen[key][0]} and {name} both set {key} to different values")
                )
            seen[key] = (name, value)
        merged = deep_merge(merged, own)
    if problems:
        raise ScenarioError(problems)
    return deep_merge(merged, {k: v for k, v in data.items() if k != "include"})


def _absolute_forecast_paths(data: dict, base: Path) -> None:
    """Forecast volumes name CSV files relative to the scenario file that says so: make them absolute while that
    file is known (a variant in another folder may inherit them)."""

    def absolute(ref):
        if not isinstance(ref, str) or not ref:
            return ref
        path, sep, series = ref.partition(":")
        p = Path(path)
        return ref if p.is_absolute() else str((base / p).resolve()) + sep + series

    streams = ((data.get("intake") or {}).get("streams") or {}) if isinstance(data.get("intake"), dict) else {}
    for st in streams.values() if isinstance(streams, dict) else ():  # a wrong type is reported by validation
        vol = st.get("volume") if isinstance(st, dict) else None
        if not (isinstance(vol, dict) and "forecast" in vol):
            continue
        fc = vol["forecast"]
        if isinstance(fc, str) and fc and not Path(fc).is_absolute():
            vol["forecast"] = str((base / fc).resolve())
        if "parent" in vol:
            vol["parent"] = absolute(vol["parent"])
        if isinstance(vol.get("drivers"), list):
            vol["drivers"] = [
                absolute(d)
                if isinstance(d, str)
                else ({**d, "file": absolute(d["file"])} if isinstance(d, dict) and "file" in d else d)
                for d in vol["drivers"]
            ]


def load_raw(path: str | Path) -> tuple[dict, list[str]]:
    """Read a scenario file and all its parents; return the merged data and the chain of files (child first)."""
    path = Path(path)
    chain: list[Path] = []
    layers: list[dict] = []
    current, origin = path, str(path)
    while True:
        resolved = current.resolve()
        if resolved in chain:
            cycle = " -> ".join(str(p) for p in chain + [resolved])
            raise ScenarioError([Problem(origin, "extends", f"circular extends: {cycle}")])
        data = _read_toml(current, origin)
        if "rollout" in data:
            resolve_before_path(data["rollout"], current.parent)
        if "include" in data:
            data = _with_includes(data, current)
        _absolute_forecast_paths(data, current.parent)
        chain.append(resolved)
        layers.append(data)
        parent = data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str) or not parent:
            raise ScenarioError([Problem(str(current), "extends", "must be a file name (string)")])
        origin = str(current)
        current = current.parent / parent
        if not current.exists():
            raise ScenarioError([Problem(str(resolved), "extends", f"parent file not found: {current}")])
    merged: dict = {}
    for layer in reversed(layers):
        merged = deep_merge(merged, layer)
    merged["extends"] = layers[0].get("extends")
    return merged, [str(p) for p in chain]
