"""Lookups by domain of other callers while 8 connections guess wrong passwords on a protected domain.

Spec §3: password checks never block the event loop, and a flood of guesses does not slow other
callers. Three runs against one `campaigns serve` on 127.0.0.1, each printing the other callers'
req/s, p50 and p99 (paced right-password lookups of the protected domain, a pool of callers whose
tokens the server has seen):

1. no flood: the baseline;
2. a flood from many callers (a different token and password on every guess): the failed-guess
   limit never stops them, so every guess is a PBKDF2 hash, the worst case for the hash worker;
3. a flood from one caller: after 10 failures in 60 s each guess is a cheap 429;
4. for comparison, no guesses but the same 8 connections sending right-password lookups as fast
   as they can: what any request flood of that size costs the others.

Nothing is asserted: the figures are for reading (the machine has 2 cores, shared by the server
and both load generators).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from lookup import ROOT, free_port, open_campaign, server, wrk

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair

SITE = "floodsite"
PASSWORD = "right-password"  # noqa: S105 - the bench campaign's password
PACED_RATE = 500
PACED_CONNECTIONS = 10
GUESSING_CONNECTIONS = 8


def mint(keys: DevKeyPair, prefix: str, count: int, now: dt.datetime) -> str:
    ttl = dt.timedelta(hours=1)
    return "\n".join(keys.mint({"userId": f"{prefix}-{n}"}, ttl=ttl, now=now) for n in range(count))


def report(label: str, measured: tuple[float, float, float], flood: Future[tuple[float, float, float]] | None) -> None:
    rps, p50, p99 = measured
    print(f"\n{label}")
    print(f"  other callers {rps:8.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
    if flood is not None:
        print(f"  flood         {flood.result()[0]:8.0f} req/s ({GUESSING_CONNECTIONS} connections)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--callers", type=int, default=200, help="tokens of the measured callers")
    parser.add_argument("--guessers", type=int, default=2000, help="tokens of the many-caller flood")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        keys = DevKeyPair(data_dir / "keys")
        keys.ensure()
        now = dt.datetime.now(dt.UTC)
        print(f"minting {args.callers + args.guessers + 1} tokens...", file=sys.stderr)
        callers, many, one = data_dir / "callers.txt", data_dir / "many.txt", data_dir / "one.txt"
        callers.write_text(mint(keys, "caller", args.callers, now))
        many.write_text(mint(keys, "guesser", args.guessers, now))
        one.write_text(mint(keys, "lone-guesser", 1, now))
        supreme = keys.mint({"userId": "bench", "supreme": True}, ttl=dt.timedelta(hours=1), now=now)
        port = free_port()
        env = {"CAMPAIGNS_DATA_DIR": tmp, "CAMPAIGNS_LOG_LEVEL": "WARNING"}
        with server([str(ROOT / ".venv/bin/campaigns"), "serve", "--port", str(port)], env, port) as base:
            open_campaign(base, {"Authorization": f"Bearer {supreme}"}, SITE, password=PASSWORD)
            lookup = f"{base}/campaigns?domain={SITE}&password={PASSWORD}"
            guess = f"{base}/campaigns?domain={SITE}"
            pace_ms = PACED_CONNECTIONS * 1000 // PACED_RATE

            def measure() -> tuple[float, float, float]:
                return wrk(lookup, args.seconds, PACED_CONNECTIONS, tokens_file=callers, pace_ms=pace_ms)

            measure()  # warm-up: every measured caller's token verified once, the pair remembered
            print(f"{args.seconds}s per run, other callers paced near {PACED_RATE} req/s, 127.0.0.1")
            report("no guesses", measure(), None)
            floods = (
                ("guesses from many callers (every one hashed)", guess, many, "guesses.lua"),
                ("guesses from one caller (429 after 10)", guess, one, "guesses.lua"),
                ("no guesses, the same connections looking up with the right password", lookup, one, "tokens.lua"),
            )
            for label, url, tokens, script in floods:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    seconds = args.seconds + 2
                    flood = pool.submit(wrk, url, seconds, GUESSING_CONNECTIONS, tokens_file=tokens, script=script)
                    report(label, measure(), flood)


if __name__ == "__main__":
    main()
