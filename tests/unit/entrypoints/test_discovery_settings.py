"""The Discovery settings: optional key, defaults that suit Ticketmaster, bad values named."""

from __future__ import annotations

import pytest

from campaigns.config import ConfigurationError, load_settings
from campaigns.main.wiring.discovery import discovery_mode


def test_discovery_is_off_by_default_with_ticketmasters_defaults() -> None:
    settings = load_settings({})

    assert settings.discovery_api_key is None
    assert discovery_mode(settings) == "unconfigured"
    assert settings.discovery_url == "https://app.ticketmaster.com"
    assert (settings.discovery_connect_timeout_seconds, settings.discovery_read_timeout_seconds) == (2.0, 5.0)
    assert settings.discovery_cache_ttl_seconds == 300.0
    assert settings.discovery_not_found_ttl_seconds == 30.0


def test_a_key_turns_the_api_catalog_on() -> None:
    settings = load_settings({"CAMPAIGNS_DISCOVERY_API_KEY": "abc", "CAMPAIGNS_DISCOVERY_URL": "http://127.0.0.1:9"})

    assert discovery_mode(settings) == "api"
    assert settings.discovery_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CAMPAIGNS_DISCOVERY_URL": "app.ticketmaster.com"}, "CAMPAIGNS_DISCOVERY_URL"),
        ({"CAMPAIGNS_DISCOVERY_READ_TIMEOUT_SECONDS": "0"}, "CAMPAIGNS_DISCOVERY_READ_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_DISCOVERY_CONNECT_TIMEOUT_SECONDS": "soon"}, "CAMPAIGNS_DISCOVERY_CONNECT_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_DISCOVERY_CACHE_TTL_SECONDS": "-1"}, "CAMPAIGNS_DISCOVERY_CACHE_TTL_SECONDS"),
        ({"CAMPAIGNS_DISCOVERY_NOT_FOUND_TTL_SECONDS": "a bit"}, "CAMPAIGNS_DISCOVERY_NOT_FOUND_TTL_SECONDS"),
    ],
)
def test_a_bad_discovery_value_names_its_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings(environ)

    assert str(raised.value).startswith(f"{named}:")
