"""The forecast chosen by evidence: models weighted by how well they forecast the training years themselves.

A planner given seven forecasts does not know which to believe, and a model that is right on one series can be
clearly worse than the naive forecast on the next (a series with level shifts). `Selected` settles it the way a
PMJ analyst would, on the series itself: an **inner rolling-origin backtest on the training years only**. From
every inner origin (from the 8th training year on) each candidate (naive, drift, damped ETS, Theta and the
PMJ-style model; the naive forecast is always one) is fitted to the years up to that origin and forecasts the next
years; its error is the absolute log error scaled by the mean absolute yearly log change up to that origin (MASE
on the log scale), averaged over the horizons that matter (1-3 by default).

**Weights.** A model whose inner error is more than ``trim`` (1.1) times the best one's gets no weight; the others
are weighted by the inverse of their squared error (a model other than naive only if it beats naive by ``margin``, 5%: on a random walk a
model that beat naive in sample by chance loses out of sample), and the forecast is the weighted mean of their log forecasts
(a weighted geometric mean). So a clear winner takes nearly all the weight and near-ties are averaged, which on
short yearly series is safer than picking one (M3/M4). With fewer than ``min_errors`` (6) one-year inner errors there
is no evidence, and the forecast is the naive one, or for a chain link (``parent``) the PMJ chain link, since
there the chain structure, not the data, is the prior. `info()` lists every candidate's inner error and weight and why.

**Breaks** change the model, in two ways (the output says which applied):

- a *level shift* - one year's log change far outside the others (robust z-score above ``shift_z`` on the median
  absolute deviation, in the last ``recent_years``, with at least 15 years of history) - is a one-off step: the candidates are fitted to the history
  with the step taken out (the years before it raised by the step, a level-shift term), so the step is not
  mistaken for growth by drift, Theta or the growth models, and the forecast starts from the new level; the
  inner backtest is scored on that adjusted history too (no model could have forecast a one-off step, and
  scoring it would only punish the models that forecast the growth);
- a *trend break* - a step in the mean yearly growth found by the sup-F test (`breaks.detect_break`) in the last
  ``recent_years``; it wins over a level shift found at the turn unless the step's robust z-score is above four
  times ``shift_z`` - makes the inner backtest score only the origins after the break (at least 3; otherwise the
  naive and damped ETS forecasts, which adapt fastest, get their weights doubled), so the models that follow the
  new regime earn the weight.

**Intervals** come from the inner backtest's own errors of the combined forecast, per horizon: the log errors'
root mean square ``s_h`` (bias included), shrunk towards the naive model's random-walk standard deviation with
``prior`` (2) pseudo-errors, so that a horizon with few errors is not trusted blindly, made non-decreasing in the
horizon, and used with Student's t on (errors + prior) degrees of freedom. They are never narrower than the
weighted members' own intervals (``model_floor``): the inner errors come mostly from the early, short training
windows, and on registered crime per 1,000 they missed the late decline at horizons 4-6. Horizons beyond the inner backtest grow
as the square root of the horizon from the last one measured. Sample paths (for policy effects and the simulator)
have independent increments matching these widths (`Forecaster.simulate`).

``intervals="conformal"`` replaces Student t's multiplier by the split-conformal one: the ceil((N+1) p)-th smallest
of the N inner errors of all horizons, each divided by its horizon's width (pooled, since one horizon has 5-29
errors). It is measured beside the default in `tables` and is not the default: on simulated random walks it holds
its level within about 3 points (91.7-94.7% at 95%, 300 walks), but on the shipped series its 95% intervals held
only 70-83% of the actuals (registered crime), because the inner errors come from training years without the regime
changes the later years brought, and Student t on few errors leaves the margin that this needs
(docs/forecasting.md, Intervals).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Forecaster, as_year_series
from .breaks import detect_break
from .data import YearlySeries

CANDIDATES = ("naive", "drift", "ets", "theta", "pmj")

_POINTS: dict[tuple, np.ndarray | None] = {}  # (member, training data) -> log point forecasts; shared by origins
_CACHE_MAX = 50_000


def _member(name: str, parent: str | None) -> Forecaster:
    from . import make_model

    if name == "pmj" and parent:
        return make_model("pmj", parent=parent)
    return make_model(name)


def _cut(d, T: int) -> pd.Series:
    s = d.to_pandas() if isinstance(d, YearlySeries) else as_year_series(d)
    return s[s.index <= T] if T is not None else s


def member_points(
    name: str, y: pd.Series, drivers: dict | None, horizon: int, parent: str | None = None
) -> np.ndarray | None:
    """Log point forecasts of ``horizon`` years from member ``name`` fitted to ``y`` (None if it cannot be fitted).

    Cached on the training data: the inner backtests of successive (outer) origins fit the same members to the
    same training years, so each fit is done once."""
    key_drivers: tuple = ()
    m = _member(name, parent)
    use = drivers if (drivers and m.uses_drivers) else None
    if use:
        key_drivers = tuple(
            (k, v.index.to_numpy().tobytes(), v.to_numpy(float).tobytes())
            for k, v in sorted((k, _as_series(d)) for k, d in use.items())
        )
    key = (name, parent, int(y.index[0]), y.to_numpy(float).tobytes(), key_drivers, horizon)
    if key in _POINTS:
        return _POINTS[key]
    try:
        m.fit(y, use)
        pt = m._point_log(horizon) if m._simulates() else m._forecast_log(horizon)[0]
        out: np.ndarray | None = np.asarray(pt, float)
    except (ValueError, np.linalg.LinAlgError):
        out = None
    if len(_POINTS) > _CACHE_MAX:
        _POINTS.clear()
    _POINTS[key] = out
    return out


def member_sd(name: str, y: pd.Series, drivers: dict | None, horizon: int, parent: str | None = None):
    """The member's own forecast standard deviation on the log scale per horizon (None if it cannot be fitted)."""
    m = _member(name, parent)
    try:
        m.fit(y, drivers if (drivers and m.uses_drivers) else None)
        if m._simulates():
            return np.std(m._simulate_log(horizon, 1000, np.random.default_rng(0)), axis=0)
        return np.asarray(m._forecast_log(horizon)[1], float)
    except (ValueError, np.linalg.LinAlgError):
        return None


