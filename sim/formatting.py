"""Number formatters: how a number is written in the figures, the report and the console summary. Negative
numbers get a real minus sign (−) except on the console; NaN is "n/a" in the report and empty on the console.
"""

from __future__ import annotations

import math

import numpy as np

MINUS = "−"


# ------------------------------------------------------------------------------------------------ figures


def days(x: float) -> str:
    """A number of days: one decimal below ten, whole days from there (1.2, 28, 1,234)."""
    return f"{x:.1f}" if x < 10 else f"{x:,.0f}"


def count(n: int) -> str:
    """A count of cases: 12,345."""
    return f"{n:,}"


def whole(v: float, _pos=None) -> str:
    """A whole number with thousands separators; also a tick formatter (`FuncFormatter(whole)`)."""
    return f"{v:,.0f}"


def thousands(v: float, _pos=None) -> str:
    """A tick label in thousands above 1,000: 750, 8.5k, 12k."""
    if abs(v) >= 10_000:
        return f"{v / 1000:,.0f}k"
    if abs(v) >= 1000:
        return f"{v / 1000:,.1f}k".replace(".0k", "k")
    return f"{v:,.0f}"


def flow_count(v: float) -> str:
    """Cases per year on a node of the flow diagram: one decimal below ten (so a small node is not "0")."""
    return f"{v:,.1f}" if 0 < v < 10 else f"{v:,.0f}"


def bar_value(m: float, percent: bool) -> str:
    """The value written above a bar: whole numbers from ten on, one decimal below; "n/a" for NaN."""
    if np.isnan(m):
        return "n/a"
    if percent:
        return f"{m:.0f}%" if m >= 10 or m == 0 else f"{m:.1f}%"
    return f"{m:,.0f}" if m >= 10 or m == 0 else f"{m:.1f}"


def signed_rounded(x: float, digits: int | None = None) -> str:
    """+1.2 / −3.4 with a real minus sign; whole numbers from 100 on, two decimals below 1 (or `digits`)."""
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 1 else 2
    text = f"{abs(x):,.{digits}f}"
    return (MINUS if x < 0 else "+") + text


def window_span(earliest: float, latest: float) -> str:
    """A legal window in days: "14–28 days", or "≤ 3 days" when it starts at day 0."""
    return f"{earliest:g}–{latest:g} days" if earliest > 0 else f"≤ {latest:g} days"


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
    return (MINUS if x < 0 else "") + s


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
        return f"{int(x):,}"
    return f"{x:,.6g}"


# ------------------------------------------------------------------------------------------------ console


def console_number(x: float) -> str:
    """A value in the console summary: whole numbers from 1,000, one decimal from 10, three significant digits
    below; empty for NaN."""
    if math.isnan(x):
        return ""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def console_signed(x: float) -> str:
    """`console_number` with a plus sign on positive values."""
    return ("+" if x > 0 else "") + console_number(x)


def console_mean_ci(mean: float, ci_low: float, ci_high: float) -> str:
    """A mean with the half-width of its 95% interval, "12.3 ±1.4"; the mean alone without an interval; empty
    for NaN."""
    if math.isnan(mean):
        return ""
    if math.isnan(ci_low):
        return console_number(mean)
    return f"{console_number(mean)} ±{console_number((ci_high - ci_low) / 2)}"


def console_difference(diff: float, ci_low: float, ci_high: float, significant: bool) -> str:
    """A paired difference with its 95% interval, "+1.2 [+0.4, +2.0] *" (* = the interval excludes zero); "=" when
    identical in every replication; empty for NaN."""
    if math.isnan(diff):
        return ""
    if diff == 0 and ci_low == ci_high == 0:
        return "="
    if math.isnan(ci_low):
        return f"{diff:+.3g}"
    star = " *" if significant else "  "
    return f"{console_signed(diff)} [{console_signed(ci_low)}, {console_signed(ci_high)}]{star}"
