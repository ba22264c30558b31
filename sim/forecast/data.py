"""Yearly series with their provenance: reading, validating and lining up targets and drivers.

A series file is a CSV with at least the columns ``year`` and ``value``. Extra columns are kept as provenance:
``unit``, ``source_url``, ``source_table`` and ``note`` (the layout of ``calibration/data/*.csv``, see SOURCES.md
there). A ``series`` column lets one file hold several series; one of them is then chosen by name.

The data are real and therefore imperfect, and this module says so instead of hiding it:

- A *target* (the series to forecast) must be complete: a missing year is refused (`check_target`), because every
  model here assumes consecutive years and no interpolated value should be scored as if it were observed.
- A *driver* may have short gaps. Gaps of at most ``max_gap`` years in a stock variable such as population are
  filled by log-linear interpolation and the filled years are reported; a longer gap cuts the driver to the stretch
  after it (`prepare_driver`). Population by age that is only 5-yearly is thereby cut to its yearly part.
- Notes that mark a row as provisional, derived, approximate or as a break in the series are collected so that the
  output can repeat them (`YearlySeries.flags`).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

PROVENANCE_COLUMNS = ("unit", "source_url", "source_table", "note")
_FLAG_WORDS = {
    "provisional": re.compile(r"provisional|voorlopig|\bmarked \*", re.I),
    "break": re.compile(r"\bbreak\b|trendbreuk|not comparable|niet vergelijkbaar|re-?delivered|from mid-20\d\d", re.I),
    "derived": re.compile(r"\bDERIVED\b|\bSPLICE", re.I),
    "approximate": re.compile(r"\bAPPROXIMATE\b|benaderd|approximated", re.I),
    "secondary": re.compile(r"\bsecondary\b", re.I),
}


class SeriesError(ValueError):
    """A series file or series that cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class YearlySeries:
    """One yearly series: values by year, plus where they came from.

    ``years`` are sorted and unique; they need not be consecutive (see `gaps`). ``notes`` maps a year to the
    ``note`` column of that row; ``sources`` lists the distinct (source_url, source_table) pairs.
    """

    name: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    unit: str = ""
    file: str = ""
    notes: dict[int, str] = field(default_factory=dict)
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if len(self.years) != len(self.values):
            raise ValueError("years and values differ in length")
        if any(b <= a for a, b in zip(self.years, self.years[1:])):
            raise ValueError("years must be sorted and unique")

    @property
    def label(self) -> str:
        """``file:series`` for messages."""
        return f"{self.file}:{self.name}" if self.file else self.name

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]

    def to_pandas(self) -> pd.Series:
        return pd.Series(np.asarray(self.values, float), index=pd.Index(self.years, name="year"), name=self.name)

    def gaps(self) -> list[int]:
        """Missing years between the first and the last year."""
        have = set(self.years)
        return [y for y in range(self.first, self.last + 1) if y not in have]

    def window(self, start: int | None = None, end: int | None = None) -> YearlySeries:
        """The same series restricted to start..end (inclusive); None leaves that side open."""
        keep = [i for i, y in enumerate(self.years) if (start is None or y >= start) and (end is None or y <= end)]
        return YearlySeries(
            name=self.name,
            years=tuple(self.years[i] for i in keep),
            values=tuple(self.values[i] for i in keep),
            unit=self.unit,
            file=self.file,
            notes={y: n for y, n in self.notes.items() if (start is None or y >= start) and (end is None or y <= end)},
            sources=self.sources,
        )

    def flags(self) -> dict[str, list[int]]:
        """Years whose note marks them as provisional, a break, derived, approximate or from a secondary source."""
        out: dict[str, list[int]] = {}
        for year, note in sorted(self.notes.items()):
            for flag, rx in _FLAG_WORDS.items():
                if rx.search(note):
                    out.setdefault(flag, []).append(year)
        return out

    def provenance(self) -> dict:
        return {
            "file": self.file,
            "series": self.name,
            "unit": self.unit,
            "years": [self.first, self.last] if self.years else [],
            "gaps": self.gaps(),
            "sources": [{"source_url": u, "source_table": t} for u, t in self.sources],
            "flags": self.flags(),
        }


