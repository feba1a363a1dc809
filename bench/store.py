"""Each store under load: one lifecycle tick and 1,000 lookups by domain with many campaigns stored.

For every store given (the embedded SQLite file; MongoDB at `--mongo-url`, which `bench/store.sh`
points at a stand-in it starts), the store is composed exactly as the service composes it
(`build_container` with `CAMPAIGNS_STORE`), indexed as `campaigns db init` does, and seeded twice,
fresh each time: with `--stored` campaigns (default 100,000) and with ten times fewer, the same
number due (default 1,000) both times, seeded with `bench/tick.py`'s campaigns. Then, per run:

- one tick of `RefreshLifecycle` at a fixed instant, and a second one (which must apply nothing);
- 1,000 lookups by domain through the read port (`get_by_site`, what `GET /campaigns?domain=` reads
  when its cache misses), spread over the whole store.

It prints a table per store and the tick-time ratio of the two runs: the tick's cost should grow
with the number due, not the number stored (target: ratio <= 1.3). PASS/FAIL lines, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec
from pymongo import AsyncMongoClient
from tick import BAR_SECONDS, NOW, parse_sizes, seed, settle, ticked_twice, warm_up_sizes
from tick import Run as TickRun

from campaigns.adapters.local.clock import FixedClock
from campaigns.config import load_settings
from campaigns.main.container import Container, build_container, opened, resolve

LOOKUPS = 1_000
RATIO_TARGET = 1.3
MONGO_TIMEOUT_SECONDS = "120"
"""A bench measures a slow query rather than failing it at the service's 5 s (the stand-in is slow at 100,000)."""


class Run(TickRun, frozen=True, kw_only=True):
    """`bench/tick.py`'s run, on a named store, with the lookups."""

    store: str
    lookup_seconds: list[float]
    found: int


@asynccontextmanager
async def composed(store_url: str, data_dir: Path) -> AsyncIterator[Container]:
    """The service's own composition for this store, its resources open, its indexes made, the clock fixed."""
    container = build_container(
        load_settings(
            environ={
                "CAMPAIGNS_STORE": store_url,
                "CAMPAIGNS_DATA_DIR": str(data_dir),
                "CAMPAIGNS_MONGO_TIMEOUT_SECONDS": MONGO_TIMEOUT_SECONDS,
            }
        )
    )
    container.clock.override(FixedClock(NOW))
    async with opened(container):
        await (await resolve(container.store.database)).ensure_indexes()
        yield container


async def seed_store(container: Container, stored: int, due: int) -> None:
    started = time.perf_counter()

    def progress(done: int) -> None:
        print(f"  seeded {done:,}/{stored:,} ({time.perf_counter() - started:.0f}s)", file=sys.stderr)

    await seed(await resolve(container.store.unit_of_work), stored, due, progress)


