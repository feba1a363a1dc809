"""The production profile on one machine, with `campaigns db init` run and the `export` lines printed.

Redis (primary and replica), moto (Kinesis and SQS), the MongoDB stand-in and a Fastly stand-in. Run
through `scripts/stack.sh`, which installs what this needs. Everything it starts is stopped by PID on
Ctrl-C or SIGTERM. `--serve` also runs `campaigns serve` and `campaigns scheduler`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import httpx
import redis

READY_WITHIN = 20.0
"""Seconds a server may take to answer after it starts."""
STREAM = "campaign-data"
DATA_PIPELINE_QUEUE = "campaigns-data-pipeline"
REFRESH_SELECTIONS_QUEUE = "campaigns-refresh-selections.fifo"
FASTLY_SERVICE_ID = "stackservice"
FASTLY_API_KEY = "stack-fastly-key"
REGION = "us-east-1"
DEFAULT_PORTS = {"redis": 6390, "redis-replica": 6391, "moto": 5001, "mongo": 27117, "fastly": 8099, "serve": 8080}


class Stack:
    """The processes started so far, each stopped by PID (in reverse order) when the stack stops."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed commands of this stack
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        self.processes.append((name, process))
        (self.workdir / "pids").write_text("".join(f"{p.pid} {n}\n" for n, p in self.processes))
        return process

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            print(f"stopped {name} (pid {process.pid})", flush=True)
        self.processes.clear()