def series_names(path: str | Path) -> list[str]:
    """The series a file holds (one unnamed series gives ``[stem]``)."""
    rows = _read_rows(Path(path))
    names = sorted({(r.get("series") or "").strip() for r in rows} - {""})
    return names or [Path(path).stem]


def read_series(
    path: str | Path, series: str | None = None, *, start: int | None = None, end: int | None = None
) -> YearlySeries:
    """Read one yearly series from a CSV with columns ``year,value`` (and optionally ``series`` and provenance).

    Raises SeriesError, naming the file, when the file is missing or unreadable, lacks the columns, holds several
    series and none was chosen, does not hold the chosen one, repeats a year, or has a value that is not a number.
    Gaps are allowed here; a target is checked with `check_target`.
    """
    path = Path(path)
    rows = _read_rows(path)
    names = sorted({(r.get("series") or "").strip() for r in rows} - {""})
    if series is None:
        if len(names) > 1:
            raise SeriesError(f"{path}: holds {len(names)} series; choose one ({', '.join(names)})")
        chosen = rows
        name = names[0] if names else path.stem
    else:
        if not names and series == path.stem:
            chosen, name = rows, series
        else:
            chosen = [r for r in rows if (r.get("series") or "").strip() == series]
            name = series
            if not chosen:
                avail = ", ".join(names) if names else "(the file has no 'series' column)"
                raise SeriesError(f"{path}: series '{series}' not found; available: {avail}")
    by_year: dict[int, tuple[float, dict]] = {}
    for r in chosen:
        y_raw, v_raw = (r.get("year") or "").strip(), (r.get("value") or "").strip()
        try:
            year = int(float(y_raw))
            if float(y_raw) != year:
                raise ValueError
        except ValueError:
            raise SeriesError(f"{path}: year '{y_raw}' is not a whole year (series '{name}')") from None
        if v_raw == "":
            continue  # an empty value is a gap, like a missing row
        try:
            value = float(v_raw.replace("_", ""))
        except ValueError:
            raise SeriesError(f"{path}: value '{v_raw}' for {year} is not a number (series '{name}')") from None
        if not math.isfinite(value):
            raise SeriesError(f"{path}: value for {year} is not finite (series '{name}')")
        if year in by_year:
            raise SeriesError(f"{path}: year {year} appears twice in series '{name}'")
        by_year[year] = (value, r)
    years = tuple(sorted(by_year))
    if start is not None or end is not None:
        years = tuple(y for y in years if (start is None or y >= start) and (end is None or y <= end))
    if not years:
        span = f" in {start or '...'}-{end or '...'}" if (start or end) else ""
        raise SeriesError(f"{path}: series '{name}' has no values{span}")
    units = sorted({(by_year[y][1].get("unit") or "").strip() for y in years} - {""})
    sources = []
    for y in years:
        r = by_year[y][1]
        pair = ((r.get("source_url") or "").strip(), (r.get("source_table") or "").strip())
        if any(pair) and pair not in sources:
            sources.append(pair)
    return YearlySeries(
        name=name,
        years=years,
        values=tuple(by_year[y][0] for y in years),
        unit="; ".join(units),
        file=str(path),
        notes={
            y: (by_year[y][1].get("note") or "").strip() for y in years if (by_year[y][1].get("note") or "").strip()
        },
        sources=tuple(sources),
    )


def _read_rows(path: Path) -> list[dict]:
    if not path.exists():
        raise SeriesError(f"{path}: file not found")
    if path.is_dir():
        raise SeriesError(f"{path}: is a folder, not a CSV file")
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            cols = [c.strip() for c in (reader.fieldnames or [])]
    except (UnicodeDecodeError, csv.Error) as e:
        raise SeriesError(f"{path}: cannot be read as a UTF-8 CSV file ({e})") from None
    missing = [c for c in ("year", "value") if c not in cols]
    if missing:
        found = ", ".join(cols) if cols else "no header"
        raise SeriesError(f"{path}: needs the columns 'year' and 'value' (missing {', '.join(missing)}; found {found})")
    return [{(k or "").strip(): v for k, v in r.items()} for r in rows]


