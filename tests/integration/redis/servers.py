"""Real `redis-server` processes for the tests: a primary and its replica, on free ports, stopped by PID."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.integration.processes import READY_WITHIN, free_port, stop

REDIS_SERVER = shutil.which("redis-server")
NOT_INSTALLED = "redis-server is not installed (scripts/test.sh installs it with apt-get)"


class RedisServer:
    """One `redis-server` without persistence; `replica_of` makes it a replica of that server."""

    def __init__(self, workdir: Path, *, port: int | None = None, replica_of: RedisServer | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.replica_of = replica_of
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if REDIS_SERVER is None:
            pytest.skip(NOT_INSTALLED)
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [
            REDIS_SERVER,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
            *("--dir", str(self.workdir), "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"),
        ]
        if self.replica_of is not None:
            command += ["--replicaof", "127.0.0.1", str(self.replica_of.port)]
        with (self.workdir / "redis.log").open("ab") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603
        self._wait(lambda client: client.ping(), "answer PING")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def wait_until_linked(self) -> None:
        """A replica: until its link to the primary is up (the first full sync done)."""
        self._wait(lambda client: client.info("replication")["master_link_status"] == "up", "link to its primary")

    def _wait(self, ready: Callable[[redis.Redis], object], what: str) -> None:
        deadline = time.monotonic() + READY_WITHIN
        with self.client() as client:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    pytest.fail(f"redis-server exited:\n{(self.workdir / 'redis.log').read_text(errors='replace')}")
                try:
                    if ready(client):
                        return
                except redis.RedisError:
                    pass
                time.sleep(0.01)
        self.stop()
        pytest.fail(f"redis-server on port {self.port} did not {what} within {READY_WITHIN}s")


class RedisPair:
    def __init__(self, primary: RedisServer, replica: RedisServer) -> None:
        self.primary = primary
        self.replica = replica

    def replicated(self) -> None:
        """Block until the replica has every write the primary took so far, from any client.

        `WAIT` waits for this connection's own last write; replication is one ordered stream, so a
        write made now and acknowledged means every earlier one has arrived too.
        """
        with self.primary.client() as client:
            client.set("test:replicated", "1")
            assert client.execute_command("WAIT", 1, 5000) == 1, "the replica did not catch up within 5 s"


@contextmanager
def redis_server(workdir: Path, *, port: int | None = None) -> Iterator[RedisServer]:
    server = RedisServer(workdir, port=port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_pair(workdir: Path) -> Iterator[RedisPair]:
    with redis_server(workdir / "primary") as primary:
        replica = RedisServer(workdir / "replica", replica_of=primary)
        replica.start()
        try:
            replica.wait_until_linked()
            yield RedisPair(primary, replica)
        finally:
            replica.stop()
