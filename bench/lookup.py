"""Measure `GET /campaigns?domain=` against bare Litestar routes on the same machine, in the same run.

Prints req/s, p50 and p99 for each target and the ratio, first with one reused token (the verified
token cache is warm), then with a fresh token on every request (every request pays RS256); last,
the service's latency under a paced load of about 1,000 req/s, fresh tokens again.
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

import httpx

from campaigns.adapters.dev_jwt_keys import DevKeyPair

ROOT = Path(__file__).resolve().parent.parent
SITE = "benchsite"
PACED_RATE = 1000


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


def report(label: str, service: tuple[float, float, float], baseline: tuple[float, float, float]) -> None:
    print(f"\n{label}")
    for name, (rps, p50, p99) in (("service", service), ("baseline", baseline)):
        print(f"  {name:9s} {rps:10.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
    print(f"  ratio     {service[0] / baseline[0]:10.2%}")


def warn_if_reused(rps: float, seconds: int, pool: int) -> None:
    if rps * seconds > pool:
        print(f"  note: ~{rps * seconds:.0f} requests for {pool} tokens: some were reused (use --fresh-tokens)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fresh-tokens", type=int, default=60_000, help="pool size for the fresh-token run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        keys = DevKeyPair(data_dir / "keys")
        keys.ensure()
        now = dt.datetime.now(dt.UTC)
        supreme = keys.mint({"userId": "bench", "supreme": True}, ttl=dt.timedelta(hours=1), now=now)
        print(f"minting {args.fresh_tokens} fresh tokens...", file=sys.stderr)
        tokens_file = data_dir / "tokens.txt"
        with ProcessPoolExecutor() as pool:
            minted = pool.map(partial(_mint, data_dir / "keys", now), range(args.fresh_tokens), chunksize=500)
            tokens_file.write_text("\n".join(minted))
        service_port, bare_port = free_port(), free_port()
        service_env = {"CAMPAIGNS_DATA_DIR": tmp, "CAMPAIGNS_LOG_LEVEL": "WARNING"}
        with server(
            [str(ROOT / ".venv/bin/campaigns"), "serve", "--port", str(service_port)], service_env, service_port
        ) as base:
            headers = {"Authorization": f"Bearer {supreme}"}
            open_campaign(base, headers, SITE)
            lookup = f"{base}/campaigns?domain={SITE}"
            document = data_dir / "document.json"
            document.write_bytes(httpx.get(lookup, headers=headers).raise_for_status().content)
            bare_env = {"BENCH_DOCUMENT": str(document), "BENCH_PUBLIC_KEY": str(keys.public_path)}
            bare_cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(ROOT / "bench"),
                "bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ]
            with server(bare_cmd, bare_env, bare_port) as bare:
                print(f"{args.seconds}s per run, {args.connections} connections, 2 wrk threads, 127.0.0.1")
                report(
                    "one reused token: service lookup vs bare route",
                    wrk(lookup, args.seconds, args.connections, token=supreme),
                    wrk(f"{bare}/bare", args.seconds, args.connections),
                )
                fresh_service = wrk(lookup, args.seconds, args.connections, tokens_file=tokens_file)
                fresh_baseline = wrk(f"{bare}/verified", args.seconds, args.connections, tokens_file=tokens_file)
                report(
                    f"fresh token per request (pool of {args.fresh_tokens}): service lookup vs bare route + RS256",
                    fresh_service,
                    fresh_baseline,
                )
                warn_if_reused(max(fresh_service[0], fresh_baseline[0]), args.seconds, args.fresh_tokens)
                paced_connections = 20
                rps, p50, p99 = wrk(
                    lookup,
                    args.seconds,
                    paced_connections,
                    tokens_file=tokens_file,
                    pace_ms=paced_connections * 1000 // PACED_RATE,
                )
                print(f"\npaced near {PACED_RATE} req/s, fresh token per request (bar: p99 under 5 ms)")
                print(f"  service   {rps:10.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")


if __name__ == "__main__":
    main()
