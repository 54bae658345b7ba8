"""The held-out NLU accuracy gate: fails the build below the required intent accuracy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def accuracy(report: dict) -> float:
    return float(report["accuracy"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("--min-accuracy", type=float, default=0.95)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text())
    value = accuracy(report)
    weak = sorted(
        (name, stats["f1-score"]) for name, stats in report.items()
        if isinstance(stats, dict) and "f1-score" in stats and name not in ("macro avg", "weighted avg", "micro avg")
        and stats["f1-score"] < 0.9
    )
    print(f"held-out intent accuracy: {value:.4f} (gate {args.min_accuracy:.2f}); report: {args.report}")
    for name, f1 in weak:
        print(f"  weaker intent: {name} f1={f1:.2f}")
    return 0 if value >= args.min_accuracy else 1


if __name__ == "__main__":
    sys.exit(main())
