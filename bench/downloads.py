"""The bulk CSV download of every published pledge, through the real web server (issue 7, point 3).

Starts gunicorn as ``p2c run`` does (``p2c.wsgi:application``, here one worker with one thread, so
that one process serves the download) on the benchmark's database, downloads
``/pledges/download.csv`` over a plain HTTP/1.0 socket in 1 MB reads, and records the time to the first
and to the last byte, and the worker's peak resident memory (``VmHWM`` in ``/proc/<pid>/status``,
Linux only) with its anonymous and file-backed parts at the end, and the CPU time the worker
spent (less sensitive than the wall time to other work on the machine). Targets: the whole download
within 10 s, the server process under 300 MB.

    python bench/downloads.py /tmp/p2c-bench-xyz             # a var directory made by `make bench`
    python bench/downloads.py /tmp/p2c-bench-xyz --runs 5    # five downloads, each with the load average
    DATABASE_URL=postgres://postgres@127.0.0.1/p2c_bench python bench/downloads.py --runs 5

The machine's load average is printed with each run: on a shared machine, compare timings made
under similar load only.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_SECONDS = 10.0
TARGET_MB = 300.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class DownloadTiming:
    """One full download: how long, how big, and the serving process's memory."""

    rows: int
    megabytes: float
    first_byte_s: float
    last_byte_s: float
    cpu_s: float | None  # CPU seconds the worker spent on the download (user + system)
    peak_rss_mb: float | None  # VmHWM of the worker after the download
    rss_before_mb: float | None  # VmRSS after a warm-up request, before the download
    anon_mb: float | None  # RssAnon at the end: the process's own memory
    file_mb: float | None  # RssFile at the end: pages of files it maps (code, the SQLite database)

    @property
    def verdict(self) -> str:
        fast = self.last_byte_s <= TARGET_SECONDS
        small = self.peak_rss_mb is not None and self.peak_rss_mb < TARGET_MB
        return "meets targets" if fast and small else "MISSES target"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status_mb(pid: int) -> dict[str, float]:
    """The memory lines of ``/proc/<pid>/status`` in MB (empty where there is no /proc)."""
    found: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return found
    for line in text.splitlines():
        key, _sep, value = line.partition(":")
        if key in {"VmHWM", "VmRSS", "RssAnon", "RssFile"}:
            found[key] = int(value.split()[0]) / 1024
    return found


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` so far (``/proc/<pid>/stat``), or ``None``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker_pid(master: int) -> int:
    """Gunicorn's single worker: the master's child process."""
    for _ in range(100):
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            return master
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def _get(url: str, *, timeout: float = 120) -> tuple[int, int, float, float]:
    """GET ``url`` over a plain socket (HTTP/1.0: no chunked encoding to decode) reading 1 MB at a time.

    Returns (body bytes, CRLFs in the body, seconds to its first byte, seconds to its last).
    urllib took twice as long as the server to read a 93 MB body on the 2-core machine, competing
    with it for the CPU; this client costs next to nothing.
    """
    host, _sep, rest = url.removeprefix("http://").partition("/")
    name, _colon, port = host.partition(":")
    started = time.perf_counter()
    first = 0.0
    size = rows = 0
    header, in_header = b"", True
    previous = b""
    with socket.create_connection((name, int(port or 80)), timeout=timeout) as sock:
        sock.sendall(f"GET /{rest} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        while block := sock.recv(1 << 20):
            if in_header:
                header += block
                if b"\r\n\r\n" not in header:
                    continue
                head, _end, block = header.partition(b"\r\n\r\n")
                if not head.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")):
                    raise RuntimeError(head.decode(errors="replace"))
                in_header = False
            if block and not first:
                first = time.perf_counter() - started
            size += len(block)
            rows += (previous[-1:] + block).count(b"\r\n")  # a CRLF may straddle two blocks
            previous = block or previous
    return size, rows, first, time.perf_counter() - started


def download_timing(*, path: str = "/pledges/download.csv") -> DownloadTiming:
    """Serve the database named by the environment (``P2C_VAR_DIR`` / ``DATABASE_URL``) and time one download."""
    port = _free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            sys.executable,
            "-m",
            "gunicorn",
            "p2c.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "1",
            "--timeout",
            "300",
            "--no-control-socket",
        ],  # fmt: skip
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                _get(f"{base}/health/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        worker = _worker_pid(server.pid)
        _get(f"{base}{path.partition('?')[0]}?country=KE")  # warm up: code loaded, reference data cached
        before = _status_mb(worker).get("VmRSS")
        cpu_before = _cpu_seconds(worker)
        size, lines, first, last = _get(f"{base}{path}")
        cpu_after = _cpu_seconds(worker)
        memory = _status_mb(worker)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return DownloadTiming(
        rows=lines - 1,  # CRLF ends a row; line breaks inside descriptions are bare LFs
        megabytes=size / 1e6,
        first_byte_s=first,
        last_byte_s=last,
        cpu_s=None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
        peak_rss_mb=memory.get("VmHWM"),
        rss_before_mb=before,
        anon_mb=memory.get("RssAnon"),
        file_mb=memory.get("RssFile"),
    )


def report(timing: DownloadTiming) -> list[str]:
    """The lines `make bench` prints (a markdown table)."""
    mb = lambda v: "n/a" if v is None else f"{v:,.0f} MB"  # noqa: E731
    return [
        "| full CSV download (gunicorn, 1 worker) | value | target | |",
        "|---|---:|---:|---|",
        f"| rows · size | {timing.rows:,} · {timing.megabytes:,.1f} MB | | |",
        f"| time to first byte | {timing.first_byte_s:.2f} s | | |",
        f"| time to last byte | {timing.last_byte_s:.2f} s | ≤ {TARGET_SECONDS:.0f} s | {timing.verdict} |",
        f"| worker CPU time for it | {'n/a' if timing.cpu_s is None else f'{timing.cpu_s:.2f} s'} | | |",
        f"| worker peak RSS (VmHWM) | {mb(timing.peak_rss_mb)} | < {TARGET_MB:.0f} MB | |",
        f"| worker RSS before · anonymous · file-backed at the end | {mb(timing.rss_before_mb)} · "
        f"{mb(timing.anon_mb)} · {mb(timing.file_mb)} | | |",
    ]


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("var_dir", nargs="?", help="the var directory of a SQLite benchmark database")
    parser.add_argument("--runs", type=int, default=1, help="downloads to time, one after the other")
    parser.add_argument("--path", default="/pledges/download.csv", help="what to download (with its query)")
    options = parser.parse_args()
    if options.var_dir:
        os.environ["P2C_VAR_DIR"] = options.var_dir
    if options.runs == 1:
        print("\n".join(report(download_timing(path=options.path))))
        return
    print("| run | load average before | time to last byte | worker CPU | worker peak RSS | rows · size |")
    print("|---:|---|---:|---:|---:|---|")
    for run in range(1, options.runs + 1):
        load = _load_average()
        t = download_timing(path=options.path)
        cpu = "n/a" if t.cpu_s is None else f"{t.cpu_s:.2f} s"
        rss = "n/a" if t.peak_rss_mb is None else f"{t.peak_rss_mb:,.0f} MB"
        print(f"| {run} | {load} | {t.last_byte_s:.2f} s | {cpu} | {rss} | {t.rows:,} · {t.megabytes:,.1f} MB |")


if __name__ == "__main__":
    main()
