"""Chain consistency: one forecast of registered crime feeds OM intake and the routes through the chain.

PMJ links its regressions along the chain: forecast crime drives OM intake, which drives the courts (docs/domain.md §5).
Here the top of the chain (registered crime) is forecast by a model (the PMJ-style model by default), and every
further node is its parent times a ratio:

    OM intake_t      = registered crime_t * (OM intake / registered crime)_t        (a `ChainLink`)
    cases via ZSM_t  = OM intake_t * share via ZSM_t,   niet-ZSM_t = OM intake_t * share niet-ZSM_t   (a `RouteSplit`)

The ratios are estimated from the years in which both series are observed and projected with their own
uncertainty: the log ratio follows a constant plus an AR(1) deviation (`RatioModel`, the PMJ model's ratio form;
with fewer than 8 years the deviation is taken as independent from year to year). Route shares are modelled as
log-ratios to the first route and turned back into shares that add up to one. Everything is simulated path by
path, so on every path a child is exactly its parent times its ratio and the routes add up exactly to their parent:
the chain is consistent by construction, and the uncertainty of crime reaches the routes.

A child whose series ends before its parent's (OM kerncijfers end in 2022, registered crime in 2023) is first
nowcast for the missing years from the parent's observed values and the projected ratio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .base import Forecaster, as_year_series, check_y
from .pmj import PMJModel, _gls_ar1


class RatioModel:
    """log(ratio_t) = c + u_t with u_t AR(1) (at least ``min_ar_years`` years) or independent (fewer)."""

    min_ar_years = 8

    def fit(self, log_ratio: np.ndarray, years) -> RatioModel:
        r = np.asarray(log_ratio, float)
        if len(r) < 2:
            raise ValueError("ratio: needs at least 2 years in which both series are observed")
        self.years = tuple(int(y) for y in years)
        self.r = r
        if len(r) >= self.min_ar_years:
            beta, cov, phi, sigma2, _resid, df = _gls_ar1(r, np.ones((len(r), 1)), phi_max=0.98)
            self.kind = "constant + AR(1)"
        else:
            beta = np.array([r.mean()])
            df = len(r) - 1
            sigma2 = float(np.var(r, ddof=1)) if len(r) > 1 else 0.0
            cov = np.array([[sigma2 / len(r)]])
            phi = 0.0
            self.kind = "constant + independent yearly deviation (too few years for AR(1))"
        self.c, self.cov, self.phi, self.sigma2, self.df = float(beta[0]), cov, float(phi), max(sigma2, 1e-12), df
        return self

    def point(self, h: int) -> np.ndarray:
        u = self.r[-1] - self.c
        return self.c + u * self.phi ** np.arange(1, h + 1)

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        c = self.c + np.sqrt(self.cov[0, 0]) * rng.standard_normal(n)
        sigma = np.sqrt(self.sigma2 * self.df / rng.chisquare(self.df, n))
        u = self.r[-1] - c
        out = np.empty((n, h))
        for k in range(h):
            u = self.phi * u + sigma * rng.standard_normal(n)
            out[:, k] = c + u
        return out

    def info(self) -> dict:
        return {
            "ratio_model": self.kind,
            "mean_ratio": float(np.exp(self.c)),
            "ar1": self.phi,
            "sigma_log": float(np.sqrt(self.sigma2)),
            "years": [self.years[0], self.years[-1]],
        }


@dataclass(frozen=True)
class ChainLink:
    """A child node forecast as parent x ratio; ``series`` is the child's observed history."""

    name: str
    parent: str
    series: object  # pandas Series by year or YearlySeries


@dataclass(frozen=True)
class RouteSplit:
    """Split a node into routes by shares; ``routes`` maps route name -> observed volumes by year."""

    parent: str
    routes: dict


@dataclass
class ChainNode:
    name: str
    parent: str | None
    years: tuple[int, ...]  # forecast years (the chain's years)
    point: np.ndarray
    paths: np.ndarray  # (n_paths, len(years)), original units
    observed: pd.Series
    ratio_point: np.ndarray | None = None  # child / parent on the chain's years
    ratio_paths: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    def interval(self, level: float = 95) -> tuple[np.ndarray, np.ndarray]:
        a = (100 - level) / 200
        lo, hi = np.quantile(self.paths, [a, 1 - a], axis=0)
        return lo, hi


@dataclass
class ChainForecast:
    years: tuple[int, ...]
    nodes: dict[str, ChainNode]

    def to_frame(self, levels=(80, 95)) -> pd.DataFrame:
        rows = []
        for node in self.nodes.values():
            bands = {lv: node.interval(lv) for lv in levels}
            for k, y in enumerate(self.years):
                row = {"node": node.name, "parent": node.parent or "", "year": y, "point": float(node.point[k])}
                for lv in levels:
                    row[f"lo{lv}"] = float(bands[lv][0][k])
                    row[f"hi{lv}"] = float(bands[lv][1][k])
                row["ratio_to_parent"] = float(node.ratio_point[k]) if node.ratio_point is not None else np.nan
                rows.append(row)
        return pd.DataFrame(rows)


