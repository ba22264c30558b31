"""Number formatters: how a number is written in the figures, the report and the console summary. Negative
numbers get a real minus sign (−) except on the console; NaN is "n/a" in the report and empty on the console.

In Dutch (``--lang nl``, `sim.labels.language`) a number is written the Dutch way: a decimal comma and a point
between thousands (1.234,5; 12,5%). Every formatter here answers in the current language (`local`), so the report,
the figures and the console agree; the files written for code (CSV, Parquet, JSON, the workbook's numbers) do not
use these formatters and stay the same in every language.
"""

from __future__ import annotations

import math

import numpy as np

MINUS = "−"
_DUTCH_SEPARATORS = str.maketrans(",.", ".,")


def local(text: str) -> str:
    """A number written in English style (1,234.5) in the current language: Dutch swaps the separators
    (1.234,5). Only for text that holds numbers and no words with a comma or a point."""
    return text.translate(_DUTCH_SEPARATORS) if _dutch() else text


def percent(v: float, digits: int = 0) -> str:
    """A percentage: 12%, 0.9% (12%, 0,9% in Dutch)."""
    return local(f"{v:.{digits}f}%")


# ------------------------------------------------------------------------------------------------ figures


def days(x: float) -> str:
    """A number of days: one decimal below ten, whole days from there (1.2, 28, 1,234)."""
    return local(f"{x:.1f}" if x < 10 else f"{x:,.0f}")


def count(n: int) -> str:
    """A count of cases: 12,345."""
    return local(f"{n:,}")


def whole(v: float, _pos=None) -> str:
    """A whole number with thousands separators; also a tick formatter (`FuncFormatter(whole)`)."""
    return local(f"{v:,.0f}")


def thousands(v: float, _pos=None) -> str:
    """A tick label in thousands above 1,000: 750, 8.5k, 12k."""
    if abs(v) >= 10_000:
        return local(f"{v / 1000:,.0f}k")
    if abs(v) >= 1000:
        return local(f"{v / 1000:,.1f}k".replace(".0k", "k"))
    return local(f"{v:,.0f}")


def flow_count(v: float) -> str:
    """Cases per year on a node of the flow diagram: one decimal below ten (so a small node is not "0")."""
    return local(f"{v:,.1f}" if 0 < v < 10 else f"{v:,.0f}")


def bar_value(m: float, percent: bool) -> str:
    """The value written above a bar: whole numbers from ten on, one decimal below; "n/a" for NaN."""
    if np.isnan(m):
        return "n/a"
    if percent:
        return local(f"{m:.0f}%" if m >= 10 or m == 0 else f"{m:.1f}%")
    return local(f"{m:,.0f}" if m >= 10 or m == 0 else f"{m:.1f}")


def signed_rounded(x: float, digits: int | None = None) -> str:
    """+1.2 / −3.4 with a real minus sign; whole numbers from 100 on, two decimals below 1 (or `digits`)."""
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 1 else 2
    text = local(f"{abs(x):,.{digits}f}")
    return (MINUS if x < 0 else "+") + text


def window_span(earliest: float, latest: float) -> str:
    """A legal window in days: "14–28 days", or "≤ 3 days" when it starts at day 0."""
    span = f"{local(f'{earliest:g}')}–{local(f'{latest:g}')}" if earliest > 0 else f"≤ {local(f'{latest:g}')}"
    return f"{span} days"


# ------------------------------------------------------------------------------------------------ report


def number(x: float) -> str:
    """A value readably: whole numbers from 100, one decimal from 1, two decimals from 0.01, two significant
    digits below (never scientific notation); a real minus sign; "n/a" for NaN."""
    if math.isnan(x):
        return "n/a"
    ax = abs(x)
    if ax >= 1000:
        s = f"{ax:,.0f}"
    elif ax >= 100:
        s = f"{ax:.0f}"
    elif ax >= 1 or ax == 0:
        s = f"{ax:.1f}"
    elif ax >= 0.01:
        s = f"{ax:.2f}"
    else:  # two significant digits, never in scientific notation
        s = np.format_float_positional(ax, precision=2, unique=True, fractional=False, trim="-")
    return (MINUS if x < 0 else "") + local(s)


def signed(x: float) -> str:
    """`number` with its sign always written (+12.3, −0.45); "n/a" for NaN."""
    if math.isnan(x):
        return "n/a"
    return (MINUS if x < 0 else "+") + number(abs(x))


def plain_number(x: float) -> str:
    """A setting's value: integers with thousands separators, others to six significant digits; infinity is
    "unlimited"."""
    if isinstance(x, float) and math.isinf(x):
        return "unlimited" if x > 0 else "−unlimited"
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    if float(x).is_integer() and abs(x) < 1e15:
        return local(f"{int(x):,}")
    return local(f"{x:,.6g}")


# ------------------------------------------------------------------------------------------------ console


def console_number(x: float) -> str:
    """A value in the console summary: whole numbers from 1,000, one decimal from 10, three significant digits
    below (2.00, 0.450); empty for NaN. Its interval is written to the same decimals (`console_mean_ci`)."""
    if math.isnan(x):
        return ""
    return _to_decimals_of(x, x)


def console_signed(x: float) -> str:
    """`console_number` with a plus sign on positive values."""
    return ("+" if x > 0 else "") + console_number(x)


def console_mean_ci(mean: float, ci_low: float, ci_high: float) -> str:
    """A mean with the half-width of its 95% interval, "12.3 ±1.4", the half-width to the mean's decimals (so
    "1,234 ±57", not "1,234 ±56.7"); the mean alone without an interval; empty for NaN."""
    if math.isnan(mean):
        return ""
    shown = console_number(mean)
    if math.isnan(ci_low):
        return shown
    return f"{shown} ±{_to_decimals_of(mean, (ci_high - ci_low) / 2)}"


def console_difference(diff: float, ci_low: float, ci_high: float, significant: bool) -> str:
    """A paired difference with its 95% interval, "+1.2 [+0.4, +2.0] *" (* = the interval excludes zero), the
    bounds to the difference's decimals; "=" when identical in every replication; empty for NaN. In Dutch the
    bounds are parted by a semicolon, the comma being the decimal sign: "+1,2 [+0,4; +2,0] *"."""
    if math.isnan(diff):
        return ""
    if diff == 0 and ci_low == ci_high == 0:
        return "="
    shown = console_signed(diff)
    if math.isnan(ci_low):
        return shown
    star = " *" if significant else "  "
    lo, hi = (("+" if v > 0 else "") + _to_decimals_of(diff, v) for v in (ci_low, ci_high))
    return f"{shown} [{lo}{'; ' if _dutch() else ', '}{hi}]{star}"


def _to_decimals_of(mean: float, x: float) -> str:
    """`x` with the decimals of a console value the size of `mean`: none from 1,000, one from 10, three
    significant digits below."""
    size = abs(mean)
    decimals = 0 if size >= 1000 else 1 if size >= 10 else 2 if size == 0 else max(0, 2 - math.floor(math.log10(size)))
    return local(f"{x:,.{decimals}f}")


def _dutch() -> bool:
    from .labels import language

    return language() == "nl"
