"""What a fleet costs and keeps, side by side in one run (spec §6 and §7).

1. Fresh-token lookups by domain with `serve --workers 1`, 2 and 4, and each count's ratio to one
   worker (the target: at least 1.6x for 2 workers on 2 cores). Beside it, the machine's ceiling:
   the same ratio for the cheapest verifying server (bench/bare_app.py's `/verified`, PyJWT on
   granian), which shares the cores with wrk just as the service does.
2. Other callers' lookup latency (wrk, fresh tokens) while one authenticated caller holds 2,000
   requests whose body never arrives, against the same figure with nothing held.
3. Staleness after writes: with Redis configured and a cache TTL far longer, how long after a
   committed rename every worker of two `serve --workers 2` instances answers the new name.

Prints figures and PASS/FAIL lines for the targets; never asserts.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from lookup import ROOT, SITE, Figures, baseline_command, free_port, mint_tokens, open_campaign, server, wrk

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair

SCALING_TARGET = 1.6
STALENESS_TARGET_MS = 250.0
HELD = 2000
HELD_THROUGHPUT_TARGET = 0.5
"""Lookups "keep answering" (spec §4): at least half the throughput they have with nothing held."""
RENAMES = 40
STALE_GIVE_UP_SECONDS = 5.0
"""A rename not seen everywhere by then counts as this long (the TTL, 60 s, would end it)."""


def campaigns(*args: str) -> list[str]:
    return [str(ROOT / ".venv/bin/campaigns"), *args]


@contextmanager
def redis_server() -> Iterator[str]:
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def scaling(env: dict[str, str], tokens_file: Path, supreme: str, seconds: int) -> dict[int, float]:
    """Fresh-token lookups per second with 1, 2 and 4 workers."""
    figures: dict[int, float] = {}
    for workers in (1, 2, 4):
        port = free_port()
        with server(campaigns("serve", "--port", str(port), "--workers", str(workers)), env, port) as base:
            if workers == 1:
                open_campaign(base, {"Authorization": f"Bearer {supreme}"}, SITE)
                document = Path(env["CAMPAIGNS_DATA_DIR"]) / "document.json"
                lookup = httpx.get(f"{base}/campaigns?domain={SITE}", headers={"Authorization": f"Bearer {supreme}"})
                document.write_bytes(lookup.raise_for_status().content)
            figures[workers] = measured(f"{workers} worker(s)", f"{base}/campaigns?domain={SITE}", tokens_file, seconds)
    return figures


def ceiling(data_dir: Path, tokens_file: Path, seconds: int) -> dict[int, float]:
    """Fresh-token requests per second to bench/bare_app.py's `/verified` with 1 and 2 workers."""
    env = {
        "BENCH_DOCUMENT": str(data_dir / "document.json"),
        "BENCH_PUBLIC_KEY": str(DevKeyPair(data_dir / "keys").public_path),
    }
    figures: dict[int, float] = {}
    for workers in (1, 2):
        port = free_port()
        with server(baseline_command(port, workers), env, port) as base:
            figures[workers] = measured(f"{workers} worker(s)", f"{base}/verified", tokens_file, seconds)
    return figures


def measured(label: str, url: str, tokens_file: Path, seconds: int) -> float:
    rps, p50, p99 = wrk(url, seconds, 32, tokens_file=tokens_file)
    print(f"  {label:<14}  {rps:9.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms", flush=True)
    return rps


