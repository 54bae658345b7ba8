"""What the figures were measured on: the machine, the versions and the commit."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Optional


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total_mb() -> Optional[int]:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return None


def load_average() -> str:
    parts = _read("/proc/loadavg").split()
    return " ".join(parts[:3]) if parts else "unknown"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def commit(root: Path) -> tuple[str, str, bool]:
    """(full hash, short hash, working tree has uncommitted changes)."""
    full = git(root, "rev-parse", "HEAD") or "unknown"
    short = git(root, "rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(git(root, "status", "--porcelain", "--untracked-files=no"))
    return full, short, dirty


def peak_rss_mb(pid: int) -> Optional[float]:
    """VmHWM (peak resident set size) of a running process, in MB (psutil is not installed)."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def description(root: Path) -> dict[str, str]:
    full, short, dirty = commit(root)
    return {
        "cpus (nproc)": str(len(os.sched_getaffinity(0))),
        "cpu model": cpu_model(),
        "memory": f"{memory_total_mb()} MB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "rasa": version("rasa"),
        "tensorflow": version("tensorflow"),
        "spacy": version("spacy"),
        "git commit": full + (" (with uncommitted changes in tracked files)" if dirty else ""),
        "short commit": short,
    }