def wait_until(what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `ready` until it holds; fail at once if `process` exits, or after READY_WITHIN seconds."""
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"stack: {what} exited with code {process.returncode}; see its log")
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.05)
    raise SystemExit(f"stack: {what} did not answer within {READY_WITHIN:g} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tool(name: str) -> str:
    """A console script of this environment (the project's virtualenv), else from PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"stack: {name} is not installed (scripts/stack.sh installs it)")
    return found


def start_redis(stack: Stack, port: int, replica_port: int) -> None:
    base = [tool("redis-server"), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    primary = stack.start("redis", [*base, "--port", str(port), "--repl-diskless-sync-delay", "0"])
    wait_until("redis", lambda: bool(redis.Redis(port=port).ping()), primary)
    replica = stack.start("redis-replica", [*base, "--port", str(replica_port), "--replicaof", "127.0.0.1", str(port)])
    wait_until(
        "the redis replica",
        lambda: redis.Redis(port=replica_port).info("replication").get("master_link_status") == "up",
        replica,
    )


def start_moto(stack: Stack, port: int) -> tuple[str, str, str]:
    """Moto with the stream and both queues; their endpoint and the two queue URLs."""
    endpoint = f"http://127.0.0.1:{port}"
    process = stack.start("moto", [tool("moto_server"), "-H", "127.0.0.1", "-p", str(port)])
    wait_until("moto", lambda: httpx.get(f"{endpoint}/moto-api/").status_code == 200, process)
    options = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "stack",
        "aws_secret_access_key": "stack",
    }
    kinesis = boto3.client("kinesis", **options)
    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
    sqs = boto3.client("sqs", **options)
    data_pipeline = sqs.create_queue(QueueName=DATA_PIPELINE_QUEUE)["QueueUrl"]
    refresh = sqs.create_queue(QueueName=REFRESH_SELECTIONS_QUEUE, Attributes={"FifoQueue": "true"})["QueueUrl"]
    return endpoint, data_pipeline, refresh


def start_mongo(stack: Stack, port: int) -> str:
    process = stack.start("mongo", [tool("nx-27017"), "--db", "memory", "--host", "127.0.0.1", "-p", str(port)])
    wait_until(
        "the MongoDB stand-in", lambda: socket.create_connection(("127.0.0.1", port), timeout=0.5) is not None, process
    )
    return f"mongodb://127.0.0.1:{port}/campaigns"


def serve_fastly(port: int, log_path: Path) -> ThreadingHTTPServer:
    """A Fastly stand-in: `POST /service/<id>/purge` answers as Fastly does and logs each purge (a JSON line)."""

    class Purges(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            keys = self.headers.get("Surrogate-Key", "").split()
            authorised = (
                self.path == f"/service/{FASTLY_SERVICE_ID}/purge" and self.headers.get("Fastly-Key") == FASTLY_API_KEY
            )
            line = {
                "at": dt.datetime.now(dt.UTC).isoformat(),
                "path": self.path,
                "keys": keys,
                "soft": self.headers.get("Fastly-Soft-Purge") == "1",
            }
            with log_path.open("a") as log:
                log.write(json.dumps(line) + "\n")
            print(f"fastly purge: {' '.join(keys)}", flush=True)
            status, body = (
                (200, {key: f"stack-{n}" for n, key in enumerate(keys)})
                if authorised
                else (401, {"msg": "Provided credentials are missing or invalid"})
            )
            encoded = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Purges)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def db_init(env: dict[str, str]) -> None:
    result = subprocess.run([tool("campaigns"), "db", "init"], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"stack: campaigns db init failed: {result.stderr.strip()}")
    print(result.stdout.strip().splitlines()[-1], flush=True)


def ports(choice: str) -> dict[str, int]:
    return {name: free_port() for name in DEFAULT_PORTS} if choice == "auto" else dict(DEFAULT_PORTS)


def run(arguments: argparse.Namespace) -> None:
    workdir = Path(arguments.dir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "fastly-purges.jsonl").unlink(missing_ok=True)
    port = ports(arguments.ports)
    stack = Stack(workdir)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    fastly = serve_fastly(port["fastly"], workdir / "fastly-purges.jsonl")
    try:
        start_redis(stack, port["redis"], port["redis-replica"])
        endpoint, data_pipeline, refresh = start_moto(stack, port["moto"])
        store = os.environ.get("CAMPAIGNS_STORE", "")
        if not store.startswith("mongodb"):
            store = start_mongo(stack, port["mongo"])
        settings = {
            "CAMPAIGNS_STORE": store,
            "CAMPAIGNS_DATA_DIR": str(workdir / "data"),
            "CAMPAIGNS_PORT": str(port["serve"]),
            "CAMPAIGNS_REDIS_URL": f"redis://127.0.0.1:{port['redis']}/0",
            "CAMPAIGNS_REDIS_REPLICA_URL": f"redis://127.0.0.1:{port['redis-replica']}/0",
            "CAMPAIGNS_KINESIS_STREAM": STREAM,
            "CAMPAIGNS_DATA_PIPELINE_QUEUE_URL": data_pipeline,
            "CAMPAIGNS_REFRESH_SELECTIONS_QUEUE_URL": refresh,
            "CAMPAIGNS_AWS_ENDPOINT_URL": endpoint,
            "CAMPAIGNS_AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "stack",
            "AWS_SECRET_ACCESS_KEY": "stack",
            "CAMPAIGNS_FASTLY_SERVICE_ID": FASTLY_SERVICE_ID,
            "CAMPAIGNS_FASTLY_API_KEY": FASTLY_API_KEY,
            "CAMPAIGNS_FASTLY_API_URL": f"http://127.0.0.1:{port['fastly']}",
        }
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGNS_")}, **settings}
        db_init(env)
        print("# paste these to point `campaigns` at the stack:", flush=True)
        for name, value in settings.items():
            print(f"export {name}={shlex.quote(value)}", flush=True)
        if arguments.serve:
            serve = stack.start("serve", [tool("campaigns"), "serve"], env)
            stack.start("scheduler", [tool("campaigns"), "scheduler"], env)
            wait_until(
                "campaigns serve",
                lambda: httpx.get(f"http://127.0.0.1:{port['serve']}/heartbeat").status_code == 200,
                serve,
            )
            print(
                f"# serving on http://127.0.0.1:{port['serve']} (API page: /schema); a scheduler relays to every sink",
                flush=True,
            )
        print(f"stack ready; logs in {workdir}; Ctrl-C stops everything", flush=True)
        while not stopping.wait(0.5):
            if exited := [name for name, process in stack.processes if process.poll() is not None]:
                raise SystemExit(f"stack: {', '.join(exited)} exited; see {workdir}")
    finally:
        stack.stop()
        fastly.shutdown()
        fastly.server_close()
        print("stack stopped", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="scripts/stack.sh", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", action="store_true", help="also run `campaigns serve` and `campaigns scheduler`")
    parser.add_argument(
        "--dir", default="var/stack", help="logs, PIDs, the data dir and the Fastly purge log (default: var/stack)"
    )
    parser.add_argument(
        "--ports",
        choices=("fixed", "auto"),
        default="fixed",
        help="fixed: "
        + ", ".join(f"{name} {number}" for name, number in DEFAULT_PORTS.items())
        + "; auto: free ports, printed in the export lines",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
