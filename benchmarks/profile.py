"""Where a Rasa server's time goes under load: py-spy on the server while 20 conversations talk.

    python -m benchmarks.profile [--model models/current.tar.gz] [--seconds 30] [--conversations 20]

Starts the action server and one Rasa server (free ports, temporary SQLite database), runs
`--conversations` concurrent REST conversations (benchmarks/load.py's message mix), samples the
Rasa server with `py-spy record` for `--seconds` (100 Hz, idle frames included so that waiting
shows), and writes a summary to benchmarks/results/profile-<date>-<commit>-c<conversations>.md: how the main
thread's samples split between waiting for work and the categories of work, the functions that
take the most time inclusively, and the busiest leaf functions. py-spy comes with requirements-dev.txt.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from benchmarks import load, machine
from benchmarks.run import (
    BIN,
    RESULTS,
    ROOT,
    Workspace,
    first_reply,
    log,
    start_actions,
    start_rasa,
    stop,
)

# Inclusive categories: a sample counts for each whose marker appears anywhere in its stack.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("NLU: whole pipeline (processor.parse_message)", ("parse_message (rasa/core/processor.py",)),
    ("NLU: DIET / TensorFlow predict", ("rasa/nlu/classifiers/diet_classifier.py", "rasa/utils/tensorflow/")),
    ("NLU: spaCy", ("spacy/",)),
    ("NLU: featurizers", ("rasa/nlu/featurizers/",)),
    ("NLU: tokenizers", ("rasa/nlu/tokenizers/",)),
    ("Core: policies (predict_next_action)", ("rasa/core/policies/",)),
    ("Core: TED / UnexpecTED", ("ted_policy.py", "unexpected_intent_policy.py")),
    ("Core: tracker featurization (states, domain)", ("rasa/core/featurizers/", "past_states", "get_active_state")),
    ("tracker store (SQL load + save)", ("rasa/core/tracker_store.py", "bot/store/tracker.py")),
    ("SQLAlchemy / sqlite", ("sqlalchemy/", "sqlite3")),
    ("tracker events (replay, copy, serialise)", ("rasa/shared/core/trackers.py", "rasa/shared/core/events.py")),
    ("remote actions (HTTP to the action server)", ("rasa/core/actions/action.py:", "aiohttp/")),
    ("HTTP server (sanic) and channel", ("sanic/", "bot/channels/")),
    ("TensorFlow anywhere", ("tensorflow/", "keras/")),
    ("logging", ("logging/",)),
)
# Leaf frames that mean "the event loop is waiting for something to do".
IDLE_LEAVES = ("select (selectors.py", "run_forever", "_run_once (asyncio/base_events.py", "serve (sanic")


@dataclass(frozen=True)
class Stack:
    thread: str
    frames: tuple[str, ...]
    count: int


def parse_raw(text: str) -> list[Stack]:
    """py-spy's raw (collapsed) output, recorded with --threads: 'thread (id): Name;f1;f2 N'."""
    stacks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        parts = head.split(";")
        thread = parts[0]
        frames = tuple(parts[1:])
        if ": " in thread:  # 'thread (123): MainThread'
            thread = thread.split(": ", 1)[1]
        stacks.append(Stack(thread, frames, int(count)))
    return stacks