async def lookups(container: Container, stored: int) -> tuple[list[float], int]:
    reads = await resolve(container.store.reads)
    count = min(LOOKUPS, stored)
    numbers = [i * stored // count for i in range(count)]  # spread evenly over the whole store
    timings: list[float] = []
    found = 0
    for number in numbers:
        started = time.perf_counter()
        hit = await reads.campaigns.get_by_site(f"site{number}")
        timings.append(time.perf_counter() - started)
        found += hit is not None
    return timings, found


async def run(name: str, store_url: str, stored: int, due: int) -> Run:
    print(f"{name}: seeding {stored:,} campaigns ({due:,} due)...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        async with composed(store_url, Path(tmp)) as container:
            started = time.perf_counter()
            await seed_store(container, stored, due)
            seed_seconds = time.perf_counter() - started
        settle()
        # Reopened, so the tick starts on fresh connections as a restarted service would.
        async with composed(store_url, Path(tmp)) as container:
            refresh = await resolve(container.use_cases.refresh_lifecycle)
            ticks = await ticked_twice(refresh, stored=stored, due=due, seed_seconds=seed_seconds)
            lookup_seconds, found = await lookups(container, stored)
    return Run(**msgspec.structs.asdict(ticks), store=name, lookup_seconds=lookup_seconds, found=found)


def report(runs: list[Run]) -> None:
    first = runs[0]
    print(f"\n{first.store}: lifecycle tick at {NOW.isoformat()} and {LOOKUPS:,} lookups by domain (no cache)")
    print(
        f"  {'stored':>9s} {'due':>6s}  {'seed':>7s}  {'tick':>9s} {'applied':>7s}  {'2nd tick':>9s} {'applied':>7s}"
        f"  {'lookups':>8s} {'mean':>8s} {'p50':>8s} {'p99':>8s} {'found':>6s}"
    )
    for r in runs:
        ms = sorted(t * 1e3 for t in r.lookup_seconds)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(
            f"  {r.stored:9,d} {r.due:6,d}  {r.seed_seconds:6.1f}s  {r.tick_seconds * 1e3:7.1f}ms {r.applied:7,d}"
            f"  {r.again_seconds * 1e3:7.1f}ms {r.again_applied:7,d}  {sum(r.lookup_seconds):7.2f}s"
            f" {statistics.fmean(ms):6.3f}ms {statistics.median(ms):6.3f}ms {p99:6.3f}ms {r.found:6,d}"
        )
        if r.applied != r.due or r.again_applied or r.found != len(r.lookup_seconds):
            print(
                f"  note: expected {r.due:,} applied then 0 and every lookup found; got {r.applied:,}, "
                f"{r.again_applied:,} and {r.found:,} found"
            )


def verdicts(runs: list[Run]) -> None:
    big = runs[0]
    passed = big.tick_seconds < BAR_SECONDS and big.applied == big.due
    print(
        f"  bar: tick over {big.stored:,} stored / {big.due:,} due < {BAR_SECONDS:.0f} s: "
        f"{'PASS' if passed else 'FAIL'} ({big.tick_seconds:.3f} s)"
    )
    if len(runs) == 2 and runs[1].tick_seconds:
        small = runs[1]
        ratio = big.tick_seconds / small.tick_seconds
        print(
            f"  bar: tick({big.stored:,} stored) / tick({small.stored:,} stored), {big.due:,} due both: "
            f"x{ratio:.2f} <= {RATIO_TARGET}: {'PASS' if ratio <= RATIO_TARGET else 'FAIL'}"
        )


async def drop_mongo_database(url: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url, serverSelectionTimeoutMS=5000)
    try:
        database = client.get_default_database()
        await client.drop_database(database.name)
    finally:
        await client.close()


def mongo_run_url(base: str, stored: int) -> str:
    """`base` with a fresh database name for this run (the bench never touches an existing one)."""
    head, _, query = base.partition("?")
    hosts = head.removeprefix("mongodb://").removeprefix("mongodb+srv://").partition("/")[0]
    scheme = "mongodb+srv://" if base.startswith("mongodb+srv://") else "mongodb://"
    name = f"bench_store_{stored}_{uuid.uuid4().hex[:8]}"
    return f"{scheme}{hosts}/{name}" + (f"?{query}" if query else "")


async def measure(name: str, mongo_url: str | None, stored: int, due: int) -> Run:
    """One run on a store of its own: a fresh SQLite file, or a fresh MongoDB database dropped after."""
    if mongo_url is None:
        with tempfile.TemporaryDirectory() as tmp:
            return await run(name, f"sqlite:///{tmp}/campaigns.db", stored, due)
    url = mongo_run_url(mongo_url, stored)
    try:
        return await run(name, url, stored, due)
    finally:
        await drop_mongo_database(url)


async def bench(stores: list[tuple[str, str | None]], stored: int, due: int, compare: bool) -> None:
    sizes = [stored, max(stored // 10, due)] if compare else [stored]
    results: list[list[Run]] = []
    for name, mongo_url in stores:
        # A small unreported run first, so no measured run pays the process's first-use costs.
        await measure(name, mongo_url, *warm_up_sizes(due))
        results.append([await measure(name, mongo_url, size, due) for size in sizes])
    for runs in results:
        report(runs)
        verdicts(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mongo-url", help="also bench MongoDB here (a fresh database per run, dropped after)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the embedded SQLite store")
    args = parse_sizes(parser)
    stores: list[tuple[str, str | None]] = [] if args.no_sqlite else [("SQLite (embedded, file in a temp dir)", None)]
    if args.mongo_url:
        stores.append((f"MongoDB ({args.mongo_url.partition('@')[2] or args.mongo_url})", args.mongo_url))
    if not stores:
        parser.error("nothing to bench: --no-sqlite without --mongo-url")
    asyncio.run(bench(stores, args.stored, args.due, args.compare))


if __name__ == "__main__":
    main()
