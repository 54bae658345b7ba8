"""The bench serves the two configurations in ABBA order across repetitions, and its report says so."""

from __future__ import annotations

from datetime import datetime

from benchmarks.run import CONFIGS, QUICK, Plan, order_description, render, run_order


def test_repetitions_alternate_which_side_runs_first_abba():
    served = [name for rep in range(4) for name in run_order(rep)]
    assert served == ["ours", "reference", "reference", "ours", "ours", "reference", "reference", "ours"]
    assert all(sorted(run_order(rep)) == sorted(CONFIGS) for rep in range(5))


def test_over_an_even_number_of_repetitions_each_side_goes_first_as_often():
    firsts = [run_order(rep)[0] for rep in range(6)]
    assert firsts.count("ours") == firsts.count("reference") == 3


def test_the_report_gives_the_order_of_every_run():
    assert order_description(3) == "run 1: ours, reference; run 2: reference, ours; run 3: ours, reference"
    plan = Plan()
    _, document = render({"ours": {}, "reference": {}}, {"ours": [], "reference": []}, plan,
                         {"short commit": "abc1234"}, "0.1", "0.2", datetime(2024, 1, 1), 60.0, {})
    assert "ABBA" in document and order_description(plan.repetitions) in document
    _, quick = render({"ours": {}, "reference": {}}, {"ours": [], "reference": []}, QUICK,
                      {"short commit": "abc1234"}, "0.1", "0.2", datetime(2024, 1, 1), 60.0, {})
    assert "run 1: ours, reference" in quick
