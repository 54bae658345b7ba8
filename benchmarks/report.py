"""The pure part of `make bench`: percentiles, medians, ratios and the one table.

Nothing here starts a process or reads the clock, so tests/bot/test_bench_report.py can check
it without timing anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

Number = Optional[float]


def percentile(values: Sequence[float], q: float) -> Number:
    """The q-th percentile (0-100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[Number]) -> Number:
    """Median of the values that were measured (None = not measured); None if there are none."""
    present = [v for v in values if v is not None]
    return percentile(present, 50) if present else None


def latency_summary(seconds: Sequence[float]) -> dict[str, Number]:
    """p50/p95/p99 in milliseconds of request durations given in seconds."""
    ms = [s * 1000 for s in seconds]
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99)}


def ratio(ours: Number, reference: Number) -> Number:
    """ours / reference; None when either is missing or the reference is zero."""
    if ours is None or reference is None or reference == 0:
        return None
    return ours / reference


@dataclass(frozen=True)
class Figure:
    """One row of the table: how to show it and, if issue 7 sets one, its target for ours."""

    key: str
    label: str
    fmt: str  # format spec for the value, e.g. ".1f"
    unit: str = ""
    target_text: str = ""
    # (ours, reference) -> met? Only called when both values are present.
    target: Optional[Callable[[float, float], bool]] = None
    # Targets that only need ours (cold start, memory, training time).
    target_needs_reference: bool = True


def _abs_target(check: Callable[[float], bool]) -> Callable[[float, float], bool]:
    return lambda ours, _ref: check(ours)


FIGURES: tuple[Figure, ...] = (
    Figure("intent_accuracy", "held-out intent accuracy (rasa test nlu)", ".1%",
           target_text=">= reference", target=lambda o, r: o >= r),
    Figure("answer_accuracy", "held-out answer accuracy (REST reply = gold intent's answer)", ".1%",
           target_text=">= reference", target=lambda o, r: o >= r),
    Figure("single_p50", "1 conversation: latency p50", ".1f", "ms",
           target_text="<= 0.5 x ref and < 30 ms", target=lambda o, r: o <= 0.5 * r and o < 30),
    Figure("single_p95", "1 conversation: latency p95", ".1f", "ms"),
    Figure("single_p99", "1 conversation: latency p99", ".1f", "ms"),
    Figure("single_rate", "1 conversation: messages/s", ".1f"),
    Figure("long_p50", "long conversation (one of 200 messages): latency p50", ".1f", "ms"),
    Figure("long_last40_p50", "long conversation: latency p50 of its last 40 messages", ".1f", "ms"),
    Figure("c20_p50", "20 concurrent: latency p50", ".0f", "ms"),
    Figure("c20_p95", "20 concurrent: latency p95", ".0f", "ms"),
    Figure("c20_p99", "20 concurrent: latency p99", ".0f", "ms"),
    Figure("c20_rate", "20 concurrent: messages/s", ".1f",
           target_text=">= 2 x ref", target=lambda o, r: o >= 2 * r),
    Figure("c20_errors", "20 concurrent: errors (all runs)", ".0f"),
    Figure("c100_p50", "100 concurrent: latency p50", ".0f", "ms"),
    Figure("c100_p95", "100 concurrent: latency p95", ".0f", "ms"),
    Figure("c100_p99", "100 concurrent: latency p99", ".0f", "ms"),
    Figure("c100_rate", "100 concurrent: messages/s", ".1f"),
    Figure("c100_errors", "100 concurrent: errors (all runs)", ".0f"),
    Figure("cold_start", "cold start (process start -> first reply)", ".1f", "s",
           target_text="< 20 s", target=_abs_target(lambda o: o < 20), target_needs_reference=False),
    Figure("peak_rss", "Rasa server peak RSS (VmHWM)", ".0f", "MB",
           target_text="< 900 MB", target=_abs_target(lambda o: o < 900), target_needs_reference=False),
    Figure("train_scratch", "training from scratch", ".1f", "s",
           target_text="< 180 s", target=_abs_target(lambda o: o < 180), target_needs_reference=False),
    Figure("train_nochange", "no-change retrain", ".1f", "s"),
)


def format_value(value: Number, fmt: str, unit: str = "") -> str:
    if value is None:
        return "—"
    text = format(value, fmt)
    return f"{text} {unit}" if unit else text


def format_ratio(value: Number) -> str:
    return "—" if value is None else f"{value:.2f}"


def target_status(figure: Figure, ours: Number, reference: Number) -> str:
    """'yes', 'NO', '' (no target) or '?' (not measured)."""
    if figure.target is None:
        return ""
    if ours is None or (figure.target_needs_reference and reference is None):
        return "?"
    return "yes" if figure.target(ours, reference if reference is not None else math.nan) else "NO"


HEADER: tuple[str, ...] = ("figure", "ours", "reference", "ours/ref", "issue 7 target (ours)", "met")


def table_rows(ours: Mapping[str, Number], reference: Mapping[str, Number],
               figures: Sequence[Figure] = FIGURES) -> list[list[str]]:
    """One row per figure: label, ours, reference, ratio, target, met."""
    rows = []
    for fig in figures:
        o, r = ours.get(fig.key), reference.get(fig.key)
        rows.append([
            fig.label,
            format_value(o, fig.fmt, fig.unit),
            format_value(r, fig.fmt, fig.unit),
            format_ratio(ratio(o, r)),
            fig.target_text,
            target_status(fig, o, r),
        ])
    return rows


def markdown_table(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> str:
    """A GitHub markdown table, padded so it also reads well in a terminal."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    numeric = [i > 0 for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [str(c).rjust(w) if num else str(c).ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else (":" + "-" * (w + 1))
                          for w, num in zip(widths, numeric, strict=True)) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def aggregate(runs: Sequence[Mapping[str, Number]], summed: Sequence[str] = ()) -> dict[str, Number]:
    """Per key: the median over the runs, or the sum for keys in `summed` (error counts)."""
    keys: list[str] = []
    for run in runs:
        keys.extend(k for k in run if k not in keys)
    result: dict[str, Number] = {}
    for key in keys:
        values = [run.get(key) for run in runs]
        if key in summed:
            present = [v for v in values if v is not None]
            result[key] = float(sum(present)) if present else None
        else:
            result[key] = median(values)
    return result
