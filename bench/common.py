"""Shared benchmark plumbing: a fresh PostgreSQL database, timing with medians, and the report table.

This machine's speed drifts by up to 2x between runs, so every figure is printed next to a baseline
measured in the same run, and the ratio is what a benchmark claims."""

from __future__ import annotations

import os
import platform
import re
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def fresh_postgres(name: str) -> str:
    """Drop and create database `name` on the local server; returns its SQLAlchemy URL."""
    url = existing_postgres(name)
    base, db = url.rsplit("/", 1)
    admin = create_engine(f"{base}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    admin.dispose()
    return url


def existing_postgres(name: str) -> str:
    """The URL of database `name` on the local server, as `fresh_postgres` names it, left as it is."""
    return os.environ.get("LIANFANG_BENCH_DATABASE_URL") or DEFAULT_PG.format(name=name)


def median_ms(fn: Callable[[], object], runs: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def wrk(
    port: int, script: Path, seconds: int, connections: int = 64, timeout: str = "", slack: int = 60
) -> dict[str, float]:
    """One wrk run (1 thread) of a Lua `script` against 127.0.0.1:`port`: requests/s, p99 in ms, failed
    requests (non-2xx, plus timeouts when a `timeout` is given) and the request count."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    args += ["--timeout", timeout] if timeout else []
    out = subprocess.run(
        [*args, "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + slack,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out) if timeout else None
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = (float(errors.group(1)) if errors else 0.0) + (float(timeouts.group(1)) if timeouts else 0.0)
    return {
        "rps": rps,
        "p99": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "errors": failed,
        "total": float(total),
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Report:
    title: str
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, baseline: float | None = None) -> None:
        ratio = f"{value / baseline:.2f}x" if baseline else ""
        self.rows.append((name, f"{value:,.1f}", unit, ratio))

    def note(self, name: str, text_value: str) -> None:
        self.rows.append((name, text_value, "", ""))

    def print(self) -> None:
        print(f"\n## {self.title}")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d %H:%M')}"
        )
        width = max(len(r[0]) for r in self.rows) if self.rows else 10
        print(f"{'figure':<{width}}  {'value':>14}  {'unit':<10}  ratio to baseline")
        for name, value, unit, ratio in self.rows:
            print(f"{name:<{width}}  {value:>14}  {unit:<10}  {ratio}")
