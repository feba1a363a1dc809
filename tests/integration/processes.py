"""Real processes for the integration tests: the `campaigns` command and the MongoDB stand-in, stopped by PID.

The stand-in is `nx-27017` (a MongoDB wire-protocol server over SQLite, see docs/development.md).
When `CAMPAIGNS_TEST_MONGO_URL` is set, the tests use that MongoDB instead and start no stand-in.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError
from pymongo.uri_parser import parse_uri

T = TypeVar("T")

TEST_MONGO_URL = "CAMPAIGNS_TEST_MONGO_URL"
READY_WITHIN = 20.0
STOP_WITHIN = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def console_script(name: str) -> list[str]:
    """The installed console script `name`, next to this interpreter first (the project's venv)."""
    script = Path(sys.executable).with_name(name)
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    if found:
        return [found]
    if name == "campaigns":
        return [sys.executable, "-c", "from campaigns.main.cli.root import main; main()"]
    pytest.fail(f"`{name}` is not installed (uv sync installs the dev dependencies)")


def campaigns_environment(data_dir: Path, **variables: str) -> dict[str, str]:
    """This process's environment without any `CAMPAIGNS_*` variable, then the data dir and `variables`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CAMPAIGNS_")}
    env.update({"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_TICK_SECONDS": "1", "CAMPAIGNS_LOG_LEVEL": "WARNING"})
    env.update({f"CAMPAIGNS_{name.upper()}": value for name, value in variables.items()})
    return env


def run_campaigns(*args: str, env: Mapping[str, str], timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [*console_script("campaigns"), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then SIGKILL if it does not exit in time; its exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_WITHIN)
    return process.returncode


class Process:
    """A started `campaigns` command with its output in a log file."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path, base_url: str | None = None) -> None:
        self.process = process
        self.log = log
        self.base_url = base_url

    def output(self) -> str:
        return f"exit {self.process.poll()}, output:\n{self.log.read_text(errors='replace')}"

    def stop(self) -> int:
        return stop(self.process)


@contextmanager
def started(*args: str, env: Mapping[str, str], log: Path, port: int | None = None) -> Iterator[Process]:
    """`campaigns *args` in the background (ready once `/heartbeat` answers when it serves `port`), stopped after."""
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [*console_script("campaigns"), *args], env=dict(env), stdout=sink, stderr=subprocess.STDOUT
        )
    handle = Process(process, log, f"http://127.0.0.1:{port}" if port is not None else None)
    try:
        if handle.base_url is not None:
            wait_until_serving(handle)
        yield handle
    finally:
        stop(process)


def wait_until_serving(handle: Process) -> None:
    """Poll the heartbeat with short requests, for a bounded time; fail at once if the process died."""
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if handle.process.poll() is not None:
            pytest.fail(f"`campaigns serve` exited before answering:\n{handle.output()}")
        try:
            if httpx.get(f"{handle.base_url}/heartbeat", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop(handle.process)
    pytest.fail(f"`campaigns serve` did not answer /heartbeat within {READY_WITHIN}s:\n{handle.output()}")


def until(what: str, check: Callable[[], T | None], *processes: Process, within: float = 30.0) -> T:
    """Poll `check()` until it returns something truthy, failing after `within` s or when a process died."""
    deadline = time.monotonic() + within
    while True:
        if result := check():
            return result
        for process in processes:
            if process.process.poll() is not None:
                pytest.fail(f"a process exited while waiting for {what}:\n{process.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {within}s:\n" + "\n".join(p.output() for p in processes))
        time.sleep(0.1)


def read_events(path: Path) -> list[dict[str, Any]]:
    """The CloudEvents a relay appended to the JSON-lines sink at `path` (none when it does not exist yet)."""
    if not path.exists():
        return []
    *whole, _being_written = path.read_text().split("\n")
    return [json.loads(line) for line in whole if line.strip()]


def with_database(url: str, name: str) -> str:
    """`url` naming database `name` (its hosts, credentials and options kept)."""
    scheme, _, rest = url.partition("://")
    head, _, query = rest.partition("?")
    hosts = head.partition("/")[0]
    return f"{scheme}://{hosts}/{name}" + (f"?{query}" if query else "")


def fresh_database_name() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


def drop_database(url: str) -> None:
    client: MongoClient[dict[str, Any]]
    with MongoClient(url, serverSelectionTimeoutMS=5000) as client:
        client.drop_database(parse_uri(url)["database"])


class MongoStandIn:
    """One `nx-27017` server on a fixed port: `--db memory`, or a file that keeps its data across a restart."""

    def __init__(self, workdir: Path, *, port: int | None = None, db: str = "memory") -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.db = db
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"mongodb://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [
            *console_script("nx-27017"),
            *("--db", self.db, "--host", "127.0.0.1", "-p", str(self.port)),
            *("--log-file", str(self.workdir / "nx.log"), "--pid-file", str(self.workdir / "nx.pid")),
        ]
        with (self.workdir / "stdout.log").open("ab") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603
        self._wait_until_answering()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                pytest.fail(f"nx-27017 exited at start:\n{(self.workdir / 'stdout.log').read_text(errors='replace')}")
            try:
                client: MongoClient[dict[str, Any]]
                with MongoClient(self.url, serverSelectionTimeoutMS=500, connectTimeoutMS=500) as client:
                    client.admin.command("ping")
                return
            except PyMongoError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"nx-27017 did not answer on port {self.port} within {READY_WITHIN}s")


@contextmanager
def mongo_stand_in(workdir: Path, *, port: int | None = None, db: str = "memory") -> Iterator[MongoStandIn]:
    server = MongoStandIn(workdir, port=port, db=db)
    server.start()
    try:
        yield server
    finally:
        server.stop()
