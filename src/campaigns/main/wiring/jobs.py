"""What runs on a schedule rather than per request: the lifecycle refresh and the outbox's relay, replay and purge."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket

from dependency_injector import containers, providers

from campaigns.application.ports.outbox import EventSink, OutboxStore
from campaigns.application.ports.system import Clock
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.application.use_cases.replay_outbox import ReplayOutbox
from campaigns.config import Settings
from campaigns.entrypoints.metrics import Metrics
from campaigns.entrypoints.scheduler import Scheduler


def relay_holder() -> str:
    """Names this process in the relay lease: host and pid for operators, a random part for uniqueness."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Jobs(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    outbox: providers.Dependency[OutboxStore] = providers.Dependency()
    sinks: providers.Dependency[list[EventSink]] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    metrics = providers.Dependency(instance_of=Metrics)
    refresh_lifecycle: providers.Dependency[RefreshLifecycle] = providers.Dependency()

    relay_outbox = providers.Singleton(
        RelayOutbox, outbox=outbox, sinks=sinks, clock=clock, holder=providers.Callable(relay_holder)
    )
    replay_outbox = providers.Singleton(ReplayOutbox, outbox=outbox, sinks=sinks)
    purge_outbox = providers.Singleton(
        PurgeDeliveredOutbox,
        outbox=outbox,
        sinks=sinks,
        clock=clock,
        retention=providers.Callable(dt.timedelta, hours=settings.provided.outbox_retention_hours),
    )
    scheduler = providers.Singleton(
        Scheduler,
        refresh=refresh_lifecycle,
        relay=relay_outbox,
        purge=purge_outbox,
        outbox=outbox,
        metrics=metrics,
        clock=clock,
        tick_seconds=settings.provided.tick_seconds,
        relay_seconds=settings.provided.relay_seconds,
    )
