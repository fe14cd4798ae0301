"""Load on the web app: many concurrent readers of the records list and the dashboard, on SQLite with the example.

Run:  python bench/bench_web_load.py [--db demo/tollbook.db] [--readers 200] [--requests 2000] [--workers 1]
      [--think 0]  (--think S: each reader pauses S seconds on average before each request, as people do)
      [--client wrk]  (back to back only: wrk, a load generator written in C, as --readers connections)
The server (`tollbook serve`, --workers processes) and the readers (asyncio + httpx, another process) both run on
this machine and talk over loopback only; the run is bounded by --requests per page and --seconds. Without --db
the example is built first (`tollbook demo` into a temporary folder). Prints p50/p99 latency and throughput per
page, and the server's CPU milliseconds per request (from /proc, so Linux only; "-" elsewhere): unlike latency,
that figure hardly depends on what else the machine runs, and 1000 / it is the requests per second one core
could serve. Back to back, the Python readers themselves are the limit (about 200 requests a second from one
asyncio process, while the server is mostly idle); `--client wrk` (Debian's wrk) drives the same pages with
--readers connections for --seconds each and reports its latency distribution.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from common import print_table

HOST = "127.0.0.1"  # loopback only: this script never talks to another machine
PAGES = {"records list": "/records?per_page=50", "dashboard": "/", "records API": "/api/records?per_page=50"}
USER, PASSWORD = "bench-reader", "bench reader password"


def prepare_database(source: Path | None, folder: Path) -> str:
    """A migrated copy of the example database with a viewer account; the example is built when not given."""
    target = folder / "bench.db"
    if source is None:
        subprocess.run([sys.executable, "-m", "tollbook", "demo", "--out", str(folder / "demo")], check=True,
                       stdout=subprocess.DEVNULL)
        source = folder / "demo" / "tollbook.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    subprocess.run([sys.executable, "-m", "tollbook", "init", "--db", url], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "tollbook", "users", "add", USER, "--role", "viewer", "--password-stdin",
                    "--db", url], input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
    return url


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    """`tollbook serve` on loopback, waited for until it answers."""
    env = os.environ | {"TOLLBOOK_SECRET_KEY": "bench-secret-key"}
    command = [sys.executable, "-m", "tollbook", "serve", "--db", url, "--host", HOST, "--port", str(port)]
    server = subprocess.Popen(command + (["--workers", str(workers)] if workers > 1 else []), env=env,
                              stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/login", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process and its children (the workers), from /proc; None without it."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
            found = True
    return total / tick if found else None


def sign_in(base: str) -> dict[str, str]:
    """The session cookie of the viewer account."""
    with httpx.Client(base_url=base) as client:
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"name": USER, "password": PASSWORD, "csrf_token": token})
        return {"tollbook_session": client.cookies["tollbook_session"]}


async def load(base: str, path: str, cookies: dict[str, str], readers: int, requests: int,
               seconds: float, think: float = 0.0) -> tuple[list[float], Counter, float]:
    """`readers` concurrent clients fetch `path` until `requests` are done or `seconds` pass, each pausing a
    random time (exponential, mean `think` seconds; 0: back to back) before each request; errors are counted by
    status code or exception name."""
    pauses = random.Random(1)
    latencies: list[float] = []
    errors: Counter = Counter()
    remaining = requests
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)

    async def reader(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            if think:
                await asyncio.sleep(pauses.expovariate(1 / think))
            started = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    errors[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] += 1
            latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(reader(client) for _ in range(readers)))
        return latencies, errors, time.perf_counter() - started


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(base: str, path: str, cookies: dict[str, str], readers: int, seconds: float) -> dict[str, str]:
    """p50, p99 (ms), requests per second and failures of `readers` back-to-back wrk connections on `path`."""
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    command = ["wrk", "-t1", f"-c{readers}", f"-d{max(1, int(seconds))}s", "--latency", "-H", f"Cookie: {cookie}",
               base + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def millis(share: str) -> str:
        value, unit = re.search(rf"^\s+{share}%\s+([0-9.]+)(us|ms|s)\s*$", output, re.M).groups()
        return f"{float(value) * WRK_UNITS[unit]:.0f}"

    done = re.search(r"^\s+(\d+) requests in", output, re.M).group(1)
    failures = [f"{m.group(1)} non-2xx" for m in re.finditer(r"Non-2xx or 3xx responses: (\d+)", output)]
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        kinds = ("connect", "read", "write", "timeout (2 s)")
        failures += [f"{n} {kind}" for kind, n in zip(kinds, socket.groups(), strict=True) if n != "0"]
    rate = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M).group(1)
    return {"requests": done, "errors": ", ".join(failures) or "0", "p50": millis("50"), "p99": millis("99"),
            "rate": f"{float(rate):.0f}"}


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def httpx_load(base: str, path: str, cookies: dict[str, str], args: argparse.Namespace) -> dict[str, str]:
    """The Python readers' figures in wrk_load's shape."""
    latencies, errors, wall = asyncio.run(load(base, path, cookies, args.readers, args.requests, args.seconds,
                                               args.think))
    return {"requests": str(len(latencies)),
            "errors": ", ".join(f"{count} {kind}" for kind, count in errors.items()) or "0",
            "p50": f"{percentile(latencies, 0.5) * 1000:.0f}", "p99": f"{percentile(latencies, 0.99) * 1000:.0f}",
            "rate": f"{len(latencies) / wall:.0f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="An example database (default: build the example).")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000, help="Requests per page.")
    parser.add_argument("--seconds", type=float, default=120, help="At most this long per page.")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes (tollbook serve --workers).")
    parser.add_argument("--think", type=float, default=0.0,
                        help="Mean pause of a reader before each request, seconds (0: back to back).")
    parser.add_argument("--client", choices=("httpx", "wrk"), default="httpx",
                        help="Who sends the requests: Python readers (httpx), or wrk (back to back, for --seconds).")
    args = parser.parse_args()
    if args.client == "wrk" and (args.think or shutil.which("wrk") is None):
        raise SystemExit("--client wrk needs wrk installed (apt-get install wrk) and --think 0")
    folder = Path(tempfile.mkdtemp(prefix="tollbook-bench-web-"))
    server = None
    try:
        url = prepare_database(args.db, folder)
        port = free_port()
        server = start_server(url, port, args.workers)
        base = f"http://{HOST}:{port}"
        cookies = sign_in(base)
        rows = []
        for name, path in PAGES.items():
            asyncio.run(load(base, path, cookies, 10, 50, 30))  # warm-up: templates, caches, imports
            cpu_before = cpu_seconds(server.pid)
            if args.client == "wrk":
                got = wrk_load(base, path, cookies, args.readers, args.seconds)
            else:
                got = httpx_load(base, path, cookies, args)
            cpu_after = cpu_seconds(server.pid)
            cpu = "-" if cpu_before is None or cpu_after is None else \
                f"{(cpu_after - cpu_before) / int(got['requests']) * 1000:.2f}"
            rows.append((name, args.client, args.workers, args.readers, args.think, got["requests"], got["errors"],
                         got["p50"], got["p99"], got["rate"], cpu))
        load_avg = " ".join(f"{v:.2f}" for v in os.getloadavg())
        print_table(f"web app under load (SQLite, the example; load average after: {load_avg})",
                    ("page", "client", "workers", "readers", "think s", "requests", "errors", "p50 ms", "p99 ms",
                     "req/s", "server CPU ms/req"), rows,
                    ("fastapi", "uvicorn", "httptools", "uvloop", "sqlalchemy", "jinja2"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
