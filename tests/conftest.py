"""Shared test configuration: hypothesis profiles (HYPOTHESIS_PROFILE) and loggers tests can capture.

`ci` is derandomized so a run is reproducible from its commit alone; `deep` is the exploratory
profile (`make deep-properties`) that searches far more examples from fresh random seeds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=3000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def capturable_loggers() -> Iterator[None]:
    """Loggers never cache their configuration, so `structlog.testing.capture_logs` sees every line.

    The service caches it for speed; a test that configured logging (through the CLI or the app)
    would otherwise leave module loggers bound to that configuration for every later test.
    """
    configure = structlog.configure

    def uncached(**options: Any) -> None:
        configure(**{**options, "cache_logger_on_first_use": False})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(structlog, "configure", uncached)
        yield
