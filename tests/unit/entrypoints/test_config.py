"""Settings are validated at start, each bad value reported in one line naming its variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.config import ConfigurationError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings({})

    assert (settings.host, settings.port, settings.tick_seconds) == ("127.0.0.1", 8080, 15.0)
    assert settings.sqlite_path == Path("var") / "campaigns.db"


def test_values_are_read_from_their_variables() -> None:
    settings = load_settings(
        {"CAMPAIGNS_PORT": "9090", "CAMPAIGNS_DATA_DIR": "/srv/c", "CAMPAIGNS_TICK_SECONDS": "2.5"}
    )

    assert (settings.port, settings.tick_seconds) == (9090, 2.5)
    assert settings.events_path == Path("/srv/c/events.jsonl")
    assert load_settings({}).http_body_timeout_seconds == 10.0
    assert load_settings({"CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS": "2.5"}).http_body_timeout_seconds == 2.5


def test_an_explicit_sqlite_store_wins_over_the_data_dir() -> None:
    """As in SQLAlchemy URLs: three slashes then a relative path, four for an absolute one."""
    assert load_settings({"CAMPAIGNS_STORE": "sqlite:///data/c.db"}).sqlite_path == Path("data/c.db")
    assert load_settings({"CAMPAIGNS_STORE": "sqlite:////srv/c.db"}).sqlite_path == Path("/srv/c.db")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CAMPAIGNS_PORT": "eighty"}, "CAMPAIGNS_PORT"),
        ({"CAMPAIGNS_PORT": "70000"}, "CAMPAIGNS_PORT"),
        ({"CAMPAIGNS_TICK_SECONDS": "0"}, "CAMPAIGNS_TICK_SECONDS"),
        ({"CAMPAIGNS_LOG_LEVEL": "LOUD"}, "CAMPAIGNS_LOG_LEVEL"),
        ({"CAMPAIGNS_TICKSECONDS": "5"}, "CAMPAIGNS_TICKSECONDS"),
        ({"CAMPAIGNS_STORE": "sqlite://campaigns.db"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "sqlite:///"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "postgres://db/campaigns"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "campaigns.db"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "mongodb://"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "mongodb://db:99999/campaigns"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "mongodb://db/campaigns?notAnOption=1"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "mongodb+srv://cluster.example.net:27017/campaigns"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_STORE": "mongodb+srv://a.example.net,b.example.net/campaigns"}, "CAMPAIGNS_STORE"),
        ({"CAMPAIGNS_MONGO_TIMEOUT_SECONDS": "0"}, "CAMPAIGNS_MONGO_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS": "0"}, "CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS": "61"}, "CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS": "soon"}, "CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_REDIS_URL": "http://cache:6379"}, "CAMPAIGNS_REDIS_URL"),
        ({"CAMPAIGNS_REDIS_REPLICA_URL": "redis://replica:6379"}, "CAMPAIGNS_REDIS_REPLICA_URL"),
        ({"CAMPAIGNS_KINESIS_STREAM": "campaign events"}, "CAMPAIGNS_KINESIS_STREAM"),
        ({"CAMPAIGNS_DATA_PIPELINE_QUEUE_URL": "sqs://queue"}, "CAMPAIGNS_DATA_PIPELINE_QUEUE_URL"),
        ({"CAMPAIGNS_REFRESH_SELECTIONS_QUEUE_URL": "https://sqs"}, "CAMPAIGNS_REFRESH_SELECTIONS_QUEUE_URL"),
        ({"CAMPAIGNS_AWS_ENDPOINT_URL": "localhost:5001"}, "CAMPAIGNS_AWS_ENDPOINT_URL"),
        ({"CAMPAIGNS_AWS_REGION": "virginia"}, "CAMPAIGNS_AWS_REGION"),
        ({"CAMPAIGNS_AWS_CONNECT_TIMEOUT_SECONDS": "0"}, "CAMPAIGNS_AWS_CONNECT_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_AWS_READ_TIMEOUT_SECONDS": "soon"}, "CAMPAIGNS_AWS_READ_TIMEOUT_SECONDS"),
        ({"CAMPAIGNS_FASTLY_SERVICE_ID": "svc id", "CAMPAIGNS_FASTLY_API_KEY": "k"}, "CAMPAIGNS_FASTLY_SERVICE_ID"),
        ({"CAMPAIGNS_FASTLY_SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY"}, "CAMPAIGNS_FASTLY_SERVICE_ID"),
        ({"CAMPAIGNS_FASTLY_API_KEY": "token"}, "CAMPAIGNS_FASTLY_API_KEY"),
        ({"CAMPAIGNS_FASTLY_API_URL": "api.fastly.com"}, "CAMPAIGNS_FASTLY_API_URL"),
    ],
)
def test_a_bad_value_names_its_variable_in_one_line(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings(environ)

    message = str(raised.value)
    assert message.startswith(f"{named}:")
    assert "\n" not in message


def test_the_store_url_chooses_the_profile() -> None:
    embedded = load_settings({})
    mongo = load_settings({"CAMPAIGNS_STORE": "mongodb://a:27017,b:27018/presales?replicaSet=rs0"})
    srv = load_settings({"CAMPAIGNS_STORE": "mongodb+srv://cluster.example.net/?retryWrites=true"})

    assert (embedded.store_kind, embedded.profile) == ("sqlite", "embedded")
    assert (mongo.store_kind, mongo.profile, mongo.mongo_database) == ("mongo", "production", "presales")
    assert (srv.store_kind, srv.profile, srv.mongo_database) == ("mongo", "production", "campaigns")
    assert mongo.mongo_timeout_seconds == 5.0
    assert mongo.store_description == "MongoDB at a:27017,b:27018 (database presales)"


def test_every_production_variable_is_accepted_while_its_adapter_is_to_come() -> None:
    settings = load_settings(
        {
            "CAMPAIGNS_REDIS_URL": "redis://:secret@cache:6379/0",
            "CAMPAIGNS_REDIS_REPLICA_URL": "rediss://replica:6380",
            "CAMPAIGNS_KINESIS_STREAM": "campaign-events",
            "CAMPAIGNS_DATA_PIPELINE_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/pipeline",
            "CAMPAIGNS_REFRESH_SELECTIONS_QUEUE_URL": "http://127.0.0.1:5001/123456789012/refresh.fifo",
            "CAMPAIGNS_AWS_ENDPOINT_URL": "http://127.0.0.1:5001",
            "CAMPAIGNS_AWS_REGION": "eu-west-1",
            "CAMPAIGNS_FASTLY_SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY",
            "CAMPAIGNS_FASTLY_API_KEY": "fastly-token",
            "CAMPAIGNS_FASTLY_API_URL": "http://127.0.0.1:9000",
        }
    )

    assert settings.redis_replica_url == "rediss://replica:6380"
    assert (settings.kinesis_stream, settings.aws_region) == ("campaign-events", "eu-west-1")
    assert settings.fastly_api_url == "http://127.0.0.1:9000"
    assert load_settings({}).aws_region == "us-east-1"
    assert load_settings({}).fastly_api_url == "https://api.fastly.com"


@pytest.mark.parametrize(
    "environ",
    [
        {"CAMPAIGNS_STORE": "mongodb://operator:hunter2@db:99999/campaigns"},
        {"CAMPAIGNS_REDIS_URL": "http://operator:hunter2@cache"},
        {"CAMPAIGNS_FASTLY_API_KEY": "hunter2 hunter2", "CAMPAIGNS_FASTLY_SERVICE_ID": "svc"},
    ],
)
def test_a_bad_value_is_not_echoed_since_it_may_hold_a_secret(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings(environ)

    assert "hunter2" not in str(raised.value)


def test_a_sqlite_url_with_too_few_slashes_says_how_many() -> None:
    with pytest.raises(ConfigurationError, match="too few slashes") as raised:
        load_settings({"CAMPAIGNS_STORE": "sqlite://var/campaigns.db"})

    assert "sqlite:///" in str(raised.value)
    assert "sqlite:////" in str(raised.value)


def test_the_command_line_exits_non_zero_with_that_line(tmp_path: Path) -> None:
    environ = {"CAMPAIGNS_PORT": "eighty", "CAMPAIGNS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-c", "from campaigns.main.cli.root import main; main()", "refresh", "--dry-run"]

    result = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)  # noqa: S603

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["configuration error: CAMPAIGNS_PORT: Expected `int`, got `str`"]


def test_a_bad_choice_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings({"CAMPAIGNS_LOG_LEVEL": "verbose"})

    assert str(raised.value) == "CAMPAIGNS_LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR"


def test_an_unknown_name_suggests_the_closest_known_one() -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings({"CAMPAIGNS_KINESIS_STREEM": "campaign-events"})

    assert str(raised.value) == "CAMPAIGNS_KINESIS_STREEM: not a known setting; did you mean CAMPAIGNS_KINESIS_STREAM?"


def test_an_unknown_name_like_none_suggests_nothing() -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings({"CAMPAIGNS_ZZZ": "1"})

    assert str(raised.value) == "CAMPAIGNS_ZZZ: not a known setting"


def test_an_empty_value_with_a_default_is_an_error_naming_the_default() -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings({"CAMPAIGNS_PORT": ""})

    assert str(raised.value).startswith("CAMPAIGNS_PORT: empty;")
    assert "8080" in str(raised.value)


def test_an_empty_optional_value_means_unset() -> None:
    """Unset is meaningful for a sink or a key (the embedded stand-in), so empty is read as unset there."""
    settings = load_settings({"CAMPAIGNS_REDIS_URL": "", "CAMPAIGNS_KINESIS_STREAM": ""})

    assert (settings.redis_url, settings.kinesis_stream) == (None, None)
