"""The event sinks the outbox relay delivers to, each present while the setting naming its destination is set."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers
from redis.asyncio import Redis

from campaigns.adapters.aws import clients as aws_clients
from campaigns.adapters.aws.clients import AwsConnection, AwsSession
from campaigns.adapters.aws.kinesis_event_sink import KinesisEventSink
from campaigns.adapters.aws.sqs_event_sink import SqsEventSink
from campaigns.adapters.fastly.cdn_purger import FastlyCdnPurger, fastly_http_client
from campaigns.adapters.local.json_lines_event_sink import JsonLinesEventSink
from campaigns.adapters.local.logging_cdn_purger import LoggingCdnPurger
from campaigns.adapters.redis.campaign_documents import RedisCampaignDocumentsSink
from campaigns.application.event_catalogue import ROUTES
from campaigns.application.ports.outbox import EventSink
from campaigns.application.ports.store import StoreReader
from campaigns.config import Settings
from campaigns.main.wiring.selectors import when_set


def without_aws_sink(settings: Settings) -> bool:
    """The local file takes the stream while no AWS sink does, so the embedded profile shows every event."""
    return not any((settings.kinesis_stream, settings.data_pipeline_queue_url, settings.refresh_selections_queue_url))


def aws_connection_of(settings: Settings) -> AwsConnection:
    """Where and how the AWS clients connect: `CAMPAIGNS_AWS_*`."""
    return AwsConnection(
        region=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        connect_timeout=settings.aws_connect_timeout_seconds,
        read_timeout=settings.aws_read_timeout_seconds,
    )


def sqs_wanted(settings: Settings) -> bool:
    return bool(settings.data_pipeline_queue_url or settings.refresh_selections_queue_url)


def aws_sink(
    kind: type[EventSink], client: providers.Provider[Any], destination: providers.Provider[Any], sink: str
) -> providers.Selector[Any]:
    """The `kind` sink named `sink`, sending with `client` to `destination` while that setting is set, else None."""
    return when_set(destination, providers.Singleton(kind, client, destination, route=ROUTES[sink]))


def configured_sinks(*sinks: EventSink | None) -> list[EventSink]:
    return [sink for sink in sinks if sink is not None]


class Sinks(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    redis: providers.Dependency[Redis | None] = providers.Dependency()
    """The Redis primary, or None without Redis."""
    reads: providers.Dependency[StoreReader] = providers.Dependency()

    json_lines_sink = when_set(
        providers.Callable(without_aws_sink, settings),
        providers.Singleton(JsonLinesEventSink, settings.provided.events_path, route=ROUTES["json-lines"]),
    )
    aws_session = providers.Singleton(AwsSession)
    aws_connection = providers.Singleton(aws_connection_of, settings)
    kinesis_client = providers.Resource(
        aws_clients.kinesis_client,
        aws_session,
        aws_connection,
        enabled=providers.Callable(bool, settings.provided.kinesis_stream),
    )
    """Opened only while a stream is configured (else None); closed by `shutdown_resources()`."""
    sqs_client = providers.Resource(
        aws_clients.sqs_client, aws_session, aws_connection, enabled=providers.Callable(sqs_wanted, settings)
    )
    """One client for both queues, opened only while one is configured (else None)."""
    kinesis_sink = aws_sink(KinesisEventSink, kinesis_client, settings.provided.kinesis_stream, "kinesis")
    data_pipeline_sink = aws_sink(SqsEventSink, sqs_client, settings.provided.data_pipeline_queue_url, "data-pipeline")
    refresh_selections_sink = aws_sink(
        SqsEventSink, sqs_client, settings.provided.refresh_selections_queue_url, "refresh-selections"
    )
    redis_documents_sink = when_set(
        settings.provided.redis_url,
        providers.Singleton(RedisCampaignDocumentsSink, redis, reads, route=ROUTES["redis"]),
    )
    fastly_client = providers.Resource(
        fastly_http_client,
        settings.provided.fastly_api_url,
        enabled=providers.Callable(bool, settings.provided.fastly_service_id),
    )
    cdn_sink = when_set(
        settings.provided.fastly_service_id,
        providers.Singleton(
            FastlyCdnPurger,
            fastly_client,
            route=ROUTES["fastly"],
            service_id=settings.provided.fastly_service_id,
            api_key=settings.provided.fastly_api_key,
        ),
        otherwise=providers.Singleton(LoggingCdnPurger, route=ROUTES["cdn-log"]),
    )
    """Fastly purges when a service is configured, else purges logged (`cdn-log`)."""
    sinks = providers.Callable(
        configured_sinks,
        json_lines_sink,
        kinesis_sink,
        data_pipeline_sink,
        refresh_selections_sink,
        redis_documents_sink,
        cdn_sink,
    )
    """Every sink the settings configure; each adapter's provider answers None when it is not configured."""
