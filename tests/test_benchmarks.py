"""The benchmark table (`python -m benchmarks`) renders each part's figures; here with hand-made results, since the
parts themselves are national runs that belong in the benchmark, not in the tests."""

from __future__ import annotations

from benchmarks.suite import table_rows


def test_the_capacity_search_part_renders_answers_and_says_when_a_cluster_could_not_run():
    cap = {
        "lever": "courts.sessions.politierechter.per_week",
        "now": 100.0,
        "kpi_now": 61.5,
        "target": "days_summons_to_first_hearing_p50[regular_pr] <= 55.35",
        "processes": {"seconds": 312.0, "replications": 14, "answer": 115.0, "below": 110.0, "message": "..."},
        "dask": {"error": "Dask is not installed"},
        "same_answer": False,
    }
    rows = {r[0]: r for r in table_rows({"capacity_search": cap})}
    assert rows["8 on processes: answer"][1] == "115 (now 100)"
    assert rows["8 on processes: replications / wall time (s)"][1] == "14 / 312"
    assert rows["8 on dask"][1] == "not run: Dask is not installed"
    assert rows["8 same answer on both"][3] == "NO"
