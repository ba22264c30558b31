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


def test_the_national_year_part_renders_the_ratios_against_the_earlier_event_handling():
    year = {
        "cases": 285_910,
        "seconds_best": 19.0,
        "seconds_median": 20.0,
        "cases_per_second_best": 15_048.0,
        "cases_per_second_median": 14_295.0,
        "peak_memory_mb": 330.0,
        "run_over_python_loop": 6.1,
        "speed_now_over_heap_only": 1.31,
        "speed_now_over_stepwise": 1.07,
        "events_per_case": {"ketensim": 4.24, "ketensim-stepwise": 4.74, "ketensim-heap": 4.74},
        "heap_entries_at_end_buckets": 4_000,
        "held_back_at_end_buckets": 60_000,
        "heap_entries_at_end_heap_only": 74_863,
        "same_cases": True,
        "written_with_records_seconds_best": 24.0,
        "written_without_records_seconds_best": 20.0,
        "records_time_ratio": 1.2,
        "written_with_records_mb": 27.0,
        "written_without_records_mb": 0.6,
    }
    rows = {r[0]: r for r in table_rows({"national_year": year})}
    written = rows["1 written with per-case records / without (whole run, best of each; MB written)"]
    assert written[1:] == ("1.20 (24.0 / 20.0 s; 27 / 0.6 MB)", "<= 1.3 (issue 16)", "yes")
    before = next(k for k in rows if k.startswith("1 speed now / before issue 16"))
    assert rows[before][1:] == ("1.31", ">= 2 (issue 16)", "NO")
    assert rows["1 events per case: now / every step an event / and every event on the heap"][1] == "4.24 / 4.74 / 4.74"
    year["same_cases"] = False
    rows = {r[0]: r for r in table_rows({"national_year": year})}
    assert rows[before][3] == "CASES DIFFER NO"
