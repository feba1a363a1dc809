"""The process's AWS clients (aioboto3): one session, one client per service, opened once and closed at shutdown.

Credentials come from the standard AWS chain (environment, shared files, container or instance
role); `endpoint_url` points the clients at a local stand-in (moto) instead of AWS. The SDK's own
retries are off: the sinks retry what failed themselves (per record, with backoff), and a call that
cannot connect or answer within the timeouts fails fast so the relay can back off.

aioboto3 and aiobotocore are imported only when a client is opened: they take half a second to
import, which every `campaigns` command would pay otherwise.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient
    from types_aiobotocore_sqs.client import SQSClient


class AwsConnection(msgspec.Struct, frozen=True, kw_only=True):
    """Where and how the clients connect (from `CAMPAIGNS_AWS_*`)."""

    region: str
    endpoint_url: str | None = None
    connect_timeout: float = 2.0
    read_timeout: float = 10.0
    max_pool_connections: int = 10


class AwsSession:
    """One aioboto3 session for the process, created on first use."""

    def __init__(self) -> None:
        self._session: Any = None

    def get(self) -> Any:
        if self._session is None:
            import aioboto3  # noqa: PLC0415 - heavy import, only when AWS is configured

            self._session = aioboto3.Session()
        return self._session


@asynccontextmanager
async def _client(session: AwsSession, service: str, connection: AwsConnection, *, enabled: bool) -> AsyncIterator[Any]:
    """The service's client while `enabled` (else None, and nothing is opened)."""
    if not enabled:
        yield None
        return
    from aiobotocore.config import AioConfig  # noqa: PLC0415 - heavy import, only when AWS is configured

    config = AioConfig(
        connect_timeout=connection.connect_timeout,
        read_timeout=connection.read_timeout,
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=connection.max_pool_connections,
    )
    async with session.get().client(
        service, region_name=connection.region, endpoint_url=connection.endpoint_url, config=config
    ) as client:
        yield client


async def kinesis_client(
    session: AwsSession, connection: AwsConnection, *, enabled: bool
) -> AsyncIterator[KinesisClient | None]:
    """The Kinesis client while a stream is configured: fits `providers.Resource`."""
    async with _client(session, "kinesis", connection, enabled=enabled) as client:
        yield client


async def sqs_client(
    session: AwsSession, connection: AwsConnection, *, enabled: bool
) -> AsyncIterator[SQSClient | None]:
    """The SQS client while a queue is configured: fits `providers.Resource`."""
    async with _client(session, "sqs", connection, enabled=enabled) as client:
        yield client
