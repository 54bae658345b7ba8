"""make bench's pure parts: percentiles, ratios, medians, the table and answer matching.
No timing is asserted anywhere."""

from __future__ import annotations

import pytest

from benchmarks import answers
from benchmarks.load import conversation_plan
from benchmarks.report import (
    FIGURES,
    HEADER,
    aggregate,
    latency_summary,
    markdown_table,
    median,
    percentile,
    ratio,
    table_rows,
    target_status,
)


def test_percentile_interpolates_between_ranks_like_numpy() -> None:
    values = [10, 20, 30, 40]
    assert percentile(values, 0) == 10
    assert percentile(values, 100) == 40
    assert percentile(values, 50) == 25
    assert percentile(values, 95) == pytest.approx(38.5)
    assert percentile([7], 99) == 7
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_percentile_does_not_depend_on_order() -> None:
    assert percentile([3, 1, 2], 50) == percentile([1, 2, 3], 50) == 2


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_summary([0.010] * 98 + [0.100, 0.200])
    assert summary["p50"] == pytest.approx(10)
    assert summary["p99"] > summary["p95"] >= summary["p50"]


def test_ratio_is_ours_over_reference_and_missing_when_undefined() -> None:
    assert ratio(5, 10) == 0.5
    assert ratio(None, 10) is None
    assert ratio(5, None) is None
    assert ratio(5, 0) is None


def test_median_ignores_missing_runs_and_aggregate_sums_errors() -> None:
    assert median([3, None, 1, 2]) == 2
    assert median([None]) is None
    runs = [{"c20_p50": 10.0, "c20_errors": 1.0}, {"c20_p50": 30.0, "c20_errors": 0.0},
            {"c20_p50": 20.0, "c20_errors": 2.0}]
    assert aggregate(runs, summed=("c20_errors",)) == {"c20_p50": 20.0, "c20_errors": 3.0}


def test_table_has_every_figure_with_ratio_and_target() -> None:
    ours = {"single_p50": 10.0, "c20_rate": 50.0, "cold_start": 25.0, "intent_accuracy": 0.98}
    reference = {"single_p50": 40.0, "c20_rate": 20.0, "cold_start": 30.0, "intent_accuracy": 0.99}
    rows = {row[0]: row for row in table_rows(ours, reference)}
    assert len(rows) == len(FIGURES)
    p50 = rows["1 conversation: latency p50"]
    assert p50[1:4] == ["10.0 ms", "40.0 ms", "0.25"]
    assert p50[5] == "yes"
    assert rows["20 concurrent: messages/s"][5] == "yes"  # 50 >= 2 x 20
    assert rows["cold start (process start -> first reply)"][5] == "NO"  # 25 s is not < 20 s
    assert rows["held-out intent accuracy (rasa test nlu)"][1:4] == ["98.0%", "99.0%", "0.99"]
    assert rows["held-out intent accuracy (rasa test nlu)"][5] == "NO"
    assert rows["no-change retrain"][1:4] == ["—", "—", "—"]


def test_target_status_needs_the_values_it_compares() -> None:
    p50 = next(f for f in FIGURES if f.key == "single_p50")
    memory = next(f for f in FIGURES if f.key == "peak_rss")
    assert target_status(p50, 10.0, None) == "?"
    assert target_status(p50, 29.0, 100.0) == "yes"
    assert target_status(p50, 31.0, 100.0) == "NO"  # half the reference, but not under 30 ms
    assert target_status(memory, 800.0, None) == "yes"  # an absolute target needs ours only


def test_markdown_table_has_header_rule_and_aligned_rows() -> None:
    text = markdown_table([["a", "1", "2", "0.50", "", ""]])
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("| figure")
    assert all(len(line) == len(lines[0]) for line in lines)
    assert lines[1].count("|") == len(HEADER) + 1


def test_answer_prefix_ignores_placeholders_and_stops_after_40_characters() -> None:
    template = "Yes — {condition} is one of the things therapeutic BOTOX® is used for here."
    assert answers.matches("Yes — jaw pain is one of the things therapeutic BOTOX® is used", [template])
    assert not answers.matches("Yes. Therapeutic BOTOX® has been approved", [template])
    long = "A" * 40 + " then anything"
    assert answers.matches("A" * 40 + " but a different ending", [long])
    assert not answers.matches(None, [long])


def test_expected_answers_follow_unconditional_rules_and_action_answers() -> None:
    rules = [
        {"steps": [{"intent": "greet"}, {"action": "utter_greet"}]},
        {"condition": [{"active_loop": "f"}], "steps": [{"intent": "stop"}, {"action": "utter_cancelled"}]},
        {"steps": [{"intent": "stop"}, {"action": "utter_anything_else"}]},
        {"steps": [{"intent": "faq_conditions"}, {"action": "action_answer_question"}]},
        {"steps": [{"intent": "book_consultation"}, {"action": "consultation_form"}]},
        {"steps": [{"action": "utter_faq_first_step"}, {"intent": "affirm"}]},
    ]
    responses = {
        "utter_greet": [{"text": "Hi!"}, {"channel": "sms", "text": "Hi (sms)"}],
        "utter_cancelled": [{"text": "Cancelled."}],
        "utter_anything_else": [{"text": "Anything else?"}],
        "utter_faq_conditions": [{"text": "It treats..."}],
        "utter_faq_conditions_named": [{"text": "Yes — {condition} ..."}],
        "utter_ask_consent_given": [{"text": "Before we start..."}],
    }
    expected = answers.expected_answers(rules, responses)
    assert expected["greet"] == ["Hi!", "Hi (sms)"]
    assert expected["stop"] == ["Anything else?"]
    assert expected["faq_conditions"] == ["It treats...", "Yes — {condition} ..."]
    assert expected["book_consultation"] == ["Before we start..."]
    assert "affirm" not in expected


def test_first_text_skips_messages_without_text() -> None:
    assert answers.first_text([{"image": "x"}, {"text": "hello"}, {"text": "again"}]) == "hello"
    assert answers.first_text([]) is None


def test_conversation_plan_is_bounded_and_varied() -> None:
    plan = conversation_plan(3, 4, pool=("a", "b", "c"))
    assert plan == [["a", "b", "c", "a"], ["b", "c", "a", "b"], ["c", "a", "b", "c"]]


def test_profile_summary_splits_waiting_from_work() -> None:
    from benchmarks.profile import parse_raw, summarize

    raw = "\n".join([
        "thread (1): MainThread;serve (sanic/server/runners.py:10);select (selectors.py:469) 60",
        "thread (1): MainThread;handle (rasa/core/processor.py:5);"
        "parse_message (rasa/core/processor.py:9);_predict (rasa/nlu/classifiers/diet_classifier.py:3) 30",
        "thread (1): MainThread;handle (rasa/core/processor.py:5);"
        "save (rasa/core/tracker_store.py:7);execute (sqlalchemy/engine/base.py:1) 10",
        "thread (2): ThreadPoolExecutor-0_0;_worker (concurrent/futures/thread.py:1) 5",
    ])
    stacks = parse_raw(raw)
    assert [s.count for s in stacks] == [60, 30, 10, 5]
    assert stacks[3].thread == "ThreadPoolExecutor-0_0"
    text = summarize(stacks)
    assert "waiting in the event loop 60.0%, working 40.0%" in text
    assert "| tracker store (SQL load + save) | 10.0% | 25.0% |" in text
    assert "75.0%  parse_message (rasa/core/processor.py)" in text
