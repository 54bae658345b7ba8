"""The bench keeps stock Rasa's model and reuses it only when what it was trained on is the same."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Optional

import pytest

from benchmarks import run
from benchmarks.run import CachedReference, Plan, Workspace, reference_key, render, train_or_reuse_reference


def snapshot(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "data" / "nlu" / "faq.yml").write_text("nlu: []\n")
    (root / "domain.yml").write_text("version: '3.1'\n")
    return root


def test_the_key_follows_the_data_the_domain_the_config_and_the_epochs(tmp_path: Path) -> None:
    root = snapshot(tmp_path)
    key = reference_key(root, "pipeline: []", None)
    assert reference_key(root, "pipeline: []", None) == key
    assert reference_key(root, "pipeline: [x]", None) != key
    assert reference_key(root, "pipeline: []", 3) != key
    (root / "domain.yml").write_text("version: '3.1'\nintents: [greet]\n")
    assert reference_key(root, "pipeline: []", None) != key
    key = reference_key(root, "pipeline: []", None)
    (root / "data" / "nlu" / "more.yml").write_text("nlu: []\n")  # a file added
    assert reference_key(root, "pipeline: []", None) != key
    key = reference_key(root, "pipeline: []", None)
    (root / "data" / "nlu" / "more.yml").rename(root / "data" / "nlu" / "renamed.yml")  # same bytes, moved
    assert reference_key(root, "pipeline: []", None) != key


class FakeTraining:
    """Stands in for `rasa train` (half an hour of the machine): writes a model, counts the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ws: Workspace, name: str, plan: Plan) -> dict[str, Optional[float]]:
        self.calls += 1
        model = ws.tmp / f"models-{name}" / f"{name}.tar.gz"
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_bytes(b"model %d" % self.calls)
        ws.models[name] = model
        return {"train_scratch": 1800.0 + self.calls, "train_nochange": 40.0}


def test_the_reference_is_trained_once_then_reused_until_asked_fresh(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    training = FakeTraining()
    monkeypatch.setattr(run, "train", training)
    cache = CachedReference(tmp_path / "cache" / "reference-abc")
    info = {"short commit": "abc1234"}

    def fresh_workspace(name: str) -> Workspace:
        return Workspace(tmp=tmp_path / name, snapshot=tmp_path / name / "project", logs=tmp_path / name / "logs")

    first = fresh_workspace("run1")
    figures, how = train_or_reuse_reference(first, Plan(), info, fresh=False, cache=cache)
    assert training.calls == 1 and figures["train_scratch"] == 1801.0 and "trained in this run" in how
    assert cache.model.read_bytes() == b"model 1"

    second = fresh_workspace("run2")
    figures, how = train_or_reuse_reference(second, Plan(), info, fresh=False, cache=cache)
    assert training.calls == 1, "reused, not trained again"
    assert second.models["reference"] == cache.model
    assert figures == {"train_scratch": 1801.0, "train_nochange": 40.0}
    assert "reused" in how and "abc1234" in how

    third = fresh_workspace("run3")
    figures, _ = train_or_reuse_reference(third, Plan(), info, fresh=True, cache=cache)
    assert training.calls == 2 and figures["train_scratch"] == 1802.0
    assert cache.model.read_bytes() == b"model 2"


def test_a_half_written_record_means_training_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    training = FakeTraining()
    monkeypatch.setattr(run, "train", training)
    cache = CachedReference(tmp_path / "reference-abc")
    cache.directory.mkdir()
    cache.model.write_bytes(b"old")
    cache.record.write_text('{"train_scr')
    ws = Workspace(tmp=tmp_path / "run", snapshot=tmp_path / "run" / "project", logs=tmp_path / "run" / "logs")
    train_or_reuse_reference(ws, Plan(), {}, fresh=False, cache=cache)
    assert training.calls == 1


def test_the_report_says_where_the_reference_came_from() -> None:
    how = "reused: trained on the same inputs by the run of 2026-12-01T01:15:33 (commit abc1234)"
    _, document = render({"ours": {}, "reference": {}}, {"ours": [], "reference": []}, Plan(),
                         {"short commit": "abc1234"}, "0.1", "0.2", datetime(2026, 12, 1), 60.0,
                         {"reference": {"model": how}})
    assert f"- Reference model: {how}." in document