def _as_series(d) -> pd.Series:
    return d.to_pandas() if isinstance(d, YearlySeries) else as_year_series(d)


def level_shift(z: np.ndarray, years, recent_years: int = 10, shift_z: float = 4.0, min_step: float = 0.1):
    """A one-off step in the log level: the year whose log change is furthest from the median of the others, if
    its robust z-score exceeds ``shift_z`` and the step is at least ``min_step`` (5%), within the last
    ``recent_years``. Returns (first year of the new level, step in log units, z-score) or None."""
    d = np.diff(z)
    if len(d) < 14:  # the median absolute deviation of fewer changes flagged ordinary bad years (1995 in crime)
        return None
    best = None
    for i in range(max(0, len(d) - recent_years), len(d)):
        others = np.delete(d, i)
        med = float(np.median(others))
        mad = 1.4826 * float(np.median(np.abs(others - med)))
        step = float(d[i] - med)
        score = abs(step) / max(mad, 1e-9)
        if score > shift_z and abs(step) >= min_step and (best is None or score > best[2]):
            best = (int(years[i + 1]), step, score)
    return best


class Selected(Forecaster):
    """The forecast chosen or combined by an inner rolling-origin backtest on the training years (module doc)."""

    name = "selected"
    min_years = 8
    uses_drivers = True

    def __init__(
        self,
        candidates: tuple[str, ...] = CANDIDATES,
        *,
        parent: str | None = None,
        horizons: tuple[int, ...] = (1, 2, 3),
        calibration_horizon: int = 6,
        inner_min_train: int = 5,
        min_errors: int = 6,
        trim: float = 1.1,
        rule: str = "inverse",
        prior: float = 2.0,
        breaks: bool = True,
        recent_years: int = 10,
        shift_z: float = 5.0,
        half_life: float | None = None,
        margin: float = 0.05,
        model_floor: bool = True,
        intervals: str = "t",
    ):
        if "naive" not in candidates:
            raise ValueError("candidates: the naive forecast must always be a candidate")
        if intervals not in ("t", "conformal"):
            raise ValueError(f"intervals: 't' or 'conformal' (got {intervals!r})")
        if rule not in ("inverse", "best"):
            raise ValueError(f"rule: 'inverse' or 'best' (got {rule!r})")
        self.candidates = tuple(candidates)
        self.parent = parent
        self.horizons = tuple(horizons)
        self.calibration_horizon = max(calibration_horizon, max(horizons))
        self.inner_min_train = inner_min_train
        self.min_errors = min_errors
        self.trim = trim
        self.rule = rule
        self.prior = prior
        self.breaks = breaks
        self.recent_years = recent_years
        self.shift_z = shift_z
        self.half_life = half_life
        self.margin = margin
        self.model_floor = model_floor
        self.intervals = intervals

    # -- fitting ----------------------------------------------------------------------------------------------------
    def _fit(self, z, drivers):
        years = self.years_
        n = len(z)
        self.drivers_in_ = drivers or {}
        shift = level_shift(z, years, self.recent_years, self.shift_z) if self.breaks else None
        trend_break = None
        if self.breaks:
            r = detect_break(np.diff(z), years[1:], alpha=0.05, recent_years=self.recent_years)
            trend_break = r if r.recent else None
        # the first year after a turn in growth looks like a step too: a turn found by sup-F wins unless the step
        # is far larger than any change in growth could explain (robust z-score above 4 x shift_z)
        if shift is not None and trend_break is not None:
            if shift[2] > 4 * self.shift_z:
                trend_break = None
            else:
                shift = None
        z_adj = z.copy()
        if shift is not None:
            i = years.index(shift[0])
            z_adj[:i] += shift[1]
        self.shift_ = shift
        self.z_adj_ = z_adj
        self.break_report_ = trend_break

        H = self.calibration_horizon
        origins = list(range(self.inner_min_train, n))
        y_adj = pd.Series(np.exp(z_adj), index=pd.Index(years, name="year"))
        pts: dict[str, dict[int, np.ndarray]] = {c: {} for c in self.candidates}
        for o in origins:
            T = years[o - 1]
            cut = {k: _cut(v, T) for k, v in self.drivers_in_.items()} if self.drivers_in_ else None
            for c in self.candidates:
                p = member_points(c, y_adj.iloc[:o], cut, H, self.parent)
                if p is not None:
                    pts[c][o] = p
        usable = [c for c in self.candidates if pts[c]]
        if "naive" not in usable:
            usable = ["naive"] + usable
        scored = origins
        self.break_action_ = "none"
        if trend_break is not None:
            after = [o for o in origins if years[o - 1] >= trend_break.year]
            if len(after) >= 3:
                scored = after
                self.break_action_ = (
                    f"trend break about {trend_break.year}: inner backtest scored on the {len(after)} origins since"
                )
            else:
                self.break_action_ = (
                    f"trend break about {trend_break.year}, too recent to score on: naive and damped ETS weighted up"
                )
        if shift is not None:
            self.break_action_ = (
                f"level shift of {np.expm1(shift[1]):+.0%} in {shift[0]}: candidates fitted to the history with the "
                "step taken out (a level-shift term)"
            )

        def scaled_errors(c: str, os_: list[int]) -> dict[int, float]:
            e: dict[int, list[float]] = {h: [] for h in range(1, H + 1)}
            wts: dict[int, list[float]] = {h: [] for h in range(1, H + 1)}
            for o in os_:
                if o not in pts[c]:
                    continue
                scale = float(np.mean(np.abs(np.diff(z_adj[:o])))) or 1e-9
                age = n - o
                wo = 0.5 ** (age / self.half_life) if self.half_life else 1.0
                for k in range(min(H, n - o)):
                    e[k + 1].append(abs(z_adj[o + k] - pts[c][o][k]) / scale)
                    wts[k + 1].append(wo)
            return {h: float(np.average(e[h], weights=wts[h])) for h in e if e[h]}

        losses: dict[str, float] = {}
        n_h1 = sum(1 for o in scored if o < n)
        if n_h1 >= self.min_errors and len(usable) > 1:
            for c in usable:
                own = [o for o in scored if o in pts[c]]
                if len(own) < self.min_errors:
                    continue
                e, e0 = scaled_errors(c, own), scaled_errors("naive", own)
                # as a ratio to naive on the same origins, so a model that needs more years is compared fairly
                losses[c] = float(np.mean([e[h] / max(e0[h], 1e-9) for h in self.horizons if h in e]))
            best = min(losses.values())
            if self.rule == "best":
                w = {c: 1.0 if v == best else 0.0 for c, v in losses.items()}
                first = next(c for c in w if w[c] > 0)
                w = {c: float(c == first) for c in w}
            else:
                # a model other than naive must beat naive in the inner backtest to get any weight at all
                w = {
                    c: (
                        1 / max(v, 1e-9) ** 2
                        if v <= self.trim * best and (c == "naive" or v < 1.0 - self.margin)
                        else 0.0
                    )
                    for c, v in losses.items()
                }
                if trend_break is not None and scored is origins:
                    w = {c: v * (2.0 if c in ("naive", "ets") else 1.0) for c, v in w.items()}
            tot = sum(w.values())
            weights = {c: v / tot for c, v in w.items()}
            winner = min(losses, key=losses.__getitem__)
            hz = "-".join(str(h) for h in (self.horizons[0], self.horizons[-1]))
            reason = (
                f"inner backtest on the training years ({len(scored)} origins {years[scored[0] - 1]}-"
                f"{years[scored[-1] - 1]}), mean MASE ratio to naive over horizons {hz}: lowest "
                f"'{winner}' ({losses[winner]:.2f}); "
                + (
                    "the best model takes all the weight"
                    if self.rule == "best"
                    else f"models within {self.trim:g}x of the best (and, but for naive, {self.margin:.0%} better than naive) weighted by "
                    "1/MASE^2, the rest 0"
                )
            )
        else:
            # no evidence: the chain structure is the prior for a chain link (PMJ's chain consistency), else naive
            fallback = "pmj" if self.parent and "pmj" in usable else "naive"
            weights = {fallback: 1.0}
            reason = (
                f"too little evidence for an inner backtest ({n_h1} one-year inner forecasts, {self.min_errors} "
                "needed): " + ("the chain link (parent x ratio)" if fallback == "pmj" else "the naive forecast")
            )
        self.weights_ = {c: float(weights.get(c, 0.0)) for c in usable}
        self.losses_ = losses
        self.reason_ = reason
        self.inner_origins_ = [years[o - 1] for o in scored]

        # the combined forecast's own inner errors per horizon (log scale), for the intervals
        err: dict[int, list[float]] = {h: [] for h in range(1, H + 1)}
        for o in origins:
            if any(o not in pts[c] for c, wt in self.weights_.items() if wt > 0):
                continue
            comb = sum(wt * pts[c][o] for c, wt in self.weights_.items() if wt > 0)
            for k in range(min(H, n - o)):
                err[k + 1].append(float(z_adj[o + k] - comb[k]))
        d = np.diff(z_adj)
        rw_sigma = float(np.sqrt(np.mean(d**2)))
        sig, cnt = [], []
        for h in range(1, H + 1):
            e = np.asarray(err[h])
            prior_var = rw_sigma**2 * h
            var = (self.prior * prior_var + float(np.sum(e**2))) / (self.prior + len(e))
            sig.append(np.sqrt(var))
            cnt.append(len(e))
        self.sigma_h_ = np.maximum.accumulate(np.asarray(sig))
        self.n_errors_ = cnt
        self.inner_errors_ = {h: np.asarray(v) for h, v in err.items()}
        self.df_ = max(int(self.prior + cnt[0]), 2)

        # the forecast itself: every member with weight, fitted to the whole (shift-adjusted) history
        full = {c: member_points(c, y_adj, self.drivers_in_ or None, H, self.parent) for c in self.weights_}
        for c, p in full.items():
            if p is None and self.weights_[c] > 0:  # cannot happen when it fitted at every inner origin; be safe
                self.weights_[c] = 0.0
        tot = sum(self.weights_.values()) or 1.0
        self.weights_ = {c: v / tot for c, v in self.weights_.items()}
        self.members_ = {c: full[c] for c, wt in self.weights_.items() if wt > 0}
        if not self.members_:
            self.weights_ = {"naive": 1.0}
            self.members_ = {"naive": np.full(H, z[-1])}

        if self.model_floor:
            # never narrower than the weighted members' own intervals: the inner errors come mostly from the
            # early, shorter training windows and were too few to see a regime change at long horizons
            sds = {c: member_sd(c, y_adj, self.drivers_in_ or None, H, self.parent) for c in self.members_}
            floor = sum(self.weights_[c] * sd for c, sd in sds.items() if sd is not None)
            if np.ndim(floor):
                self.sigma_h_ = np.maximum.accumulate(np.maximum(self.sigma_h_, floor))

        # split-conformal alternative: every inner error of horizons 1-H scaled by its horizon's width, pooled
        # (too few per horizon), so the multiplier is an empirical quantile instead of Student t's
        scores = [np.abs(self.inner_errors_[h]) / self.sigma_h_[h - 1] for h in range(1, H + 1)]
        self.scores_ = np.sort(np.concatenate(scores)) if scores else np.zeros(0)

    def _quantile(self, level: float) -> float:
        """Student t on the inner errors (``intervals="t"``, the default) or, with ``intervals="conformal"``, the
        ceil((N+1) p)-th smallest of the N pooled scaled inner errors (the finite-sample split-conformal
        quantile); with too few errors for that level (N < p / (1 - p)), Student t."""
        if self.intervals == "conformal":
            n = len(self.scores_)
            k = int(np.ceil((n + 1) * level / 100))
            if 1 <= k <= n:
                return float(self.scores_[k - 1])
        return super()._quantile(level)

    def _forecast_log(self, h):
        H = self.calibration_horizon
        if h > H:
            y_adj = pd.Series(np.exp(self.z_adj_), index=pd.Index(self.years_, name="year"))
            members = {c: member_points(c, y_adj, self.drivers_in_ or None, h, self.parent) for c in self.members_}
        else:
            members = self.members_
        mean = sum(self.weights_[c] * np.asarray(p)[:h] for c, p in members.items() if p is not None)
        sig = self.sigma_h_
        steps = np.arange(1, h + 1)
        sd = np.where(steps <= H, sig[np.minimum(steps, H) - 1], sig[-1] * np.sqrt(steps / H))
        return np.asarray(mean, float), sd

    def info(self) -> dict:
        return {
            "model": "forecast chosen by an inner rolling-origin backtest on the training years",
            "weights": {c: round(w, 4) for c, w in self.weights_.items()},
            "inner_mase": {c: round(v, 4) for c, v in self.losses_.items()},
            "reason": self.reason_,
            "inner_origins": self.inner_origins_,
            "horizons_scored": list(self.horizons),
            "break": {
                "level_shift": None
                if self.shift_ is None
                else {"year": self.shift_[0], "step_log": self.shift_[1], "robust_z": self.shift_[2]},
                "trend_break": None if self.break_report_ is None else self.break_report_.to_dict(),
                "action": self.break_action_,
            },
            "intervals": {
                "method": "root mean square of the combined forecast's inner log errors per horizon, shrunk "
                f"towards the random walk with {self.prior:g} pseudo-errors, "
                + (
                    "Student t"
                    if self.intervals == "t"
                    else f"times the split-conformal quantile of the {len(self.scores_)} pooled scaled inner errors"
                ),
                "sigma_log": [round(float(s), 5) for s in self.sigma_h_],
                "n_errors": self.n_errors_,
            },
        }
