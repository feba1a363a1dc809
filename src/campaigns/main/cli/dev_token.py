"""`campaigns token`: a dev JWT for trying the API by hand, signed with the embedded key pair."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.domain.permissions import Action
from campaigns.main.cli.running import command_settings, lifetime


def token(
    supreme: Annotated[bool, typer.Option("--supreme", help="Grant everything.")] = False,
    campaign: Annotated[
        list[str] | None, typer.Option("--campaign", metavar="ID:ACTIONS", help="ID:read,write,admin (repeatable).")
    ] = None,
    user: Annotated[str, typer.Option("--user", metavar="USER", help="The token's userId.")] = "dev",
    ttl: Annotated[str, typer.Option("--ttl", metavar="DURATION", help="Lifetime: 30s, 15m, 1h, 7d.")] = "1h",
) -> None:
    """Print a dev JWT signed with the embedded key pair (created under the data dir if missing)."""
    settings = command_settings()
    grants = _grants(campaign or [])
    if not supreme and not grants:
        typer.echo(
            "warning: this token grants no right (add --supreme or --campaign ID:read,write); it only passes"
            " routes that need any valid token, such as the lookup by domain",
            err=True,
        )
    claims: dict[str, object] = {"userId": user, "supreme": supreme, "campaignActions": grants}
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    now = dt.datetime.now(dt.UTC)
    typer.echo(DevKeyPair(settings.dev_key_dir).mint(claims, ttl=lifetime(ttl), now=now))


def _grants(specs: list[str]) -> dict[str, list[str]]:
    grants: dict[str, list[str]] = {}
    for spec in specs:
        campaign_id, _, names = spec.partition(":")
        actions = [name.strip() for name in names.split(",") if name.strip()]
        if not campaign_id or not actions or any(a not in Action.__members__.values() for a in actions):
            raise typer.BadParameter(f"{spec!r}: expected ID:read,write,admin", param_hint="--campaign")
        grants[campaign_id] = actions
    return grants