def function_of(frame: str) -> str:
    """'handle (rasa/core/processor.py:123)' -> 'handle (rasa/core/processor.py)'."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def is_idle(stack: Stack) -> bool:
    return not stack.frames or any(stack.frames[-1].startswith(leaf) or leaf in stack.frames[-1]
                                   for leaf in IDLE_LEAVES)


def summarize(stacks: Sequence[Stack], thread: str = "MainThread", top: int = 25) -> str:
    """A markdown summary of the samples of `thread`."""
    mine = [s for s in stacks if s.thread == thread]
    total = sum(s.count for s in mine)
    if not total:
        return f"No samples of {thread}."
    idle = sum(s.count for s in mine if is_idle(s))
    busy = [s for s in mine if not is_idle(s)]
    busy_total = total - idle

    def pct(n: int, of: int = total) -> str:
        return f"{100 * n / of:.1f}%" if of else "—"

    lines = [
        f"{thread}: {total} samples; waiting in the event loop {pct(idle)}, working {pct(busy_total)}.",
        "",
        "| category (inclusive; overlapping) | % of all samples | % of working samples |",
        "|:--|--:|--:|",
    ]
    for label, markers in CATEGORIES:
        n = sum(s.count for s in busy if any(m in f for f in s.frames for m in markers))
        lines.append(f"| {label} | {pct(n)} | {pct(n, busy_total)} |")
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for s in busy:
        for fn in set(function_of(f) for f in s.frames):
            inclusive[fn] += s.count
        if s.frames:
            leaves[function_of(s.frames[-1])] += s.count
    lines += ["", f"Top {top} functions, inclusive (% of working samples):", "", "```"]
    lines += [f"{pct(n, busy_total):>7}  {fn}" for fn, n in inclusive.most_common(top)]
    lines += ["```", "", f"Top {top} leaf functions, self (% of working samples):", "", "```"]
    lines += [f"{pct(n, busy_total):>7}  {fn}" for fn, n in leaves.most_common(top)]
    lines += ["```"]
    return "\n".join(lines)


def other_threads(stacks: Iterable[Stack], thread: str = "MainThread") -> str:
    counts: Counter[str] = Counter()
    for s in stacks:
        if s.thread != thread:
            counts[s.thread] += s.count
    return ", ".join(f"{name}: {n}" for name, n in counts.most_common(8)) or "none"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(BIN / "py-spy")
    if not Path(py_spy).exists():
        print("py-spy is not installed: .venv/bin/pip install py-spy", file=sys.stderr)
        return 1
    if not args.model.exists():
        print(f"No model at {args.model}: make train", file=sys.stderr)
        return 1
    seconds = max(5, min(args.seconds, 300))
    conversations = max(1, min(args.conversations, 200))
    tmp = Path(tempfile.mkdtemp(prefix="metro-profile-"))
    ws = Workspace(tmp=tmp, snapshot=ROOT, logs=tmp / "logs")
    ws.logs.mkdir()
    ws.models["ours"] = args.model
    raw = tmp / "py-spy.raw.txt"
    actions = start_actions(ws)
    server = None
    try:
        server = start_rasa(ws, actions, "ours", "profile")
        cold = first_reply(server.url, server.proc, server.started, timeout=300)
        log(f"Rasa server up after {cold:.1f} s (pid {server.proc.pid}); load: {conversations} conversations")
        plan = load.conversation_plan(conversations, 400)
        result: dict[str, load.LoadResult] = {}
        loader = threading.Thread(target=lambda: result.setdefault(
            "load", load.run_load(server.url, plan, "profile", max_seconds=seconds + 10)), daemon=True)
        loader.start()
        time.sleep(4)
        log(f"py-spy record for {seconds} s")
        subprocess.run([py_spy, "record", "--pid", str(server.proc.pid), "--duration", str(seconds),
                        "--rate", "100", "--format", "raw", "--threads", "--idle", "--output", str(raw)],
                       check=False, timeout=seconds + 60, capture_output=True)
        loader.join(timeout=seconds + 90)
        measured = result.get("load")
        stacks = parse_raw(raw.read_text()) if raw.exists() else []
    finally:
        if server is not None:
            server.stop()
        stop(actions.proc)
    info = machine.description(ROOT)
    started = datetime.now()
    rate = f"{measured.rate:.1f} msg/s, {measured.errors} errors" if measured and measured.rate else "unknown"
    document = "\n".join([
        f"# Profile of our Rasa server under load — {started:%Y-%m-%d %H:%M} — commit {info['short commit']}",
        "",
        f"py-spy record, 100 Hz, {seconds} s, idle frames included, on `rasa run` with {args.model.name} "
        f"while {conversations} REST conversations talk ({rate} during the run). Other threads' samples: "
        f"{other_threads(stacks)}. TensorFlow's own thread pools are native and not sampled; their work "
        "shows as time inside the Python call that waits for it.",
        "",
        summarize(stacks),
        "",
        f"Machine: {info['cpus (nproc)']} x {info['cpu model']}, {info['memory']}, Python {info['python']}, "
        f"Rasa {info['rasa']}; load average at the end {machine.load_average()}.",
        "",
    ])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"profile-{started:%Y-%m-%d}-{info['short commit']}-c{conversations}.md"
    out.write_text(document)
    print(document)
    print(f"written: {out.relative_to(ROOT)}; raw samples: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
