"""`make bench`: build large synthetic data and print the figures docs/performance.md records.

Runs on a throw-away SQLite database under a temporary directory, or on PostgreSQL when
DATABASE_URL is set (the database it names is emptied first: use one made for benchmarks).

    make bench                                       # 134,000 pledges (100,000+ published) on SQLite
    make bench BENCH_ARGS="--pledges 1000000"        # one million
    make bench BENCH_ARGS="--reuse /tmp/p2c-bench-x" # time the pages again on data built before
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

sys.path.insert(0, str(Path(__file__).resolve().parent))


def p2c(*args: str) -> float:
    """Run one `p2c` command in a child process; return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "p2c.cli", *args], check=True)  # noqa: S603 - our own command
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # The demo generator publishes three pledges in four (the rest are drafts, under review,
    # rejected or withdrawn, as on the real platform): 134,000 gives 100,702 published with seed 1.
    parser.add_argument("--pledges", type=int, default=134_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page kind (at least 50)")
    parser.add_argument("--reuse", type=Path, help="a var directory from an earlier SQLite run: skip building data")
    parser.add_argument("--only", choices=["dashboard"], help="time only the dashboard's rows")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the explorer, country and pledge pages (no dashboard, no download)",
    )
    options = parser.parse_args()

    var_dir = options.reuse or Path(tempfile.mkdtemp(prefix="p2c-bench-"))
    os.environ["P2C_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    database = os.environ.get("DATABASE_URL", "SQLite (embedded default)").split("@")[-1]
    rows: list[tuple[str, str]] = []
    if not options.reuse:
        p2c("migrate", "--no-input", "-v", "0")
        if "DATABASE_URL" in os.environ:
            p2c("flush", "--no-input")  # a benchmark database: start from nothing
        p2c("load-reference-data")
        seconds = p2c("demo-data", "--pledges", str(options.pledges), "--seed", str(options.seed))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rate = options.pledges / seconds
        rows.append((f"demo data: {options.pledges:,} pledges", f"{seconds:.1f} s ({rate:,.0f} pledges/s)"))
        rows.append(("demo data: peak memory", f"{peak_mb:,.0f} MB"))

    p2c("collectstatic", "--no-input", "-v", "0")  # pages are served as in production: hashed static names
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
    import django

    django.setup()
    from timings import page_timings

    from p2c.core.warmup import process_warm_up

    process_warm_up()  # as p2c.wsgi does in every web process

    from p2c.pledges.selectors import published_pledges

    published = published_pledges().count()
    if options.only == "dashboard":
        from timings import dashboard_timings

        timings = dashboard_timings(requests=max(50, options.requests))
    else:
        timings = page_timings(requests=max(50, options.requests), seed=options.seed, dashboard=not options.pages_only)
    from downloads import download_timing, report

    # The full CSV download through gunicorn (bench/downloads.py).
    download = None if options.pages_only or options.only else download_timing()

    print()
    today = dt.datetime.now(tz=dt.UTC).date()
    print(f"Benchmark {today:%Y-%m-%d} on {database}, {os.cpu_count()} cores, {published:,} published pledges")
    print()
    print("| measure | value |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print()
    print("| server time | requests | p50 | p95 | target p95 | |")
    print("|---|---:|---:|---:|---:|---|")
    for t in timings:
        target = f"≤ {t.target_p95:.0f} ms" if t.target_p95 else ""
        print(f"| {t.name} | {t.requests} | {t.p50:.1f} ms | {t.p95:.1f} ms | {target} | {t.verdict} |")
    print()
    if download is not None:
        print("\n".join(report(download)))
    print(f"\n(data in {var_dir}; rerun the timings with BENCH_ARGS='--reuse {var_dir}')")


if __name__ == "__main__":
    main()
