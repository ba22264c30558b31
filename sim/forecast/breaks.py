"""Trend breaks: has the series' behaviour changed recently?

PMJ's known weakness is that it cannot foresee a trend break unless a driver breaks (DOMAIN.md §5). We cannot
foresee one either, but we can notice one that has already happened and say so. The test is the OLS-CUSUM test
of Ploberger & Kraemer (1992) on a model's one-step residuals (statsmodels `breaks_cusumolsresid`): if the mean
residual shifts at some point, e.g. the yearly growth of registered crime turned from +3% to -4% around 2002, the
cumulative sum of the residuals wanders far from zero. The break year is estimated as the year after the largest
excursion of that cumulative sum. A break is *recent* when it falls in the last ``recent_years`` years of the data.

What the PMJ-style model does with a recent break is documented in `pmj` (it re-estimates on the years since
the break when enough are left, so the forecast is not pulled back towards the old regime, and says so).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class BreakReport:
    test: str
    statistic: float
    p_value: float
    alpha: float
    year: int | None  # first year of the new regime (estimated), None when nothing is detected
    detected: bool
    recent: bool
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


def detect_break(
    residuals, years, *, alpha: float = 0.05, recent_years: int = 10, ddof: int = 0, last_year: int | None = None
) -> BreakReport:
    """OLS-CUSUM test for a shift in the mean of ``residuals`` (one per year in ``years``).

    ``ddof`` is the number of estimated parameters behind the residuals. ``last_year`` (default: the last of
    ``years``) anchors what counts as recent.
    """
    from statsmodels.stats.diagnostic import breaks_cusumolsresid

    e = np.asarray(residuals, float)
    years = [int(y) for y in years]
    if len(e) != len(years):
        raise ValueError("residuals and years differ in length")
    if len(e) < 6:
        return BreakReport("OLS-CUSUM", float("nan"), float("nan"), alpha, None, False, False,
                           "too few years to test for a break")
    last_year = years[-1] if last_year is None else last_year
    stat, p, _crit = breaks_cusumolsresid(e, ddof=ddof)
    stat, p = float(stat), float(p)
    c = np.cumsum(e - e.mean())
    k = int(np.argmax(np.abs(c[:-1])))
    year = years[k + 1]
    detected = p < alpha
    recent = detected and year > last_year - recent_years
    if detected:
        when = "recent" if recent else "not recent"
        msg = (f"trend break detected (OLS-CUSUM p = {p:.3f} < {alpha}): the series behaves differently from about "
               f"{year} ({when})")
    else:
        msg = f"no trend break detected (OLS-CUSUM p = {p:.3f})"
    return BreakReport("OLS-CUSUM", stat, p, alpha, year if detected else None, detected, recent, msg)
