"""A newcomer's first commands: `--version`, and every start-up failure as one line on stderr with exit code 2."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from typer.testing import CliRunner

from campaigns.main.cli.root import cli
from tests.integration.processes import campaigns_environment, free_port, run_campaigns

pytestmark = pytest.mark.integration


def test_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("campaigns ")
    assert result.output.split()[1][0].isdigit(), result.output


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _private_pem(tmp_path: Path) -> str:
    pem = _rsa_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = tmp_path / "private.pem"
    path.write_bytes(pem)
    return str(path)


def _ec_public_pem(_: Path) -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _a_file_as_data_dir(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "not-a-dir").write_text("")
    return {"data_dir": str(tmp_path / "not-a-dir")}


Setup = Callable[[Path], dict[str, str]]
REFUSALS: list[tuple[str, Setup, str]] = [
    ("a private key as the public key", lambda t: {"jwt_public_key": _private_pem(t)}, "holds a private key"),
    ("a key that is not a PEM", lambda _: {"jwt_public_key": "-----BEGIN PUBLIC KEY-----\nnope\n"}, "not a PEM"),
    ("a missing key file", lambda t: {"jwt_public_key": str(t / "absent.pem")}, "JWT_PUBLIC_KEY: neither a PEM"),
    ("an EC key", lambda t: {"jwt_public_key": _ec_public_pem(t)}, "not an RSA key"),
    ("a data dir that is a file", _a_file_as_data_dir, "data dir unusable"),
    ("an unresolvable host", lambda _: {"host": "no-such-host.invalid"}, "CAMPAIGNS_HOST=no-such-host.invalid"),
    ("a sqlite URL with two slashes", lambda _: {"store": "sqlite://var/campaigns.db"}, "too few slashes"),
]


@pytest.mark.parametrize(("setup", "expected"), [pytest.param(s, e, id=name) for name, s, e in REFUSALS])
def test_serve_refuses_to_start_with_one_line_and_code_2(tmp_path: Path, setup: Setup, expected: str) -> None:
    env = campaigns_environment(tmp_path / "data", port=str(free_port()))
    env.update({f"CAMPAIGNS_{name.upper()}": value for name, value in setup(tmp_path).items()})

    result = run_campaigns("serve", env=env)

    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert expected in line
    assert result.stdout == ""
    assert not (tmp_path / "data" / "campaigns.db").exists(), "a refused start created a store"


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_serve_on_a_taken_port_says_so_and_how_to_pick_another(tmp_path: Path, taken_port: int) -> None:
    result = run_campaigns("serve", env=campaigns_environment(tmp_path, port=str(taken_port)))

    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"port {taken_port} on 127.0.0.1 is in use" in line
    assert "campaigns serve --port N" in line


@pytest.mark.parametrize("command", [["outbox", "status"], ["refresh", "--dry-run"]], ids=" ".join)
def test_a_read_only_command_in_a_wrong_data_dir_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    wrong = tmp_path / "typo" / "var"
    monkeypatch.setenv("CAMPAIGNS_DATA_DIR", str(wrong))

    result = CliRunner().invoke(cli, command)

    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"no store: the SQLite file {wrong}/campaigns.db does not exist")
    assert "CAMPAIGNS_DATA_DIR" in line
    assert list(tmp_path.iterdir()) == [], "a read-only command created files"


def test_a_read_only_command_reads_an_existing_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGNS_DATA_DIR", str(tmp_path))
    assert CliRunner().invoke(cli, ["db", "init"]).exit_code == 0

    result = CliRunner().invoke(cli, ["refresh", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert '"dryRun": true' in result.output
