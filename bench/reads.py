"""Every read path internal services call, side by side in one run against one service (spec §7, issue 17).

For each store (the embedded SQLite file; MongoDB at `--mongo-url`, which `bench/reads.sh` points at
a stand-in it starts) and each size in `--stored` (default 10,000 and 100,000), a fresh store is
composed as the service composes it (`bench/store.composed`), seeded directly through the units of
work (`bench/store.py`'s way), every campaign with its markets and its event mapping, 50 of them
in the presale window the window rows ask for. Then `campaigns serve` (one worker) runs on it and
the bare Litestar route of `bench/lookup.sh` next to it, and wrk loads each row for `--seconds`:
req/s, p99, and the ratio to the lookup by domain and to the bare route. Then the presale-window
ids (50 in the window), the list's first page and a search are timed one request at a time (median
of `--samples`). PASS/FAIL lines for the issue's targets; never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from lookup import baseline_command, free_port, server, wrk
from store import composed, drop_mongo_database, mongo_run_url
from tick import open_campaign

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.domain.campaign import Campaign, CampaignDates
from campaigns.domain.event_mapping import event_mappings
from campaigns.domain.market import Market, MarketEventInfo
from campaigns.main.container import resolve

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
IN_WINDOW = 50
MARKETS = 2
BATCH = 5_000
WINDOW = ("2026-03-01T00:00:00Z", "2026-03-01T23:59:59Z")
"""The queried range: the 50 campaigns in it have their windows on that day, the others years away from it."""


def campaign(number: int, stored: int) -> Campaign:
    """An OPEN campaign; every `stored // 50`-th has its presale window on the queried day, the others years off."""
    in_window = number % (stored // IN_WINDOW) == 0
    start = NOW if in_window else NOW + dt.timedelta(days=3 + number % 1460) * (1 if number % 2 else -1)
    return open_campaign(
        number,
        NOW,
        date=CampaignDates(
            created=NOW - dt.timedelta(minutes=number),
            presaleWindowStart=start,
            presaleWindowEnd=start + dt.timedelta(hours=6),
        ),
        eventIds=[f"C{number}"],
        categoryId=f"cat-{number % 100}",
    )


def markets(number: int) -> list[Market]:
    return [
        Market(
            id=f"{(1 << 80) + number * MARKETS + k:024x}",
            campaign_id=f"{number:024x}",
            name=f"Market {k}",
            city="Paris",
            state="IDF",
            timezone="Europe/Paris",
            event=MarketEventInfo(ids=[f"EV{number % 1000}", f"M{number}-{k}"], presaleDateTime=NOW),
        )
        for k in range(MARKETS)
    ]


async def seed(store_url: str, data_dir: Path, stored: int) -> None:
    started = time.perf_counter()
    async with composed(store_url, data_dir) as container:
        uow = await resolve(container.store.unit_of_work)
        for first in range(0, stored, BATCH):
            batch = [campaign(n, stored) for n in range(first, min(first + BATCH, stored))]
            batch_markets = [m for c in batch for m in markets(int(c.id, 16))]
            async with uow() as unit:
                for item in batch:
                    await unit.campaigns.add(item)
                for market in batch_markets:
                    await unit.markets.add(market)
                await unit.event_maps.put(event_mappings(batch, batch_markets))
                await unit.commit()
            print(f"  seeded {first + len(batch):,}/{stored:,} ({time.perf_counter() - started:.0f}s)", file=sys.stderr)


def rows(stored: int) -> dict[str, str]:
    target = f"{stored // 2:024x}"
    start, end = WINDOW
    return {
        "GET /campaigns?domain=": f"/campaigns?domain=site{stored // 2}",
        "GET /campaigns/{id}": f"/campaigns/{target}",
        "GET /campaigns/{id}/markets": f"/campaigns/{target}/markets",
        "GET /campaigns/events?eventId=": "/campaigns/events?eventId=EV7",
        "GET /campaigns/list?pageSize=10": "/campaigns/list?pageSize=10",
        "GET /campaigns/list?q=": "/campaigns/list?q=campaign%2012345&pageSize=10",
        "GET /campaigns/eventIds?presale…": (
            f"/campaigns/eventIds?presaleQueryStartDate={start}&presaleQueryEndDate={end}"
        ),
    }


def one_at_a_time(url: str, headers: dict[str, str], samples: int, budget_seconds: float) -> tuple[float, int]:
    """The median of `samples` requests one after the other, or of those `budget_seconds` allowed (one at least)."""
    timings: list[float] = []
    deadline = time.perf_counter() + budget_seconds
    with httpx.Client(headers=headers, timeout=max(budget_seconds, 5.0)) as client:
        while len(timings) < samples and (not timings or time.perf_counter() < deadline):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(timings)


def load_row(row: str, url: str, args: argparse.Namespace, token: str, bare_rps: float, by_domain: float) -> float:
    """Print one row under wrk's load and return its ratio to the bare route.

    wrk counts no latency for a request it gave up on (after 2 s): a row too slow for that is said so,
    and the server is given time to drain what wrk left queued before the next row is loaded.
    """
    try:
        rps, _, p99 = wrk(url, args.seconds, args.connections, token=token)
    except (AttributeError, subprocess.CalledProcessError):
        rps, p99 = 0.0, float("nan")
    if rps < 1:
        print(f"  {row:36s} {'< 1':>9s} req/s  (no answer within wrk's 2 s timeout)")
        one_at_a_time(url, {"Authorization": f"Bearer {token}"}, 1, args.budget)  # drained once it answers
        return rps / bare_rps
    print(
        f"  {row:36s} {rps:9.0f} req/s  p99 {p99:8.2f} ms  "
        f"{rps / (by_domain or rps):5.2f}x by domain  {rps / bare_rps:5.2f}x bare"
    )
    return rps / bare_rps


def measure(args: argparse.Namespace, name: str, store_url: str, stored: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        print(f"{name}: seeding {stored:,} campaigns with {MARKETS} markets each...", file=sys.stderr)
        asyncio.run(seed(store_url, data_dir, stored))
        keys = DevKeyPair(data_dir / "keys")
        keys.ensure()
        supreme = keys.mint(
            {"userId": "bench", "supreme": True}, ttl=dt.timedelta(hours=1), now=dt.datetime.now(dt.UTC)
        )
        headers = {"Authorization": f"Bearer {supreme}"}
        port, bare_port = free_port(), free_port()
        env = {"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_STORE": store_url, "CAMPAIGNS_LOG_LEVEL": "WARNING"}
        command = [str(ROOT / ".venv/bin/campaigns"), "serve", "--port", str(port), "--workers", "1"]
        figures: dict[str, float] = {}
        with server(command, env, port) as base:
            paths = rows(stored)
            document = data_dir / "document.json"
            document.write_bytes(httpx.get(base + paths["GET /campaigns?domain="], headers=headers).content)
            window_ids = httpx.get(base + paths["GET /campaigns/eventIds?presale…"], headers=headers).json()
            bare_env = {"BENCH_DOCUMENT": str(document), "BENCH_PUBLIC_KEY": str(keys.public_path)}
            with server(baseline_command(bare_port, 1), bare_env, bare_port) as bare:
                bare_rps = wrk(f"{bare}/bare", args.seconds, args.connections)[0]
            print(f"\n{name}, {stored:,} stored, wrk -c{args.connections} {args.seconds}s each, 1 worker")
            print(f"  {'bare Litestar route':36s} {bare_rps:9.0f} req/s")
            by_domain = 0.0
            for row, path in paths.items():
                figures[row] = load_row(row, base + path, args, supreme, bare_rps, by_domain)
                by_domain = by_domain or figures[row] * bare_rps
            for label, row in (
                ("presale-window ids", "GET /campaigns/eventIds?presale…"),
                ("list first page", "GET /campaigns/list?pageSize=10"),
                ("search", "GET /campaigns/list?q="),
            ):
                figures[label], taken = one_at_a_time(base + paths[row], headers, args.samples, args.budget)
                print(f"  {label:36s} {figures[label]:9.2f} ms (median of {taken}, one at a time)")
            print(f"  ({len(window_ids)} event ids from {IN_WINDOW} campaigns in the window)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds for each one-at-a-time timing (one request at least)"
    )
    parser.add_argument("--stored", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--mongo-url", help="also run on this MongoDB (bench/reads.sh starts a stand-in)")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--mongo-only", action="store_true")
    args = parser.parse_args()
    stores: list[tuple[str, str | None]] = [] if args.mongo_only else [("SQLite", None)]
    if args.mongo_url and not args.sqlite_only:
        stores.append(("MongoDB", args.mongo_url))
    for name, mongo_url in stores:
        results: dict[int, dict[str, float]] = {}
        for stored in args.stored:
            if mongo_url is None:
                with tempfile.TemporaryDirectory() as tmp:
                    results[stored] = measure(args, name, f"sqlite:///{tmp}/campaigns.db", stored)
            else:
                url = mongo_run_url(mongo_url, stored)
                try:
                    results[stored] = measure(args, name, url, stored)
                finally:
                    asyncio.run(drop_mongo_database(url))
        if len(results) == 2:
            small, big = (results[size] for size in sorted(results))
            ratio = big["presale-window ids"] / small["presale-window ids"]
            print(
                f"\n{name}: presale-window ids {max(results):,} / {min(results):,} stored: x{ratio:.2f} "
                f"({'PASS' if ratio <= 1.3 else 'FAIL'} <= 1.3; < 20 ms: "
                f"{'PASS' if big['presale-window ids'] < 20 else 'FAIL'})"
            )


if __name__ == "__main__":
    main()
