"""One `moto_server` per session for the AWS sinks' tests; each test makes its own stream and queues."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from campaigns.adapters.aws.clients import AwsConnection, AwsSession, kinesis_client, sqs_client
from campaigns.main.container import Container
from tests.bootstrap import composed, settings_for
from tests.integration.aws.moto import (
    MotoServer,
    aws_credentials,  # noqa: F401 - the autouse fixture, for this package
    moto_server,
)

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient
    from types_aiobotocore_sqs.client import SQSClient


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    with moto_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


def connection_to(server: MotoServer) -> AwsConnection:
    """Short timeouts: a stopped server must fail a call at once, never hang a test."""
    return AwsConnection(region="us-east-1", endpoint_url=server.url, connect_timeout=1.0, read_timeout=5.0)


@asynccontextmanager
async def clients_of(server: MotoServer) -> AsyncIterator[tuple[KinesisClient, SQSClient]]:
    """A Kinesis and an SQS client on `server`, opened and closed as the container's resources do."""
    session, connection = AwsSession(), connection_to(server)
    async with (
        asynccontextmanager(kinesis_client)(session, connection, enabled=True) as kinesis,
        asynccontextmanager(sqs_client)(session, connection, enabled=True) as sqs,
    ):
        assert kinesis is not None
        assert sqs is not None
        yield kinesis, sqs


@pytest.fixture
async def kinesis(moto: MotoServer) -> AsyncIterator[KinesisClient]:
    async with clients_of(moto) as (client, _):
        yield client


@pytest.fixture
async def sqs(moto: MotoServer) -> AsyncIterator[SQSClient]:
    async with clients_of(moto) as (_, client):
        yield client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def create_stream(client: KinesisClient, name: str | None = None, *, shards: int = 2) -> str:
    name = name or unique("campaigns")
    await client.create_stream(StreamName=name, ShardCount=shards)
    return name


async def create_queue(client: SQSClient, name: str | None = None, *, fifo: bool = False) -> str:
    name = name or unique("queue")
    if fifo:
        created = await client.create_queue(QueueName=f"{name}.fifo", Attributes={"FifoQueue": "true"})
    else:
        created = await client.create_queue(QueueName=name)
    return created["QueueUrl"]


@pytest.fixture
async def stream(kinesis: KinesisClient) -> str:
    return await create_stream(kinesis)


def composed_with_aws(data_dir: Path, server: MotoServer, **variables: str) -> AbstractAsyncContextManager[Container]:
    """The service's composition on a SQLite file in `data_dir`, AWS at `server`, `CAMPAIGNS_<variables>` set."""
    return composed(settings_for(data_dir, aws_endpoint_url=server.url, **variables), indexed=True)
