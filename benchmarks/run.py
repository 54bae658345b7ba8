"""`make bench`: ours against stock Rasa's default configuration, on the same data, in one run.

    python -m benchmarks.run [--quick] [--keep-tmp]

1. Snapshots data/, domain.yml, config.yml, credentials.yml, endpoints.yml and the held-out file
   into a temporary directory (others may edit the working tree while this runs), then trains
   `ours` (config.yml as is) and `reference` (Rasa 3.6's default config, as `rasa init` + the
   first `rasa train` fill it in, with a random_seed on its ML components) from scratch, each with
   its own empty Rasa cache, and runs `rasa train` again unchanged (Rasa skips the training).
2. `rasa test nlu` on the held-out file for each model (intent accuracy).
3. One action server for both; per configuration and repetition, a fresh Rasa server (free port,
   fresh SQLite database): cold start, answer accuracy (first repetition), one conversation,
   20 and 100 concurrent conversations over REST, then the server's VmHWM. Which configuration
   runs first alternates across repetitions, ABBA (ours, reference; reference, ours; ...), so
   background load and a machine warming up or slowing down over the run weigh on both alike.
4. One table (medians of the repetitions; ratio ours/reference), printed and written to
   benchmarks/results/<date>-<commit>.md and benchmarks/results/latest.md.

The reference's model is kept in build/bench/reference-<key>/ and reused by later runs whose inputs
are the same (key: the reference config, domain.yml, every file under data/, Rasa's version and the
epochs): stock Rasa trained from scratch on identical inputs, with its seeds, gives the same model,
and training it takes 30 to 60 minutes of a 2-core machine. Its training figures are then the ones
measured when it was trained, and the report says so. --fresh-reference trains it again.

--quick: a smoke run of the whole pipeline: 3 epochs for every ML component (so training times and
accuracies mean nothing), fewer messages, one repetition; results in <date>-<commit>-quick.md
(latest.md untouched).
Every loop is bounded in count and time; only localhost is called. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import httpx
import yaml

from benchmarks import answers, load, machine
from benchmarks.report import aggregate, latency_summary, markdown_table, table_rows
from bot.run import commands, service_env
from bot.settings import ROOT, load_settings

RESULTS = ROOT / "benchmarks" / "results"
REFERENCE_CACHE = ROOT / "build" / "bench"
BIN = Path(sys.executable).parent
SPACY_DIR = ROOT / "build" / "spacy" / "en_metro_dental"
SNAPSHOT_FILES = ("domain.yml", "config.yml", "credentials.yml", "endpoints.yml")
HELDOUT = Path("tests") / "nlu" / "heldout.yml"
CONFIGS = ("ours", "reference")
SEED = 8301
SEEDED = ("DIETClassifier", "ResponseSelector", "UnexpecTEDIntentPolicy", "TEDPolicy")
REFERENCE_ASSISTANT_ID = "bench-reference"


@dataclass(frozen=True)
class Plan:
    """How much to measure."""

    repetitions: int = 3
    # "1 conversation": patients one after another, each a conversation of len(load.MESSAGES).
    single_conversations: int = 12
    long_messages: int = 200
    c20_messages_each: int = 10
    c100_messages_each: int = 5
    warmup_messages: int = 8
    retrain_repetitions: int = 3
    phase_seconds: float = 300.0
    quick: bool = False
    # Smoke runs only: every component with `epochs` trains this many (None: as configured).
    epochs: Optional[int] = None


QUICK = Plan(repetitions=1, single_conversations=3, long_messages=40, c20_messages_each=3, c100_messages_each=2,
             warmup_messages=4, retrain_repetitions=1, phase_seconds=120.0, quick=True, epochs=3)


@dataclass
class Workspace:
    tmp: Path
    snapshot: Path
    logs: Path
    configs: dict[str, Path] = field(default_factory=dict)
    models: dict[str, Path] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- configurations ---------------------------------------------------------------------------

def rasa_default_config() -> dict[str, Any]:
    """The configuration Rasa 3.6 trains when config.yml is the one `rasa init` writes (its
    pipeline and policies are commented out, so Rasa fills in this file's, verbatim)."""
    path = resources.files("rasa.engine.recipes") / "config_files" / "default_config.yml"
    return yaml.safe_load(path.read_text())


def reference_config() -> dict[str, Any]:
    """Rasa's default, plus random_seed on its ML components and a fixed assistant_id (with the
    placeholder Rasa rewrites the file with a random one on every first training)."""
    config = rasa_default_config()
    config["assistant_id"] = REFERENCE_ASSISTANT_ID
    for component in config["pipeline"] + config["policies"]:
        if component["name"] in SEEDED:
            component["random_seed"] = SEED
    return config


def with_epochs(config: dict[str, Any], epochs: Optional[int]) -> dict[str, Any]:
    """The config with every `epochs` set to `epochs` (smoke runs), or unchanged."""
    if epochs is None:
        return config
    for component in (config.get("pipeline") or []) + (config.get("policies") or []):
        if "epochs" in component or component["name"] in SEEDED:
            component["epochs"] = epochs
    return config


def prepare(tmp: Path, plan: Plan) -> Workspace:
    """Copy what training and serving read, so both configurations see the same files."""
    ws = Workspace(tmp=tmp, snapshot=tmp / "project", logs=tmp / "logs")
    ws.logs.mkdir(parents=True)
    shutil.copytree(ROOT / "data", ws.snapshot / "data")
    for name in SNAPSHOT_FILES:
        shutil.copy2(ROOT / name, ws.snapshot / name)
    (ws.snapshot / HELDOUT).parent.mkdir(parents=True)
    shutil.copy2(ROOT / HELDOUT, ws.snapshot / HELDOUT)
    (ws.snapshot / "endpoints.reference.yml").write_text(REFERENCE_ENDPOINTS)
    (ws.snapshot / "credentials.reference.yml").write_text(REFERENCE_CREDENTIALS)
    ws.configs["ours"] = ws.snapshot / "config.yml"
    ws.configs["reference"] = ws.snapshot / "config.reference.yml"
    ws.configs["reference"].write_text(yaml.safe_dump(with_epochs(reference_config(), plan.epochs), sort_keys=False))
    if plan.epochs is not None:
        ours = yaml.safe_load(ws.configs["ours"].read_text())
        ws.configs["ours"].write_text(yaml.safe_dump(with_epochs(ours, plan.epochs), sort_keys=False))
    return ws


# --- processes --------------------------------------------------------------------------------

def base_env(extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The environment the project's services get (bot.run.service_env), for the benchmark."""
    env = {
        **os.environ,
        "LOG_LEVEL": "INFO",
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "TWILIO_AUTH_TOKEN": "bench-twilio-token",
        **(extra or {}),
    }
    settings = load_settings(env, dotenv=False)
    return service_env(settings, env)


def run_timed(cmd: list[str], env: Mapping[str, str], log_path: Path, timeout: float) -> tuple[float, int]:
    """Run a command to completion (bounded); its wall time and exit code."""
    with open(log_path, "ab") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = -9
        return time.perf_counter() - start, code


def stop(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process for {url} exited with code {proc.returncode}")
            try:
                if client.get(url).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s")


# --- 1. training ------------------------------------------------------------------------------

# The reference (Rasa's default configuration, with TED and a transformer DIET) trained in 1,898 s
# on one 2-core machine and was still at DIET's 69th epoch of 100 after 2,400 s on a slower one
# (2026-11-30), where that limit stopped the whole run: the limit only guards against a hang.
TRAINING_TIMEOUT_S = 3 * 3600


def reference_key(snapshot: Path, reference_config_text: str, epochs: Optional[int]) -> str:
    """What the reference's model depends on: its config, the domain, the training data, Rasa."""
    import rasa

    digest = hashlib.sha256()
    digest.update(f"rasa {rasa.__version__}\nepochs {epochs}\n".encode())
    digest.update(reference_config_text.encode())
    digest.update((snapshot / "domain.yml").read_bytes())
    for path in sorted(p for p in (snapshot / "data").rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(snapshot)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class CachedReference:
    """A reference model trained by an earlier run on the same inputs, with that run's figures."""

    directory: Path

    @property
    def model(self) -> Path:
        return self.directory / "reference.tar.gz"

    @property
    def record(self) -> Path:
        return self.directory / "training.json"

    def load(self) -> Optional[dict[str, Any]]:
        if not (self.model.exists() and self.record.exists()):
            return None
        try:
            return json.loads(self.record.read_text())
        except (OSError, ValueError):
            return None  # a half-written record: trained again

    def save(self, model: Path, figures: Mapping[str, Optional[float]], info: Mapping[str, str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        shutil.copy2(model, self.model)
        self.record.write_text(json.dumps({**figures, "trained": datetime.now().isoformat(timespec="seconds"),
                                           "commit": info.get("short commit", "")}, indent=1))


def reference_cache(ws: Workspace, plan: Plan) -> CachedReference:
    key = reference_key(ws.snapshot, ws.configs["reference"].read_text(), plan.epochs)
    return CachedReference(REFERENCE_CACHE / f"reference-{key}")


def train_or_reuse_reference(ws: Workspace, plan: Plan, info: Mapping[str, str], fresh: bool,
                             cache: Optional[CachedReference] = None) -> tuple[dict[str, Optional[float]], str]:
    """The reference's model and training figures, and how they were had (for the report):
    reused when an earlier run trained it on the same inputs, else trained and kept."""
    cache = cache or reference_cache(ws, plan)
    record = None if fresh else cache.load()
    if record is not None:
        ws.models["reference"] = cache.model
        how = (f"reused: trained on the same inputs by the run of {record.get('trained')} (commit "
               f"{record.get('commit')}); its training figures are that run's ({cache.directory.name})")
        log(f"reference: {how}")
        return {"train_scratch": record.get("train_scratch"), "train_nochange": record.get("train_nochange")}, how
    figures = train(ws, "reference", plan)
    cache.save(ws.models["reference"], figures, info)
    return figures, f"trained in this run, and kept for later runs on the same inputs ({cache.directory.name})"


def train(ws: Workspace, name: str, plan: Plan) -> dict[str, Optional[float]]:
    out = ws.tmp / f"models-{name}"
    env = base_env({"RASA_CACHE_DIRECTORY": str(ws.tmp / f"cache-{name}")})
    cmd = [str(BIN / "rasa"), "train", "--config", str(ws.configs[name]),
           "--domain", str(ws.snapshot / "domain.yml"), "--data", str(ws.snapshot / "data"),
           "--out", str(out), "--fixed-model-name", name]
    log(f"training {name} from scratch")
    seconds, code = run_timed(cmd, env, ws.logs / f"train-{name}.log", timeout=TRAINING_TIMEOUT_S)
    model = out / f"{name}.tar.gz"
    if code != 0 or not model.exists():
        why = f"timed out after {seconds:.0f} s" if code == -9 else f"exit {code}"
        raise RuntimeError(f"training {name} failed ({why}); see {ws.logs / f'train-{name}.log'}")
    ws.models[name] = model
    log(f"trained {name} in {seconds:.1f} s")
    retrains = []
    for i in range(plan.retrain_repetitions):
        log_path = ws.logs / f"retrain-{name}-{i}.log"
        again, code = run_timed(cmd, env, log_path, timeout=900)
        if code != 0:
            log(f"WARNING: no-change retrain of {name} exited with {code}")
        retrains.append(again)
    log(f"no-change retrain of {name}: {', '.join(f'{s:.1f}' for s in retrains)} s")
    return {"train_scratch": seconds, "train_nochange": aggregate([{"x": s} for s in retrains])["x"]}


# --- 2. held-out intent accuracy --------------------------------------------------------------

def intent_accuracy(ws: Workspace, name: str) -> Optional[float]:
    out = ws.tmp / f"nlu-{name}"
    cmd = [str(BIN / "rasa"), "test", "nlu", "--model", str(ws.models[name]),
           "--nlu", str(ws.snapshot / HELDOUT), "--out", str(out), "--no-plot"]
    log(f"rasa test nlu for {name}")
    seconds, code = run_timed(cmd, base_env(), ws.logs / f"test-nlu-{name}.log", timeout=1200)
    report = out / "intent_report.json"
    if code != 0 or not report.exists():
        log(f"WARNING: rasa test nlu for {name} failed (exit {code})")
        return None
    value = float(json.loads(report.read_text())["accuracy"])
    log(f"{name}: held-out intent accuracy {value:.4f} ({seconds:.0f} s)")
    return value


# --- 3. serving -------------------------------------------------------------------------------

@dataclass
class Actions:
    proc: subprocess.Popen
    url: str
    env_extra: dict[str, str]


def start_actions(ws: Workspace) -> Actions:
    port = free_port()
    extra = {
        "ACTION_PORT": str(port),
        "ACTION_SERVER_URL": f"http://localhost:{port}/webhook",
        "DATABASE_URL": f"sqlite:///{ws.tmp / 'actions.db'}",
    }
    env = base_env(extra)
    settings = load_settings(env, dotenv=False)
    from bot.store.db import create_all, make_engine

    engine = make_engine(settings.database_url)
    create_all(engine)
    engine.dispose()
    service = commands(settings, which=("actions",))[0]
    out = open(ws.logs / "actions.log", "ab")
    proc = subprocess.Popen(service.command, cwd=ROOT, env={**env, **service.env}, stdout=out, stderr=subprocess.STDOUT)
    wait_http(service.health_url, proc, timeout=180)
    log(f"action server up on port {port}")
    return Actions(proc, extra["ACTION_SERVER_URL"], {"ACTION_PORT": str(port), "ACTION_SERVER_URL": extra["ACTION_SERVER_URL"]})


# The reference is stock Rasa all the way: its own `rasa` command (no bot.speedups), its own SQL
# tracker store on the same kind of SQLite file, its own REST channel.
REFERENCE_ENDPOINTS = """\
action_endpoint:
  url: ${ACTION_SERVER_URL}
tracker_store:
  type: SQL
  dialect: sqlite
  db: ${BENCH_TRACKER_DB}
lock_store:
  type: in_memory
"""
REFERENCE_CREDENTIALS = "rest:\n"
SERVED_FILES = {
    "ours": {"--endpoints": "endpoints.yml", "--credentials": "credentials.yml"},
    "reference": {"--endpoints": "endpoints.reference.yml", "--credentials": "credentials.reference.yml"},
}


def rasa_command(ws: Workspace, name: str, settings: Any) -> tuple[list[str], dict[str, str]]:
    """bot.run's Rasa command with the snapshot's files and the model under test; the
    reference's with stock `rasa` and its stock endpoints and credentials."""
    service = commands(settings, ws.models[name], which=("rasa",))[0]
    cmd = list(service.command)
    if name == "reference":
        cmd = [str(BIN / "rasa"), *cmd[cmd.index("run"):]]
    for flag, file in SERVED_FILES[name].items():
        cmd[cmd.index(flag) + 1] = str(ws.snapshot / file)
    return cmd, service.env


def first_reply(url: str, proc: subprocess.Popen, started: float, timeout: float) -> float:
    """Seconds from `started` until the first REST message gets a reply (polling every 0.1 s)."""
    deadline = started + timeout
    sender = f"coldstart-{uuid.uuid4().hex[:8]}"
    with httpx.Client(timeout=120, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the Rasa server exited with code {proc.returncode} while starting")
            try:
                response = client.post(url, json={"sender": sender, "message": "hello"})
                if response.status_code == 200 and response.json():
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise TimeoutError(f"no reply within {timeout:.0f} s of start")


def answer_accuracy(url: str, ws: Workspace, max_seconds: float = 600) -> tuple[Optional[float], dict[str, int]]:
    """Fraction of held-out messages (fresh sender each) answered with the gold intent's answer."""
    expected = answers.load_expected(ws.snapshot)
    examples = answers.heldout_examples(ws.snapshot / HELDOUT)
    right, misses = 0, {}
    deadline = time.monotonic() + max_seconds
    with httpx.Client(timeout=60, trust_env=False) as client:
        for done, (intent, text) in enumerate(examples):
            if time.monotonic() > deadline:
                log(f"WARNING: answer accuracy stopped after {done} of {len(examples)} messages (time)")
                examples = examples[:done]
                break
            try:
                reply = answers.first_text(load.ask(client, url, f"acc-{uuid.uuid4().hex[:10]}", text))
            except httpx.HTTPError:
                reply = None
            if answers.matches(reply, expected.get(intent, [])):
                right += 1
            else:
                misses[intent] = misses.get(intent, 0) + 1
    return (right / len(examples) if examples else None), misses


def load_figures(prefix: str, result: load.LoadResult) -> dict[str, Optional[float]]:

    summary = latency_summary(result.durations)
    figures = {f"{prefix}_{k}": v for k, v in summary.items()}
    figures[f"{prefix}_rate"] = result.rate
    figures[f"{prefix}_errors"] = float(result.errors + (result.planned - result.sent))
    return figures


@dataclass
class RasaServer:
    proc: subprocess.Popen
    url: str
    started: float
    log: Any

    def stop(self) -> None:
        stop(self.proc)
        self.log.close()


def start_rasa(ws: Workspace, actions: Actions, name: str, tag: str) -> RasaServer:
    """`rasa run` for model `name` on a free port with a fresh SQLite tracker database."""
    port = free_port()
    db = ws.tmp / f"tracker-{name}-{tag}.db"
    env = base_env({**actions.env_extra, "RASA_PORT": str(port), "DATABASE_URL": f"sqlite:///{db}",
                    "BENCH_TRACKER_DB": str(db),
                    "RASA_URL": f"http://localhost:{port}",
                    "SMS_PUBLIC_URL": f"http://localhost:{port}/webhooks/sms/webhook"})
    settings = load_settings(env, dotenv=False)
    from bot.store.db import create_all, make_engine

    engine = make_engine(settings.database_url)
    create_all(engine)
    engine.dispose()
    cmd, extra_env = rasa_command(ws, name, settings)
    out = open(ws.logs / f"rasa-{name}-{tag}.log", "ab")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**env, **extra_env}, stdout=out, stderr=subprocess.STDOUT)
    return RasaServer(proc, f"http://localhost:{port}/webhooks/rest/webhook", started, out)


def run_order(rep: int) -> tuple[str, ...]:
    """The configurations in the order repetition `rep` (from 0) serves them: ABBA across repetitions."""
    return CONFIGS if rep % 2 == 0 else tuple(reversed(CONFIGS))


def order_description(repetitions: int) -> str:
    """The order of every repetition, for the report ("run 1: ours, reference; run 2: reference, ours")."""
    return "; ".join(f"run {rep + 1}: {', '.join(run_order(rep))}" for rep in range(repetitions))


def serve_once(ws: Workspace, actions: Actions, name: str, rep: int, plan: Plan,
               with_accuracy: bool) -> tuple[dict[str, Optional[float]], dict[str, Any]]:
    figures: dict[str, Optional[float]] = {}
    details: dict[str, Any] = {}
    server = start_rasa(ws, actions, name, str(rep))
    proc, url = server.proc, server.url
    try:
        figures["cold_start"] = first_reply(url, proc, server.started, timeout=300)
        log(f"{name} #{rep + 1}: cold start {figures['cold_start']:.1f} s (pid {proc.pid})")
        if with_accuracy:
            figures["answer_accuracy"], details["answer_misses"] = answer_accuracy(url, ws)
            log(f"{name}: answer accuracy {figures['answer_accuracy']:.4f}, misses {details['answer_misses']}")
        load.run_load(url, load.conversation_plan(1, plan.warmup_messages), "warmup", max_seconds=120)
        one_by_one = load.conversation_plan(plan.single_conversations, len(load.MESSAGES))
        phases = (
            ("single", None),
            ("long", load.conversation_plan(1, plan.long_messages)),
            ("c20", load.conversation_plan(20, plan.c20_messages_each)),
            ("c100", load.conversation_plan(100, plan.c100_messages_each)),
        )
        for prefix, conversations in phases:
            if conversations is None:
                result = load.run_sequentially(url, one_by_one, f"{prefix}-{name}", max_seconds=plan.phase_seconds)
            else:
                result = load.run_load(url, conversations, f"{prefix}-{name}", max_seconds=plan.phase_seconds)
            if prefix == "long":
                # How a turn's cost grows with the conversation: its last 40 messages.
                figures["long_last40_p50"] = latency_summary(result.durations[-40:])["p50"]
            figures.update(load_figures(prefix, result))
            details[prefix] = {"answered": len(result.durations), "planned": result.planned,
                               "errors": result.errors, "error_kinds": result.error_kinds,
                               "wall_s": round(result.wall_seconds, 2), "timed_out": result.timed_out}
            log(f"{name} #{rep + 1} {prefix}: p50 {figures[prefix + '_p50'] or 0:.1f} ms, "
                f"p95 {figures[prefix + '_p95'] or 0:.1f} ms, {figures[prefix + '_rate'] or 0:.1f} msg/s, "
                f"errors {figures[prefix + '_errors']:.0f}")
        figures["peak_rss"] = machine.peak_rss_mb(proc.pid)
        log(f"{name} #{rep + 1}: peak RSS {figures['peak_rss'] or 0:.0f} MB")
    except (RuntimeError, TimeoutError) as exc:
        log(f"ERROR: {name} #{rep + 1}: {exc}")
        details["error"] = str(exc)
    finally:
        server.stop()
    return figures, details


# --- 4. the report ----------------------------------------------------------------------------

def render(results: Mapping[str, Mapping[str, Optional[float]]], runs: Mapping[str, list], plan: Plan,
           info: Mapping[str, str], load_before: str, load_after: str, started: datetime,
           seconds: float, details: Mapping[str, Any]) -> tuple[str, str]:
    table = markdown_table(table_rows(results["ours"], results["reference"]))
    reps = f"median of {plan.repetitions} runs" if plan.repetitions > 1 else "1 run"
    lines = [
        f"# make bench — {started:%Y-%m-%d %H:%M} — commit {info['short commit']}"
        + (" (quick smoke run)" if plan.quick else ""),
        "",
        *([f"**Smoke run: every ML component trained {plan.epochs} epochs; training times and accuracies "
           "are not comparable with a full run.**", ""] if plan.epochs is not None else []),
        table,
        "",
        "## How it was measured",
        "",
        f"- Same data for both (snapshot of data/, domain.yml at the start of the run). **ours**: the project as "
        "`make run` serves it: config.yml (project spaCy pipeline, DIET without transformer, "
        "PatternSafeguards, Memoization + RulePolicy), `python -m bot.rasa_server` (Rasa with "
        "bot/speedups.py), endpoints.yml (bot.store.tracker.UrlSQLTrackerStore with its event cache) and "
        "credentials.yml. **reference**: stock Rasa — the `rasa run` command, Rasa's own SQL tracker store "
        "(`type: SQL`, dialect sqlite) and REST channel, and Rasa 3.6's default configuration — what `rasa init`'s config.yml trains with "
        "(rasa/engine/recipes/config_files/default_config.yml, verbatim) — plus "
        f"`random_seed: {SEED}` on DIETClassifier, ResponseSelector, UnexpecTEDIntentPolicy and TEDPolicy "
        f"for reproducibility, and `assistant_id: {REFERENCE_ASSISTANT_ID}`.",
        f"- Latency, throughput, cold start and peak memory: {reps}, each on a freshly started Rasa server "
        "(fresh SQLite tracker database, free port); which configuration runs first alternates across "
        f"repetitions, ABBA ({order_description(plan.repetitions)}), so background load weighs on both alike; "
        "the same action server "
        "for both. Latency is the client-side REST round trip (POST /webhooks/rest/webhook until the reply "
        "is read), with the load generator (asyncio + httpx) on the same machine.",
        f"- 1 conversation: {plan.single_conversations} conversations of {len(load.MESSAGES)} messages, "
        "one conversation after the other and one message at a time (one patient at a time; a whole "
        "screening is about 20 messages). Long conversation: one conversation of "
        f"{plan.long_messages} messages (p50 of all, and of its last 40: Rasa replays the session's "
        "whole history on every turn, so a turn's cost grows with the conversation). "
        f"20 concurrent: 20 conversations x {plan.c20_messages_each} messages; 100 concurrent: "
        f"100 x {plan.c100_messages_each}; each conversation sends its next message when the previous "
        f"one is answered. Messages: {len(load.MESSAGES)} mixed FAQ questions, greetings, thanks and "
        "questions the page does not answer (benchmarks/load.py). messages/s = answered messages / wall "
        "time; errors = non-200 replies, failed requests and messages not sent before the phase's "
        f"{plan.phase_seconds:.0f} s limit, summed over runs.",
        "- Cold start: from starting `rasa run` to the first answered REST message (model loading, "
        "imports, first prediction, and the action server's session start). Peak memory: VmHWM of the "
        "Rasa server process from /proc/<pid>/status after the load.",
        f"- Reference model: {details.get('reference', {}).get('model', 'trained in this run')}.",
        f"- Training from scratch: wall time of `rasa train` with an empty Rasa cache, 1 run. No-change "
        f"retrain: `rasa train` again into the same output directory ({plan.retrain_repetitions} "
        "run(s), median): Rasa's fingerprints hit its cache for every component, so nothing is trained "
        "again; the time is start-up, fingerprinting, loading from the cache and packaging the model.",
        "- Intent accuracy: `rasa test nlu --nlu tests/nlu/heldout.yml` (never used for training). "
        "Answer accuracy: the same messages through the REST channel, one fresh conversation each; right "
        "when the bot's first text starts with the first 40 characters (placeholders filled by anything) of "
        "a response the gold intent's rule gives (benchmarks/answers.py). Two pairs of answers share their "
        "first 40 characters (faq_conditions/faq_effectiveness, affirm/show_menu; deny/stop), so "
        "confusing them is not counted.",
        "",
        "## Machine",
        "",
        *(f"- {k}: {v}" for k, v in info.items() if k != "short commit"),
        f"- load average (1, 5, 15 min) at start: {load_before}; at end: {load_after} "
        "(other work on the machine shares the 2 cores)",
        f"- TF threads: intra-op {os.environ.get('TF_INTRA_OP_PARALLELISM_THREADS', '(default)')}, "
        f"inter-op {os.environ.get('TF_INTER_OP_PARALLELISM_THREADS', '(default)')}",
        f"- whole benchmark: {seconds / 60:.1f} min",
        "",
        "## Every run",
        "",
    ]
    for name in CONFIGS:
        for i, run in enumerate(runs[name]):
            shown = ", ".join(f"{k} {v:.4g}" for k, v in run.items() if v is not None)
            lines.append(f"- {name} #{i + 1}: {shown}")
    lines += ["", "## Details", "", "```json", json.dumps(details, indent=1, sort_keys=True), "```", ""]
    return table, "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer messages, one repetition (smoke run)")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory (models, logs)")
    parser.add_argument("--fresh-reference", action="store_true",
                        help="train the reference again even when an earlier run trained it on the same inputs")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else Plan()
    if not (SPACY_DIR / "meta.json").exists():
        print(f"No spaCy pipeline at {SPACY_DIR}: run `make spacy` first.", file=sys.stderr)
        return 1
    started, t0 = datetime.now(), time.monotonic()
    load_before = machine.load_average()
    info = machine.description(ROOT)
    tmp = Path(tempfile.mkdtemp(prefix="metro-bench-"))
    log(f"working in {tmp} ({'quick' if plan.quick else 'full'} run)")
    ws = prepare(tmp, plan)
    results: dict[str, dict[str, Optional[float]]] = {name: {} for name in CONFIGS}
    runs: dict[str, list] = {name: [] for name in CONFIGS}
    details: dict[str, Any] = {name: {} for name in CONFIGS}
    actions: Optional[Actions] = None
    try:
        results["ours"].update(train(ws, "ours", plan))
        reference_figures, reference_how = train_or_reuse_reference(ws, plan, info, fresh=args.fresh_reference)
        results["reference"].update(reference_figures)
        details["reference"]["model"] = reference_how
        for name in CONFIGS:
            results[name]["intent_accuracy"] = intent_accuracy(ws, name)
        actions = start_actions(ws)
        for rep in range(plan.repetitions):
            for name in run_order(rep):
                figures, rep_details = serve_once(ws, actions, name, rep, plan, with_accuracy=rep == 0)
                runs[name].append(figures)
                details[name][f"run {rep + 1}"] = rep_details
        for name in CONFIGS:
            served = aggregate(runs[name], summed=("c20_errors", "c100_errors", "single_errors", "long_errors"))
            results[name].update(served)
    finally:
        if actions is not None:
            stop(actions.proc)
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    table, document = render(results, runs, plan, info, load_before, machine.load_average(), started,
                             time.monotonic() - t0, details)
    print()
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"{started:%Y-%m-%d}-{info['short commit']}{'-quick' if plan.quick else ''}.md"
    (RESULTS / name).write_text(document)
    written = [RESULTS / name]
    if not plan.quick:
        (RESULTS / "latest.md").write_text(document)
        written.append(RESULTS / "latest.md")
    print("\nwritten: " + ", ".join(str(p.relative_to(ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