def chain_forecast(
    top: str,
    top_series,
    links: Sequence[ChainLink] = (),
    splits: Sequence[RouteSplit] = (),
    *,
    horizon: int = 6,
    n_paths: int = 2000,
    seed: int = 0,
    top_model: Forecaster | None = None,
    top_drivers: dict | None = None,
) -> ChainForecast:
    """Forecast the top series and every node below it, path by path, so that the chain adds up.

    ``links`` are processed in order (a link's parent must be the top or an earlier link); ``splits`` come last.
    """
    y = as_year_series(top_series, top)
    model = top_model if top_model is not None else PMJModel()
    model.fit(y, top_drivers if model.uses_drivers else None)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xC4A1]))
    fc = model.predict(horizon, n_paths=n_paths, seed=seed)
    years = fc.years
    paths = fc.paths if fc.paths is not None else model.simulate(horizon, n_paths, rng)
    nodes = {top: ChainNode(top, None, years, fc.point, paths, y, info=fc.info)}
    for link in links:
        if link.parent not in nodes:
            raise ValueError(f"chain: link '{link.name}' needs parent '{link.parent}', which is not (yet) in the chain")
        parent = nodes[link.parent]
        child = as_year_series(link.series, link.name)
        check_y(child, 2, "ratio", what=link.name)
        both = child.index.intersection(parent.observed.index)
        if len(both) < 2:
            raise ValueError(f"chain: '{link.name}' and '{link.parent}' are both observed in fewer than 2 years")
        ratio_years = [int(v) for v in both]
        if ratio_years != list(range(ratio_years[0], ratio_years[-1] + 1)):
            raise ValueError(f"chain: the years in which '{link.name}' and '{link.parent}' are both observed have gaps")
        last = ratio_years[-1]
        if last >= years[0]:
            raise ValueError(
                f"chain: '{link.name}' is observed in {last}, the first forecast year of its parent or later"
            )
        rm = RatioModel().fit(np.log(child[both].to_numpy() / parent.observed[both].to_numpy()), ratio_years)
        steps = years[-1] - last
        r_point = np.exp(rm.point(steps))
        r_paths = np.exp(rm.simulate(steps, n_paths, rng))
        # the chain's years are the top's forecast years; a ratio projected from an earlier year is cut to them
        cut = [years[-1] - last - len(years) + k for k in range(len(years))]
        par_point, par_paths = parent.point, parent.paths
        node_ratio_point, node_ratio_paths = r_point[cut], r_paths[:, cut]
        nowcast = [y_ for y_ in range(last + 1, years[0])]
        info = rm.info() | {"nowcast_years": nowcast}
        nodes[link.name] = ChainNode(
            link.name,
            link.parent,
            years,
            par_point * node_ratio_point,
            par_paths * node_ratio_paths,
            child,
            node_ratio_point,
            node_ratio_paths,
            info,
        )
    for split in splits:
        if split.parent not in nodes:
            raise ValueError(f"chain: a route split needs parent '{split.parent}', which is not in the chain")
        parent = nodes[split.parent]
        names = list(split.routes)
        if len(names) < 2:
            raise ValueError("chain: a route split needs at least 2 routes")
        obs = pd.DataFrame({k: as_year_series(v, k) for k, v in split.routes.items()}).dropna()
        if len(obs) < 2:
            raise ValueError(f"chain: routes {', '.join(names)} are observed together in fewer than 2 years")
        if (obs <= 0).any().any():
            raise ValueError("chain: route volumes must be > 0")
        shares = obs.div(obs.sum(axis=1), axis=0)
        base = names[0]
        last = int(obs.index[-1])
        if last >= years[0]:
            raise ValueError(
                f"chain: the routes are observed in {last}, the first forecast year of their parent or later"
            )
        steps = years[-1] - last
        cut = [steps - len(years) + k for k in range(len(years))]
        alr_point = [np.zeros(steps)]
        alr_paths = [np.zeros((n_paths, steps))]
        infos = {}
        for name in names[1:]:
            rm = RatioModel().fit(np.log(shares[name] / shares[base]).to_numpy(), [int(v) for v in obs.index])
            alr_point.append(rm.point(steps))
            alr_paths.append(rm.simulate(steps, n_paths, rng))
            infos[name] = rm.info()
        e_point = np.exp(np.stack(alr_point))
        s_point = e_point / e_point.sum(axis=0)
        e_paths = np.exp(np.stack(alr_paths))
        s_paths = e_paths / e_paths.sum(axis=0)
        for i, name in enumerate(names):
            sp, spp = s_point[i][cut], s_paths[i][:, cut]
            nodes[name] = ChainNode(
                name,
                split.parent,
                years,
                parent.point * sp,
                parent.paths * spp,
                obs[name],
                sp,
                spp,
                {
                    "share_model": infos.get(name, {"reference route": True}),
                    "observed_share_last": float(shares[name].iloc[-1]),
                },
            )
    return ChainForecast(years, nodes)
