"""Part 7 of the suite: how long the workshop page takes to answer a lever change on the national model.

What the page does when a workshop changes a lever and presses Run, with its default settings
(`sim.workshop.WorkshopSettings`: one year of intake, half a year of run-out, 4 paired replications in 2
processes, case figures per district): simulate the variant (the base is cached from the first run), make the
comparison folder and draw the page's figures. Timed: the first answer (one replication per process of its own
half year, against the base's same replications of it, shown while the full answer runs) and the full answer; the
first run, which also simulates the base, too. The issue asks for an answer within 30 seconds on the 2-core
machine.

    python -m benchmarks --parts 7
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "baseline.toml"
LEVER = "courts.sessions.politierechter.per_week"
TARGET_S = 30.0


def measure(base: Path = BASE, lever: str = LEVER, jobs: int = 2) -> dict:
    from sim.workshop import WorkshopSettings, new_session
    from sim.workshop.page import district_rows, figures_html, findings_html, table_html

    with tempfile.TemporaryDirectory(prefix="ketensim-bench-workshop-") as tmp:
        settings = WorkshopSettings(jobs=jobs)
        session = new_session(Path(tmp), settings)
        baseline = next(lv for lv in session.levers(base) if lv.path == lever).baseline_number
        timings: dict[str, float] = {}

        def answer(value: float, key: str) -> None:
            t0 = time.perf_counter()

            def coarse(rows, names) -> None:
                timings[f"{key}_coarse_seconds"] = time.perf_counter() - t0

            b, v = session.run_variant(base, {lever: value}, coarse=coarse)
            t1 = time.perf_counter()
            folder, rows = session.comparison(b, v)
            figures_html(folder, [b.name, v.name], rows)
            resolved = {r.name: r.scenario.resolved_dict() for r in (b, v)}
            findings_html(district_rows(rows, "all"), [b.name, v.name], resolved)
            table_html(district_rows(rows, "all"), [b.name, v.name], resolved[b.name])
            t2 = time.perf_counter()
            timings[f"{key}_simulate_seconds"] = t1 - t0
            timings[f"{key}_page_seconds"] = t2 - t1
            timings[f"{key}_seconds"] = t2 - t0
            timings[f"{key}_variant_seconds"] = v.wall_seconds

        answer(baseline * 1.1, "first")  # base and variant
        answer(baseline * 1.2, "change")  # the variant only: the base is cached
        cases = sum(session.runs[0].per_rep[0].get(("cases", r), 0.0) for r in ("regular", "sepot"))
    return {
        "settings": settings.describe(),
        "jobs": jobs,
        "lever": lever,
        **timings,
        "regular_and_sepot_cases_per_year": cases,
        "target_seconds": TARGET_S,
        "met": timings["change_seconds"] <= TARGET_S,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))
