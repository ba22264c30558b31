"""The PMJ-style model: a log-linear regression on drivers and a trend, with autocorrelated errors.

PMJ (Prognosemodel Justitiële ketens, docs/domain.md §5) regresses each yearly series on exogenous drivers and a trend.
This model does the same, in one of three forms, for the log ``z_t`` of the series and (log) drivers ``x_t``:

- **growth form** (the default): ``z_t = a + d*t + b'x_t + eta_t`` with ``eta_t`` an integrated AR(1) error, i.e.
  ``Δz_t = d + b'Δx_t + u_t``, ``u_t = phi*u_{t-1} + e_t``. Yearly growth follows the drivers' growth plus a
  persistent deviation; the trend ``d`` is optional.
- **levels form**: ``z_t = a [+ d*t] + b'x_t + u_t`` with a stationary AR(1) error ``u_t``: the series returns
  towards its long-run relation with the drivers (an error-correction model in disguise).
- **ratio form**: ``z_t - x_t = a [+ d*t] + u_t``, stationary AR(1) ``u_t``: the series is its parent times a
  ratio that returns towards its mean. It is the chain link (OM intake = registered crime x ratio, `parent`).

Why the growth form by default: registered crime rose until 2002, fell for sixteen years and then levelled off.
A fixed linear trend in levels (the textbook regression with AR(1) errors) is pulled between those regimes and
forecast worse than the naive forecast in our backtest (docs/forecasting.md); in growth form the trend is local.

**Estimation** is regression with AR(1) errors by iterated feasible GLS (Prais-Winsten), or statsmodels `AutoReg`
when there is no regressor at all. **Which form, whether a trend, and which drivers** are chosen by a
rolling-origin backtest *inside* the training years (`_select`): a richer specification replaces the plain growth
model only if it lowers that inner error by at least ``margin`` (20%; with 5% the choice chased noise). A driver
is thus used only where it improves the backtest, and `info()` says which drivers were used and why.

**Drivers are projected**: a driver's values after its last observed year come from its own univariate growth
model (with simulated uncertainty); values already in the driver series beyond the target's last year are used as
given scenario values. **Uncertainty** reaches the intervals by simulation: each path draws the coefficients from
their estimated sampling distribution, the AR coefficient and the error variance, the driver paths, and the
yearly shocks. Intervals are quantiles over the paths.

**Breaks** (`breaks`): after fitting, the equation is tested for a shift in its intercept (sup-F). When a recent
break is found and at least ``min_years`` years follow it, the model is re-estimated on the years since the break
(a levels or ratio form becomes a growth form, since the old relation no longer holds); the shorter window also
widens the intervals through larger parameter uncertainty. The output says so.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .base import Forecaster, as_year_series
from .breaks import detect_break
from .data import YearlySeries, _years_text, prepare_driver


@dataclass(frozen=True)
class Spec:
    """One specification of the PMJ-style equation."""

    form: str = "growth"  # "growth", "levels" or "ratio"
    trend: bool = False
    drivers: tuple[str, ...] = ()

    def __post_init__(self):
        if self.form not in ("growth", "levels", "ratio"):
            raise ValueError(f"form: must be 'growth', 'levels' or 'ratio' (got {self.form!r})")
        if self.form == "levels" and not self.drivers and not self.trend:
            raise ValueError("a levels form needs a trend or at least one driver")
        if self.form == "ratio" and len(self.drivers) != 1:
            raise ValueError("a ratio form needs exactly one driver (the parent series)")

    @property
    def label(self) -> str:
        parts = [self.form] + (["trend"] if self.trend else []) + list(self.drivers)
        return "+".join(parts)


PLAIN = Spec()


@dataclass
class _Equation:
    """An estimated equation: coefficients for the columns of the design, AR(1) error, shock variance."""

    spec: Spec
    start: int  # index (into the target) of the first year used
    columns: tuple[str, ...]
    beta: np.ndarray
    cov: np.ndarray
    phi: float
    phi_se: float
    sigma2: float
    df: int
    resid: np.ndarray  # one-step (whitened) residuals


def _design(spec: Spec, z: np.ndarray, xs: dict[str, np.ndarray], t: np.ndarray):
    """Dependent variable and regressors for the rows the form uses (growth form loses the first year)."""
    if spec.form == "growth":
        w = np.diff(z)
        cols, X = [], []
        if spec.trend:
            cols.append("trend")
            X.append(np.ones_like(w))
        for d in spec.drivers:
            cols.append(f"Δ{d}")
            X.append(np.diff(xs[d]))
    elif spec.form == "levels":
        w = z.copy()
        cols, X = ["const"], [np.ones_like(w)]
        if spec.trend:
            cols.append("trend")
            X.append(t.astype(float))
        for d in spec.drivers:
            cols.append(d)
            X.append(xs[d])
    else:  # ratio: log(y / parent) around a constant (and trend), elasticity 1
        w = z - xs[spec.drivers[0]]
        cols, X = ["const"], [np.ones_like(w)]
        if spec.trend:
            cols.append("trend")
            X.append(t.astype(float))
    Xm = np.column_stack(X) if X else np.zeros((len(w), 0))
    return w, Xm, tuple(cols)


def _estimate(spec: Spec, z: np.ndarray, xs: dict[str, np.ndarray], t: np.ndarray, start: int) -> _Equation:
    w, X, cols = _design(spec, z, xs, t)
    phi_max = 0.95 if spec.form == "growth" else 0.98
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if X.shape[1] == 0:
            from statsmodels.tsa.ar_model import AutoReg

            r = AutoReg(w, lags=1, trend="n").fit()
            phi = float(r.params[0])
            phi_se = float(r.bse[0])
            resid = np.asarray(r.resid, float)
            df = max(len(resid) - 1, 1)
            sigma2 = float(np.sum(resid**2) / df)
            beta, cov = np.zeros(0), np.zeros((0, 0))
        else:
            beta, cov, phi, sigma2, resid, df = _gls_ar1(w, X, phi_max)
            phi_se = float(np.sqrt(max(1 - phi**2, 1e-4) / len(w)))
    phi = float(np.clip(phi, -0.95, phi_max))
    return _Equation(spec, start, cols, beta, cov, phi, phi_se, max(sigma2, 1e-12), df, resid)


def _gls_ar1(w: np.ndarray, X: np.ndarray, phi_max: float, iterations: int = 50):
    """Regression with AR(1) errors by iterated Prais-Winsten feasible GLS.

    Unlike Cochrane-Orcutt (statsmodels `GLSAR`), Prais-Winsten keeps the first year (weighted by
    sqrt(1 - phi^2)); that matters for the constant when the errors are persistent and the series short: with
    10-20 years GLSAR put the mean OM/crime ratio visibly off. The transform makes the errors independent, so the
    coefficients are ordinary least squares on the transformed data; it is exact GLS for AR(1) errors.
    """
    m, k = X.shape
    beta = np.linalg.lstsq(X, w, rcond=None)[0]
    phi = 0.0
    for _ in range(iterations):
        u = w - X @ beta
        den = float(u[:-1] @ u[:-1])
        new_phi = float(np.clip((u[1:] @ u[:-1]) / den if den > 0 else 0.0, -0.95, phi_max))
        ws, Xs = _prais_winsten(w, X, new_phi)
        new_beta = np.linalg.lstsq(Xs, ws, rcond=None)[0]
        converged = abs(new_phi - phi) < 1e-8 and np.allclose(new_beta, beta, rtol=0, atol=1e-10)
        phi, beta = new_phi, new_beta
        if converged:
            break
    ws, Xs = _prais_winsten(w, X, phi)
    e = ws - Xs @ beta
    df = max(m - k - 1, 1)
    sigma2 = float(e @ e / df)
    cov = sigma2 * np.linalg.pinv(Xs.T @ Xs)
    u = w - X @ beta
    resid = u[1:] - phi * u[:-1]
    return beta, cov, phi, sigma2, resid, df


def _prais_winsten(w, X, phi):
    c = np.sqrt(1 - phi**2)
    ws = np.concatenate([[c * w[0]], w[1:] - phi * w[:-1]])
    Xs = np.vstack([c * X[:1], X[1:] - phi * X[:-1]])
    return ws, Xs


def _future_design(eq: _Equation, x_last: dict[str, np.ndarray], x_future: dict[str, np.ndarray], t_future):
    """Regressor values for the forecast years, shape (paths, horizon, columns); drivers may vary by path."""
    spec = eq.spec
    h = len(t_future)
    n = max([1] + [v.shape[0] for v in x_future.values()])
    cols = []
    if spec.form == "growth":
        if spec.trend:
            cols.append(np.ones((n, h)))
        for d in spec.drivers:
            full = np.concatenate([np.broadcast_to(x_last[d], (x_future[d].shape[0], 1)), x_future[d]], axis=1)
            cols.append(np.broadcast_to(np.diff(full, axis=1), (n, h)))
    else:
        cols.append(np.ones((n, h)))
        if spec.trend:
            cols.append(np.broadcast_to(np.asarray(t_future, float), (n, h)))
        if spec.form == "levels":
            for d in spec.drivers:
                cols.append(np.broadcast_to(x_future[d], (n, h)))
    return np.stack(cols, axis=2) if cols else np.zeros((n, h, 0))


def _run(
    eq: _Equation,
    z_last: float,
    w_last: float,
    X_last: np.ndarray,
    Xf: np.ndarray,
    beta: np.ndarray,
    phi: np.ndarray,
    sigma: np.ndarray,
    eps: np.ndarray,
    offset=0.0,
) -> np.ndarray:
    """Iterate the equation forward. beta (n,k), phi (n,), sigma (n,), eps (n,h), Xf (n or 1,h,k) -> z (n,h).

    ``offset`` (n or 1, h) is added in the ratio form: the parent's future log values.
    """
    n, h = eps.shape
    u = w_last - (X_last[None, :] * beta).sum(axis=1) if beta.shape[1] else np.full(n, w_last)
    out = np.empty((n, h))
    level = np.full(n, z_last)
    for k in range(h):
        u = phi * u + sigma * eps[:, k]
        fitted = (Xf[:, k, :] * beta).sum(axis=1) if beta.shape[1] else 0.0
        if eq.spec.form == "growth":
            level = level + fitted + u
            out[:, k] = level
        else:
            out[:, k] = fitted + u
    return out + offset if eq.spec.form == "ratio" else out


class _Growth:
    """The plain growth model (Δz AR(1), no regressors) on a bare array: used to project drivers."""

    def __init__(self, x: np.ndarray):
        self.x = np.asarray(x, float)
        self.eq = _estimate(PLAIN, self.x, {}, np.arange(len(x)), 0)

    def point(self, h: int) -> np.ndarray:
        eq = self.eq
        return _run(
            eq,
            self.x[-1],
            self.x[-1] - self.x[-2],
            np.zeros(0),
            np.zeros((1, h, 0)),
            np.zeros((1, 0)),
            np.array([eq.phi]),
            np.array([0.0]),
            np.zeros((1, h)),
        )[0]

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        eq = self.eq
        phi, sigma = _draw_ar(eq, n, rng)
        return _run(
            eq,
            self.x[-1],
            self.x[-1] - self.x[-2],
            np.zeros(0),
            np.zeros((n, h, 0)),
            np.zeros((n, 0)),
            phi,
            sigma,
            rng.standard_normal((n, h)),
        )


def _draw_ar(eq: _Equation, n: int, rng: np.random.Generator):
    phi_max = 0.95 if eq.spec.form == "growth" else 0.98
    phi = np.clip(eq.phi + eq.phi_se * rng.standard_normal(n), -0.95, phi_max)
    sigma = np.sqrt(eq.sigma2 * eq.df / rng.chisquare(eq.df, n))
    return phi, sigma


@dataclass(frozen=True)
class _Driver:
    name: str
    years: tuple[int, ...]
    x: np.ndarray  # transformed (log, or raw if it has values <= 0)
    log: bool
    note: str
    file: str

    def at(self, years) -> np.ndarray:
        i0 = self.years.index(int(years[0]))
        return self.x[i0 : i0 + len(years)]


class PMJModel(Forecaster):
    """PMJ-style log-linear regression with AR(1) errors, drivers projected with uncertainty (see module doc).

    ``spec`` fixes the specification; ``parent`` (a driver name) makes the series a chain link, forecast as the
    parent's forecast times an estimated, projected ratio (the ratio form). Without either (the default) form,
    trend and drivers are chosen by the inner backtest. ``drivers`` passed to `fit` are a {name: series} mapping
    (pandas Series by year or YearlySeries). ``driver_window`` limits the years a driver's own projection model
    is estimated on (default: all).
    """

    name = "pmj"
    min_years = 8
    uses_drivers = True

    def __init__(
        self,
        spec: Spec | None = None,
        *,
        parent: str | None = None,
        candidates: tuple[str, ...] = ("trend", "growth", "levels", "ratio"),
        margin: float = 0.2,
        inner_origins: int | None = None,
        min_inner_origins: int = 6,
        inner_horizon: int = 4,
        max_gap: int = 2,
        driver_window: int | None = None,
        break_alpha: float = 0.05,
        break_recent_years: int = 10,
        refit_after_break: bool = True,
    ):
        if spec is not None and parent is not None:
            raise ValueError("parent: give either a specification or a parent, not both")
        self.spec = spec
        self.parent = parent
        self.inner_origins = inner_origins
        self.inner_horizon = inner_horizon
        self.margin = margin
        self.max_gap = max_gap
        self.break_alpha = break_alpha
        self.break_recent_years = break_recent_years
        self.refit_after_break = refit_after_break
        self.candidates = tuple(candidates)
        self.min_inner_origins = min_inner_origins
        self.driver_window = driver_window

    # -- fitting --------------------------------------------------------------------------------------------------
    def _fit(self, z, drivers):
        years = self.years_
        self.z_ = z
        self.drivers_: dict[str, _Driver] = {}
        self.driver_notes_: dict[str, str] = {}
        for name, d in (drivers or {}).items():
            self._add_driver(str(name), d, years)
        if self.parent is not None:
            if self.parent not in self.drivers_:
                why = self.driver_notes_.get(self.parent, "no driver of that name was given")
                raise ValueError(f"parent: the chain parent '{self.parent}' cannot be used ({why})")
            candidates = [Spec("ratio", drivers=(self.parent,))]
        elif self.spec is not None:
            missing = [d for d in self.spec.drivers if d not in self.drivers_]
            if missing:
                why = "; ".join(f"{d}: {self.driver_notes_.get(d, 'not given')}" for d in missing)
                raise ValueError(f"drivers: the specification needs {', '.join(missing)} ({why})")
            candidates = [self.spec]
        else:
            kinds = self.candidates
            candidates = [PLAIN] + ([Spec(trend=True)] if "trend" in kinds else [])
            for d in self.drivers_:
                if "growth" in kinds:
                    candidates.append(Spec(drivers=(d,)))
                    if "trend" in kinds:
                        candidates.append(Spec(trend=True, drivers=(d,)))
                if "levels" in kinds:
                    candidates.append(Spec("levels", drivers=(d,)))
                if "ratio" in kinds:
                    candidates.append(Spec("ratio", drivers=(d,)))
        self.selection_ = self._select(candidates)
        chosen = self.selection_["chosen"]
        eq = self._estimate_on(chosen, self._start(chosen))
        z, xs, t, yrs = self._arrays(chosen, eq.start, len(years))
        w, X, _ = _design(chosen, z, xs, t)
        report = detect_break(
            w, yrs[len(yrs) - len(w) :], X, alpha=self.break_alpha, recent_years=self.break_recent_years
        )
        self.break_ = report
        self.break_action_ = "none"
        if report.recent and self.refit_after_break:
            b = years.index(report.year)
            if len(years) - b >= self.min_years:
                spec = chosen if chosen.form == "growth" else Spec("growth", chosen.trend, chosen.drivers)
                # the old long-run relation (levels) or ratio broke, so no reversion towards it
                eq = self._estimate_on(spec, max(b, self._start(spec)))
                self.break_action_ = (
                    f"re-estimated as '{spec.label}' on {years[eq.start]}-{years[-1]} (the years since the break)"
                )
            else:
                self.break_action_ = (
                    f"kept the full window: fewer than {self.min_years} years since the break "
                    f"({report.year}); treat the forecast with extra care"
                )
        self.eq_ = eq
        self.driver_models_ = {d: self._driver_model(d, len(self.drivers_[d].years)) for d in eq.spec.drivers}

    def _add_driver(self, name: str, d, years):
        if isinstance(d, YearlySeries):
            ys = d
        else:
            s = as_year_series(d, f"drivers[{name}]")
            s = s.dropna()
            ys = YearlySeries(name, tuple(int(v) for v in s.index), tuple(float(v) for v in s.values))
        if len(ys.years) < 3:
            self.driver_notes_[name] = "not used: fewer than 3 values"
            return
        prep = prepare_driver(ys, max_gap=self.max_gap)
        s = prep.series
        T = years[-1]
        pre = f"{prep.note}; " if prep.note else ""
        if s.last < T:
            self.driver_notes_[name] = f"not used: {pre}it ends in {s.last}, before the last target year {T}"
            return
        first = max(s.first, years[0])
        if T - first + 1 < self.min_years:
            self.driver_notes_[name] = (
                f"not used: {pre}it overlaps the target only in {first}-{T} (fewer than {self.min_years} years)"
            )
            return
        x = np.log(np.asarray(s.values)) if prep.log else np.asarray(s.values, float)
        self.drivers_[name] = _Driver(name, s.years, x, prep.log, prep.note, ys.file)
        self.driver_notes_[name] = prep.note

    def _start(self, spec: Spec) -> int:
        """Index of the first target year every driver of ``spec`` covers."""
        first = max([self.years_[0]] + [self.drivers_[d].years[0] for d in spec.drivers])
        return self.years_.index(first)

    def _arrays(self, spec: Spec, start: int, end: int):
        years = self.years_[start:end]
        xs = {d: self.drivers_[d].at(years) for d in spec.drivers}
        return self.z_[start:end], xs, np.arange(start, end), years

    def _estimate_on(self, spec: Spec, start: int, end: int | None = None) -> _Equation:
        end = len(self.years_) if end is None else end
        z, xs, t, _ = self._arrays(spec, start, end)
        return _estimate(spec, z, xs, t, start)

    # -- inner backtest -------------------------------------------------------------------------------------------
    def _select(self, candidates: list[Spec]) -> dict:
        n = len(self.years_)
        if len(candidates) == 1:
            why = (
                f"chain link: ratio to its parent '{self.parent}', fixed by the chain structure (PMJ's chain "
                "consistency), not chosen by the data"
                if self.parent
                else "specification given"
            )
            return {"chosen": candidates[0], "losses": {}, "origins": [], "reason": why}
        s_max = max(self._start(c) for c in candidates)
        origins = [o for o in range(s_max + self.min_years, n)]
        if self.inner_origins:
            origins = origins[-self.inner_origins :]
        if len(origins) < self.min_inner_origins:
            return {
                "chosen": PLAIN,
                "losses": {},
                "origins": [self.years_[o - 1] for o in origins],
                "reason": (
                    f"too few years for an inner backtest ({len(origins)} origins, "
                    f"{self.min_inner_origins} needed): plain growth model"
                ),
            }
        losses = {}
        proj_cache: dict[tuple[str, int], np.ndarray] = {}
        for c in candidates:
            errs: list[list[float]] | None = [[] for _ in range(self.inner_horizon)]
            for o in origins:
                h = min(self.inner_horizon, n - o)
                try:
                    pt = self._point_at(c, o, h, proj_cache)
                except (np.linalg.LinAlgError, ValueError):
                    errs = None
                    break
                assert errs is not None
                for k in range(h):
                    errs[k].append(abs(self.z_[o + k] - pt[k]))
            if errs is not None:
                losses[c] = float(np.mean([np.mean(e) for e in errs if e]))
        base = losses.get(PLAIN, np.inf)
        better = {c: v for c, v in losses.items() if v < (1 - self.margin) * base}
        chosen = min(better, key=better.__getitem__) if better else PLAIN
        return {
            "chosen": chosen,
            "losses": {c.label: v for c, v in losses.items()},
            "origins": [self.years_[o - 1] for o in origins],
            "reason": (
                f"'{chosen.label}' lowered the inner backtest error (mean absolute log error, horizons "
                f"1-{self.inner_horizon}) from {base:.4f} to {losses[chosen]:.4f}"
                if chosen != PLAIN
                else f"no richer specification lowered the inner backtest error by {self.margin:.0%} or more"
            ),
        }

    def _point_at(self, spec: Spec, o: int, h: int, cache) -> np.ndarray:
        """Point forecast of ``h`` years from a model fitted to the first ``o`` years (drivers cut there too)."""
        start = self._start(spec)
        eq = self._estimate_on(spec, start, o)
        T = self.years_[o - 1]
        x_last, x_future = {}, {}
        for d in spec.drivers:
            drv = self.drivers_[d]
            iT = drv.years.index(T)
            key = (d, o)
            if key not in cache:
                cache[key] = self._driver_model(d, iT + 1).point(self.inner_horizon)
            x_last[d] = drv.x[iT : iT + 1][None, :]
            x_future[d] = cache[key][None, :h]
        return self._path_point(eq, o, x_last, x_future, h)

    def _path_point(self, eq: _Equation, o: int, x_last, x_future, h: int) -> np.ndarray:
        z, xs, t, _ = self._arrays(eq.spec, eq.start, o)
        w, X, _ = _design(eq.spec, z, xs, t)
        Xf = _future_design(
            eq, {d: v[:, 0] if v.ndim == 2 else v for d, v in x_last.items()}, x_future, np.arange(o, o + h)
        )
        offset = x_future[eq.spec.drivers[0]] if eq.spec.form == "ratio" else 0.0
        return _run(
            eq, z[-1], w[-1], X[-1], Xf, eq.beta[None, :], np.array([eq.phi]), np.array([0.0]), np.zeros((1, h)), offset
        )[0]

    def _driver_model(self, d: str, end: int) -> _Growth:
        """The driver's own growth model, on its last ``driver_window`` years up to index ``end``."""
        drv = self.drivers_[d]
        start = 0 if not self.driver_window else max(0, end - self.driver_window)
        return _Growth(drv.x[start:end])

    # -- forecasting ----------------------------------------------------------------------------------------------
    def _driver_future(self, d: str, h: int, n: int | None, rng):
        """Transformed driver values for the h forecast years: given values first, then projected."""
        drv = self.drivers_[d]
        T = self.years_[-1]
        iT = drv.years.index(T)
        given = drv.x[iT + 1 : iT + 1 + h]
        k = h - len(given)
        rows = 1 if n is None else n
        out = np.empty((rows, h))
        out[:, : len(given)] = given
        if k > 0:
            m = self.driver_models_[d]
            out[:, len(given) :] = m.point(k)[None, :] if n is None else m.simulate(k, n, rng)
        return drv.x[iT], out

    def _point_log(self, h):
        eq = self.eq_
        n = len(self.years_)
        x_last, x_future = {}, {}
        for d in eq.spec.drivers:
            last, fut = self._driver_future(d, h, None, None)
            x_last[d], x_future[d] = np.array([[last]]), fut
        return self._path_point(eq, n, x_last, x_future, h)

    def _simulate_log(self, h, n, rng):
        eq = self.eq_
        N = len(self.years_)
        z, xs, t, _ = self._arrays(eq.spec, eq.start, N)
        w, X, _ = _design(eq.spec, z, xs, t)
        x_last, x_future = {}, {}
        for d in eq.spec.drivers:
            x_last[d], x_future[d] = self._driver_future(d, h, n, rng)
        Xf = _future_design(eq, {d: np.array([v]) for d, v in x_last.items()}, x_future, np.arange(N, N + h))
        if len(eq.beta):
            beta = rng.multivariate_normal(eq.beta, eq.cov, size=n, method="svd")
        else:
            beta = np.zeros((n, 0))
        phi, sigma = _draw_ar(eq, n, rng)
        offset = x_future[eq.spec.drivers[0]] if eq.spec.form == "ratio" else 0.0
        return _run(eq, z[-1], w[-1], X[-1], Xf, beta, phi, sigma, rng.standard_normal((n, h)), offset)

    def info(self) -> dict:
        eq = self.eq_
        years = self.years_
        drivers = {}
        for name, note in self.driver_notes_.items():
            if name in eq.spec.drivers:
                why = self.selection_["reason"]
                drv = self.drivers_[name]
                given = [y for y in drv.years if y > years[-1]]
                if given:
                    note = (note + "; " if note else "") + (
                        f"its values for {_years_text(given)} are used as given, beyond that it is projected"
                    )
                drivers[name] = {"used": True, "why": why + (f" ({note})" if note else "")}
            elif name in self.drivers_:
                best = [(lbl, v) for lbl, v in self.selection_["losses"].items() if name in lbl.split("+")]
                plain = self.selection_["losses"].get(PLAIN.label)
                if best and plain is not None:
                    lbl, v = min(best, key=lambda p: p[1])
                    why = (
                        f"not used: with it the best inner backtest error was {v:.4f} ('{lbl}') against "
                        f"{plain:.4f} without drivers"
                    )
                else:
                    why = "not used: " + self.selection_["reason"]
                drivers[name] = {"used": False, "why": why + (f" ({note})" if note else "")}
            else:
                drivers[name] = {"used": False, "why": note}
        return {
            "model": "PMJ-style log-linear regression with AR(1) errors",
            "specification": eq.spec.label,
            "form": eq.spec.form,
            "trend": eq.spec.trend,
            "estimation_years": [years[eq.start], years[-1]],
            "coefficients": {c: float(b) for c, b in zip(eq.columns, eq.beta)},
            "ar1": eq.phi,
            "sigma_log": float(np.sqrt(eq.sigma2)),
            "selection": {
                "reason": self.selection_["reason"],
                "inner_origins": self.selection_["origins"],
                "inner_errors": self.selection_["losses"],
            },
            "drivers": drivers,
            "break": self.break_.to_dict() | {"action": self.break_action_},
        }