def check_target(s: YearlySeries, min_years: int, *, positive: bool = True) -> None:
    """Refuse a target series that has gaps, is shorter than ``min_years`` or (for log models) has values <= 0."""
    gaps = s.gaps()
    if gaps:
        raise SeriesError(
            f"{s.file or s.name}: series '{s.name}' has gaps (no value for {_years_text(gaps)}); a target must have "
            "every year - choose a window without gaps with --start/--end"
        )
    if len(s.years) < min_years:
        raise SeriesError(
            f"{s.file or s.name}: series '{s.name}' is too short: {len(s.years)} years ({s.first}-{s.last}), "
            f"at least {min_years} are needed"
        )
    if positive:
        bad = [y for y, v in zip(s.years, s.values) if v <= 0]
        if bad:
            raise SeriesError(
                f"{s.file or s.name}: series '{s.name}' has values <= 0 in {_years_text(bad)}; the models work on "
                "logarithms and need positive values"
            )


@dataclass(frozen=True)
class PreparedDriver:
    """A driver made ready for a target: consecutive years, short gaps filled, with the reasons written down."""

    series: YearlySeries
    log: bool  # whether the model uses log values (all values > 0)
    interpolated: tuple[int, ...]
    dropped_before: int | None  # first year kept after a long gap, if the driver was cut
    note: str


def prepare_driver(d: YearlySeries, *, max_gap: int = 2) -> PreparedDriver:
    """Fill gaps of at most ``max_gap`` years by log-linear interpolation; cut the driver after any longer gap.

    Interpolation is defensible for smooth stock series (population on 1 January) over a year or two; a longer
    gap, or a series that is only 5-yearly, is not filled: only the consecutive stretch after it is kept.
    """
    years = np.asarray(d.years)
    values = np.asarray(d.values, float)
    steps = np.diff(years)
    cut = None
    long_gaps = np.nonzero(steps - 1 > max_gap)[0]
    if long_gaps.size:
        k = long_gaps[-1] + 1
        cut = int(years[k])
        years, values = years[k:], values[k:]
    log = bool(np.all(values > 0))
    full = np.arange(years[0], years[-1] + 1)
    interp_years = [int(y) for y in full if y not in set(years.tolist())]
    if interp_years:
        base = np.log(values) if log else values
        filled = np.interp(full, years, base)
        values = np.exp(filled) if log else filled
        years = full
    parts = []
    if cut is not None:
        parts.append(f"cut to {cut}-{int(years[-1])} after a gap of more than {max_gap} years")
    if interp_years:
        parts.append(f"interpolated {_years_text(interp_years)}")
    if not log:
        parts.append("used without logs (has values <= 0)")
    s = YearlySeries(
        name=d.name,
        years=tuple(int(y) for y in years),
        values=tuple(float(v) for v in values),
        unit=d.unit,
        file=d.file,
        notes={y: n for y, n in d.notes.items() if y >= int(years[0])},
        sources=d.sources,
    )
    return PreparedDriver(s, log, tuple(interp_years), cut, "; ".join(parts))


def _years_text(years: list[int]) -> str:
    """2016, 2017 and 2020-2023 as '2016-2017, 2020-2023'."""
    if not years:
        return ""
    runs, start, prev = [], years[0], years[0]
    for y in years[1:]:
        if y == prev + 1:
            prev = y
            continue
        runs.append((start, prev))
        start = prev = y
    runs.append((start, prev))
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def split_file_series(text: str) -> tuple[str, str | None]:
    """``"file.csv:series"`` -> ("file.csv", "series"); ``"file.csv"`` -> ("file.csv", None)."""
    i = text.rfind(".csv:")
    if i >= 0:
        return text[: i + 4], (text[i + 5 :] or None)
    return text, None
