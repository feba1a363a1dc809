"""Measure `GET /campaigns?domain=` against the strongest baselines, on the same server, in the same run.

The service runs as `campaigns serve` (granian); the baselines (bench/bare_app.py) run on granian
set up the same way: a bare Litestar route returning the service's document, and the same route
behind a plain ASGI middleware verifying RS256 with PyJWT (key parsed once). Prints req/s, p50 and
p99 of each: one reused token (the verified-token cache is warm) against the bare route, a fresh
token per request against the verify-only route, the service's latency under a paced load of about
1,000 req/s (fresh tokens), then all of it again with `--workers` processes each. PASS/FAIL lines
for the targets (seen >= 0.80x bare, fresh >= 1.0x verify-only, paced p99 < 5 ms); never asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import NamedTuple

import httpx

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair

ROOT = Path(__file__).resolve().parent.parent
SITE = "benchsite"
PACED_RATE = 1000
HEADER_TIMEOUT_SECONDS = 5.0
"""What `campaigns serve` gives granian by default (CAMPAIGNS_HTTP_HEADER_TIMEOUT_SECONDS)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(
                    f"{base}/heartbeat" if "campaigns" in command[0] else f"{base}/bare", timeout=1
                ).is_success:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{command} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def open_campaign(base: str, headers: dict[str, str], site: str, **fields: object) -> None:
    """Create a small valid campaign holding `site` (plus `fields`) and open it, as a supreme user."""
    body = {
        "name": "Bench",
        "identifier": "bench",
        "status": "PREVIEW",
        "artist": {"id": "K8vZ917Gku7", "name": "Bench Artist"},
        "tour": {"name": "Bench Tour"},
        "domain": {"site": site},
        "locales": [{"id": "en", "is_default": True}],
        **fields,
    }
    created = httpx.post(f"{base}/campaigns", json=body, headers=headers).raise_for_status().json()
    httpx.post(f"{base}/campaigns/{created['id']}", json={"status": "OPEN"}, headers=headers).raise_for_status()


