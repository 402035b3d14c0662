"""`make bench`: build large synthetic data and print the figures docs/performance.md records.

Runs on a throw-away SQLite database under a temporary directory, or on PostgreSQL when
DATABASE_URL is set (the database it names is emptied first: use one made for benchmarks).

    make bench                                  # 100,000 pledges on SQLite
    make bench BENCH_ARGS="--pledges 1000000"   # one million
    DATABASE_URL=postgres://postgres@127.0.0.1/p2c_bench make bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def p2c(*args: str, env: dict[str, str]) -> float:
    """Run one `p2c` command in a child process; return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "p2c.cli", *args], env=env, check=True)  # noqa: S603 - our own command
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="p2c-bench-"))
    env = {**os.environ, "P2C_VAR_DIR": str(var_dir)}
    database = env.get("DATABASE_URL", "SQLite (embedded default)").split("@")[-1]
    if "DATABASE_URL" in env:
        p2c("flush", "--no-input", env=env)
    p2c("migrate", "--no-input", "-v", "0", env=env)
    p2c("load-reference-data", env=env)
    seconds = p2c("demo-data", "--pledges", str(options.pledges), "--seed", str(options.seed), env=env)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print()
    print(f"Benchmark {dt.date.today():%Y-%m-%d} on {database}, {os.cpu_count()} cores")  # noqa: DTZ011
    print("| measure | value |")
    print("|---|---|")
    print(f"| demo data: {options.pledges:,} pledges | {seconds:.1f} s ({options.pledges / seconds:,.0f} pledges/s) |")
    print(f"| peak memory of the largest step | {peak_mb:,.0f} MB |")
    print(f"(data left in {var_dir})")


if __name__ == "__main__":
    main()