def hold_stalled_bodies(port: int, token: str, count: int) -> list[socket.socket]:
    """`count` POSTs whose headers promise a body that never comes, each on its own connection."""
    head = (
        f"POST /campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    ).encode()
    held = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(head)
        held.append(connection)
    return held


def slow_bodies(env: dict[str, str], tokens_file: Path, supreme: str, seconds: int) -> tuple[Figures, Figures]:
    """Other callers' lookups with nothing held, then while HELD stalled bodies are held."""
    port = free_port()
    with server(campaigns("serve", "--port", str(port), "--workers", "2"), env, port) as base:
        lookup = f"{base}/campaigns?domain={SITE}"
        quiet = wrk(lookup, seconds, 16, tokens_file=tokens_file)
        held = hold_stalled_bodies(port, supreme, HELD)
        try:
            loaded = wrk(lookup, seconds, 16, tokens_file=tokens_file)
        finally:
            for connection in held:
                connection.close()
    print(f"  nothing held                {quiet[0]:9.0f} req/s   p50 {quiet[1]:6.2f} ms   p99 {quiet[2]:7.2f} ms")
    print(f"  {HELD} stalled bodies held   {loaded[0]:9.0f} req/s   p50 {loaded[1]:6.2f} ms   p99 {loaded[2]:7.2f} ms")
    return quiet, loaded


def staleness(env: dict[str, str], supreme: str) -> list[float]:
    """Milliseconds from a rename's answer until every worker of two instances answers the new name."""
    headers = {"Authorization": f"Bearer {supreme}"}
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        bases = [
            stack.enter_context(server(campaigns("serve", "--port", str(port), "--workers", "2"), env, port))
            for port in ports
        ]
        scheduler = subprocess.Popen(
            campaigns("scheduler"), env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        stack.callback(scheduler.wait, 15)
        stack.callback(scheduler.terminate)
        clients = [stack.enter_context(httpx.Client(base_url=base, headers=headers)) for base in bases]
        campaign_id = clients[0].get("/campaigns", params={"domain": SITE}).json()["id"]
        delays = []
        for step in range(RENAMES):
            name = f"Bench {step}"
            clients[step % 2].post(f"/campaigns/{campaign_id}", json={"name": name}).raise_for_status()
            written = time.perf_counter()
            deadline = written + STALE_GIVE_UP_SECONDS
            while time.perf_counter() < deadline:
                answers = [client.get("/campaigns", params={"domain": SITE}).json()["name"] for client in clients * 4]
                if all(answer == name for answer in answers):
                    break
            delays.append((time.perf_counter() - written) * 1000)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--fresh-tokens", type=int, default=60_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, redis_server() as redis_url:
        data_dir = Path(tmp)
        supreme, tokens_file = mint_tokens(data_dir, args.fresh_tokens)
        env = {"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_LOG_LEVEL": "WARNING"}
        print(f"{args.seconds}s per wrk run, 127.0.0.1, load before: {os.getloadavg()[0]:.2f}")
        print("\nfresh-token lookups by domain (32 connections)")
        rates = scaling(env, tokens_file, supreme, args.seconds)
        print("\nthe machine's ceiling: PyJWT-verified constant bytes on granian (bench/bare_app.py, 32 connections)")
        bare = ceiling(data_dir, tokens_file, args.seconds)
        print(f"\nother callers' lookups (16 connections, fresh tokens) while {HELD} bodies never arrive")
        quiet, loaded = slow_bodies(env, tokens_file, supreme, args.seconds)
        print(f"\nstaleness after {RENAMES} renames: two instances x 2 workers, Redis, cache TTL 60 s")
        delays = staleness({**env, "CAMPAIGNS_REDIS_URL": redis_url, "CAMPAIGNS_CACHE_TTL_SECONDS": "60"}, supreme)
        cuts = statistics.quantiles(delays, n=100, method="inclusive")
        print(f"  p50 {cuts[49]:7.1f} ms   p90 {cuts[89]:7.1f} ms   p99 {cuts[98]:7.1f} ms   max {max(delays):7.1f} ms")

    def verdict(passed: bool, text: str) -> None:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")

    print()
    for workers in (2, 4):
        print(f"      {workers} workers: {rates[workers] / rates[1]:.2f}x one worker")
    verdict(
        rates[2] >= SCALING_TARGET * rates[1],
        f"2 workers >= {SCALING_TARGET}x one: {rates[2] / rates[1]:.2f}x"
        f" (the machine's ceiling, bare verified server: {bare[2] / bare[1]:.2f}x)",
    )
    verdict(
        loaded[0] >= HELD_THROUGHPUT_TARGET * quiet[0],
        f"other callers' lookups keep >= {HELD_THROUGHPUT_TARGET:.0%} of their throughput while {HELD} bodies are held:"
        f" {loaded[0] / quiet[0]:.0%} (p99 {loaded[2]:.2f} ms against {quiet[2]:.2f} ms)",
    )
    verdict(
        max(delays) < STALENESS_TARGET_MS,
        f"every worker fresh within {STALENESS_TARGET_MS:.0f} ms: max {max(delays):.1f} ms",
    )


if __name__ == "__main__":
    main()