def wrk(
    url: str,
    seconds: int,
    connections: int,
    *,
    token: str | None = None,
    tokens_file: Path | None = None,
    pace_ms: int | None = None,
    script: str = "tokens.lua",
) -> tuple[float, float, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    env = dict(os.environ)
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if tokens_file:
        command += ["-s", str(ROOT / "bench" / script)]
        env["TOKENS_FILE"] = str(tokens_file)
    if pace_ms is not None:
        env["PACE_MS"] = str(pace_ms)
    output = subprocess.run([*command, url], capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rps, _latency(output, "50%"), _latency(output, "99%")


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


@functools.cache
def _keys(directory: Path) -> DevKeyPair:
    """One parsed key pair per worker process."""
    return DevKeyPair(directory)


def _mint(directory: Path, now: dt.datetime, number: int) -> str:
    return _keys(directory).mint({"userId": f"fan-{number}"}, ttl=dt.timedelta(hours=1), now=now)


def mint_tokens(data_dir: Path, count: int) -> tuple[str, Path]:
    """A supreme token and a file of `count` fan tokens, one per line, signed by the dev key under `data_dir`."""
    keys = DevKeyPair(data_dir / "keys")
    keys.ensure()
    now = dt.datetime.now(dt.UTC)
    supreme = keys.mint({"userId": "bench", "supreme": True}, ttl=dt.timedelta(hours=1), now=now)
    print(f"minting {count} fresh tokens...", file=sys.stderr)
    tokens_file = data_dir / "tokens.txt"
    with ProcessPoolExecutor() as pool:
        minted = pool.map(partial(_mint, data_dir / "keys", now), range(count), chunksize=500)
        tokens_file.write_text("\n".join(minted))
    return supreme, tokens_file


Figures = tuple[float, float, float]
"""req/s, p50 ms, p99 ms."""

SEEN_TARGET = 0.80
FRESH_TARGET = 1.0
P99_TARGET_MS = 5.0


def report(label: str, rows: list[tuple[str, Figures]]) -> None:
    print(f"\n{label}")
    for name, (rps, p50, p99) in rows:
        print(f"  {name:22s} {rps:10.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")


def verdict(passed: bool, text: str) -> str:
    return f"{'PASS' if passed else 'FAIL'}  {text}"


def warn_if_reused(rps: float, seconds: int, pool: int) -> None:
    if rps * seconds > pool:
        print(f"  note: ~{rps * seconds:.0f} requests for {pool} tokens: some were reused (use --fresh-tokens)")


def baseline_command(port: int, workers: int) -> list[str]:
    """bench/bare_app.py on granian, set up as `campaigns serve` sets it up (campaigns.main.server)."""
    return [
        str(ROOT / ".venv/bin/granian"),
        "--interface",
        "asgi",
        "--loop",
        "auto",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--http1-header-read-timeout",
        str(round(HEADER_TIMEOUT_SECONDS * 1000)),
        "--log-level",
        "warning",
        "--working-dir",
        str(ROOT / "bench"),
        "bare_app:app",
    ]


class Run(NamedTuple):
    seen: Figures
    bare: Figures
    fresh: Figures
    verified: Figures
    paced: Figures | None


def measure(args: argparse.Namespace, data_dir: Path, tokens_file: Path, supreme: str, workers: int) -> Run:
    """Start the service and the baselines with `workers` processes each, and load them in turn."""
    service_port, bare_port = free_port(), free_port()
    service_env = {"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_LOG_LEVEL": "WARNING"}
    command = [str(ROOT / ".venv/bin/campaigns"), "serve", "--port", str(service_port), "--workers", str(workers)]
    with server(command, service_env, service_port) as base:
        headers = {"Authorization": f"Bearer {supreme}"}
        lookup = f"{base}/campaigns?domain={SITE}"
        document = data_dir / "document.json"
        if not document.exists():
            open_campaign(base, headers, SITE)
            document.write_bytes(httpx.get(lookup, headers=headers).raise_for_status().content)
        bare_env = {"BENCH_DOCUMENT": str(document), "BENCH_PUBLIC_KEY": str(DevKeyPair(data_dir / "keys").public_path)}
        with server(baseline_command(bare_port, workers), bare_env, bare_port) as bare:
            seconds, connections = args.seconds, args.connections
            seen = wrk(lookup, seconds, connections, token=supreme)
            bare_figures = wrk(f"{bare}/bare", seconds, connections)
            fresh = wrk(lookup, seconds, connections, tokens_file=tokens_file)
            verified = wrk(f"{bare}/verified", seconds, connections, tokens_file=tokens_file)
        paced = None
        if workers == 1:
            paced_connections = 20
            paced = wrk(
                lookup,
                seconds,
                paced_connections,
                tokens_file=tokens_file,
                pace_ms=paced_connections * 1000 // PACED_RATE,
            )
    run = Run(seen=seen, bare=bare_figures, fresh=fresh, verified=verified, paced=paced)
    title = f"{workers} worker{'s' if workers > 1 else ''} each (service: campaigns serve --workers {workers})"
    report(
        f"{title}: one reused token, then a fresh token per request",
        [
            ("service, seen token", run.seen),
            ("bare route", run.bare),
            ("service, fresh tokens", run.fresh),
            ("verify-only route", run.verified),
        ],
    )
    print(f"  seen / bare {run.seen[0] / run.bare[0]:.2f}x   fresh / verify-only {run.fresh[0] / run.verified[0]:.2f}x")
    warn_if_reused(max(run.fresh[0], run.verified[0]), args.seconds, args.fresh_tokens)
    if paced is not None:
        report(f"paced near {PACED_RATE} req/s, fresh token per request", [("service", paced)])
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fresh-tokens", type=int, default=60_000, help="pool size for the fresh-token runs")
    parser.add_argument("--workers", type=int, default=2, help="the worker count of the second run (0: skip it)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        supreme, tokens_file = mint_tokens(data_dir, args.fresh_tokens)
        print(f"{args.seconds}s per run, {args.connections} connections, 2 wrk threads, 127.0.0.1, granian for all")
        one = measure(args, data_dir, tokens_file, supreme, workers=1)
        many = measure(args, data_dir, tokens_file, supreme, workers=args.workers) if args.workers > 1 else None

    paced = one.paced
    assert paced is not None  # noqa: S101 - the one-worker run always paces
    print()
    print(
        verdict(
            one.seen[0] >= SEEN_TARGET * one.bare[0],
            f"seen token >= {SEEN_TARGET:.2f}x bare route: "
            f"{one.seen[0] / one.bare[0]:.2f}x ({one.seen[0]:.0f} vs {one.bare[0]:.0f} req/s)",
        )
    )
    print(
        verdict(
            one.fresh[0] >= FRESH_TARGET * one.verified[0],
            f"fresh token >= {FRESH_TARGET:.1f}x verify-only route: "
            f"{one.fresh[0] / one.verified[0]:.2f}x ({one.fresh[0]:.0f} vs {one.verified[0]:.0f} req/s)",
        )
    )
    print(
        verdict(
            paced[2] < P99_TARGET_MS,
            f"p99 < {P99_TARGET_MS:.0f} ms at ~{PACED_RATE} req/s, fresh tokens: "
            f"{paced[2]:.2f} ms ({paced[0]:.0f} req/s)",
        )
    )
    if many is not None:
        seen_gain, fresh_gain = many.seen[0] / one.seen[0], many.fresh[0] / one.fresh[0]
        print(
            f"      --workers {args.workers}: seen token {many.seen[0]:.0f} req/s ({seen_gain:.2f}x one worker), "
            f"fresh tokens {many.fresh[0]:.0f} req/s ({fresh_gain:.2f}x)"
        )


if __name__ == "__main__":
    main()
