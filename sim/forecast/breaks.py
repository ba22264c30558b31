"""Trend breaks: has the series' behaviour changed recently?

PMJ's known weakness is that it cannot foresee a trend break unless a driver breaks (docs/domain.md §5). We cannot
foresee one either, but we can notice one that has already happened and say so.

The test is the Quandt-Andrews sup-F test (Andrews 1993; "QLR" in Stock & Watson) for a shift in the intercept of
the model's own equation: the dependent variable ``w_t`` of the model (yearly log growth in the growth form, the log
level or log ratio otherwise) is regressed on a constant, the model's regressors and its own lag, with and without
a step dummy that switches on at year k; the F statistic of the dummy is computed for every k in the middle 70% of
the years and the largest one is compared with the asymptotic distribution of that maximum. The lag matters: it
lets a persistent but stable series pass, while a series whose average growth turned (registered crime around
2002) fails. The break year is the k with the largest F. A break is *recent* when it falls in the last
``recent_years`` years of the data.

Why not a CUSUM test on the model's one-step residuals: with AR(1) errors a turn in the growth rate is absorbed
into a large AR coefficient, and those residuals no longer show it (we tried; it missed a +5% to -5% turn).

What the PMJ-style model does with a recent break is documented in `pmj`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# Asymptotic upper quantiles of sup-F for one restriction with 15% trimming: (p-value, critical value). The 10%,
# 5% and 1% values are Andrews (1993) as tabulated by Stock & Watson; the others were simulated (100,000 Brownian
# bridges on a 1,000-point grid) and agree with the published three to within 0.1.
_SUP_F_TABLE = (
    (0.5, 3.28),
    (0.3, 4.55),
    (0.2, 5.51),
    (0.15, 6.16),
    (0.10, 7.12),
    (0.075, 7.75),
    (0.05, 8.68),
    (0.025, 10.2),
    (0.01, 12.16),
    (0.005, 13.6),
    (0.001, 17.0),
)


def sup_f_pvalue(stat: float) -> float:
    """Approximate p-value of a sup-F statistic (one restriction, 15% trimming), by log-linear interpolation."""
    ps = np.array([p for p, _ in _SUP_F_TABLE])
    cs = np.array([c for _, c in _SUP_F_TABLE])
    if stat <= cs[0]:
        return float(1 - 0.5 * max(stat, 0) / cs[0])
    if stat >= cs[-1]:
        return float(ps[-1])
    return float(np.exp(np.interp(stat, cs, np.log(ps))))


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
    w, years, X=None, *, alpha: float = 0.05, recent_years: int = 10, trim: float = 0.15, last_year: int | None = None
) -> BreakReport:
    """sup-F test for a step in the intercept of ``w_t = c + X_t b + a w_{t-1} + e_t`` (one ``w`` per year).

    ``X`` (rows like ``w``) are the model's other regressors; a constant column in it is dropped, since the test
    regression has its own. ``last_year`` (default: the last of ``years``) anchors what counts as recent.
    """
    w = np.asarray(w, float)
    years = [int(y) for y in years]
    if len(w) != len(years):
        raise ValueError("w and years differ in length")
    last_year = years[-1] if last_year is None else last_year
    X = np.zeros((len(w), 0)) if X is None else np.asarray(X, float).reshape(len(w), -1)
    X = X[:, [j for j in range(X.shape[1]) if np.ptp(X[:, j]) > 0]]
    y = w[1:]
    base = np.column_stack([np.ones(len(y)), X[1:], w[:-1]])
    m, p = base.shape
    first, last = int(np.ceil(trim * m)), int(np.floor((1 - trim) * m))
    if m - p - 1 < 5 or last <= first:
        return BreakReport(
            "sup-F (Quandt-Andrews)",
            float("nan"),
            float("nan"),
            alpha,
            None,
            False,
            False,
            "too few years to test for a break",
        )
    ssr_r = _ssr(base, y)
    best, k_best = -np.inf, first
    for k in range(first, last + 1):
        d = (np.arange(m) >= k).astype(float)
        ssr_u = _ssr(np.column_stack([base, d]), y)
        f = (ssr_r - ssr_u) / (ssr_u / (m - p - 1)) if ssr_u > 0 else np.inf
        if f > best:
            best, k_best = f, k
    p_value = sup_f_pvalue(best)
    year = years[1:][k_best]
    detected = p_value < alpha
    recent = detected and year > last_year - recent_years
    if detected:
        msg = (
            f"trend break detected (sup-F = {best:.1f}, p = {p_value:.3f} < {alpha}): the series behaves "
            f"differently from about {year} ({'recent' if recent else 'not recent'})"
        )
    else:
        msg = f"no trend break detected (sup-F = {best:.1f}, p = {p_value:.2f})"
    return BreakReport(
        "sup-F (Quandt-Andrews)", float(best), p_value, alpha, year if detected else None, detected, recent, msg
    )


def _ssr(A: np.ndarray, y: np.ndarray) -> float:
    beta = np.linalg.lstsq(A, y, rcond=None)[0]
    e = y - A @ beta
    return float(e @ e)
