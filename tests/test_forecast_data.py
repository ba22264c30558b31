"""Reading yearly series: provenance kept, bad files refused with the file and the reason."""

from pathlib import Path

import pytest

from sim.forecast.data import SeriesError, check_target, prepare_driver, read_series, split_file_series

DATA = Path(__file__).resolve().parents[1] / "calibration" / "data"


def write(tmp_path, text, name="s.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_reads_a_real_series_with_provenance():
    s = read_series(DATA / "registered_crime.csv", "geregistreerde_misdrijven_totaal", start=1990)
    assert s.first == 1990 and s.last == 2023 and len(s.years) == 34
    assert s.values[s.years.index(2019)] == 821905
    assert any("83723NED" in url for url, _ in s.sources)
    flags = s.flags()
    assert flags["provisional"] == [2022, 2023]
    assert 2015 in flags["break"]  # internet fraud (LMIO) counted from mid-2015


def test_a_plain_year_value_file_is_one_series(tmp_path):
    p = write(tmp_path, "year,value\n2001,5\n2000,4\n")
    s = read_series(p)
    assert s.years == (2000, 2001) and s.values == (4.0, 5.0) and s.name == "s"


@pytest.mark.parametrize(
    "text,series,reason",
    [
        ("jaar,waarde\n2000,1\n", None, "needs the columns 'year' and 'value'"),
        ("year,value,series\n2000,1,a\n2000,2,b\n", None, "holds 2 series"),
        ("year,value,series\n2000,1,a\n", "b", "series 'b' not found; available: a"),
        ("year,value\n2000,1\n2000,2\n", None, "year 2000 appears twice"),
        ("year,value\n2000,abc\n", None, "value 'abc' for 2000 is not a number"),
        ("year,value\n2000.5,1\n", None, "is not a whole year"),
    ],
)
def test_bad_files_are_refused_naming_the_file(tmp_path, text, series, reason):
    p = write(tmp_path, text)
    with pytest.raises(SeriesError) as e:
        read_series(p, series)
    assert str(p) in str(e.value) and reason in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(SeriesError, match="file not found"):
        read_series(tmp_path / "nope.csv")


def test_target_checks_gaps_length_and_sign(tmp_path):
    gap = read_series(write(tmp_path, "year,value\n2000,1\n2001,2\n2003,3\n"))
    with pytest.raises(SeriesError, match=r"has gaps \(no value for 2002\)"):
        check_target(gap, 2)
    short = read_series(write(tmp_path, "year,value\n2000,1\n2001,2\n", "b.csv"))
    with pytest.raises(SeriesError, match="too short: 2 years"):
        check_target(short, 3)
    zero = read_series(write(tmp_path, "year,value\n2000,1\n2001,0\n2002,2\n", "c.csv"))
    with pytest.raises(SeriesError, match="values <= 0 in 2001"):
        check_target(zero, 3)


def test_driver_short_gaps_are_interpolated_and_long_gaps_cut():
    pop = read_series(DATA / "population_total.csv")
    prep = prepare_driver(pop, max_gap=2)
    # 5-yearly before 1980 (gaps of 4 years) is cut; 2016-2017 are filled log-linearly and reported
    assert prep.series.first == 1980 and prep.dropped_before == 1980
    assert prep.interpolated == (2016, 2017)
    v = dict(zip(prep.series.years, prep.series.values))
    assert v[2015] < v[2016] < v[2017] < v[2018]
    assert "interpolated 2016-2017" in prep.note


def test_driver_with_non_positive_values_is_used_without_logs(tmp_path):
    g = read_series(write(tmp_path, "year,value\n2000,1.5\n2001,-3.7\n2002,2\n"))
    assert prepare_driver(g).log is False


def test_file_series_syntax():
    assert split_file_series("a/b.csv:some_series") == ("a/b.csv", "some_series")
    assert split_file_series("a/b.csv") == ("a/b.csv", None)
