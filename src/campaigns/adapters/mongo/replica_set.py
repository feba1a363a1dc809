"""Why a MongoDB URL that names a replica set finds no server, when the server itself answers.

The driver drops a server whose replica set is not the one the URL names (`?replicaSet=`), then
reports a server-selection timeout that reads like a network outage. Asking each seed host
directly for its `hello` tells the two apart.
"""

from __future__ import annotations

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError
from pymongo.uri_parser import parse_uri


async def replica_set_mismatch(url: str, *, timeout_seconds: float) -> str | None:
    """What the seed hosts answer instead of the replica set `url` names, or None (no set named, or nobody answers)."""
    parsed = parse_uri(url)
    wanted = parsed["options"].get("replicaSet")
    if not wanted:
        return None
    timeout_ms = max(1, round(timeout_seconds * 1000))
    for host, port in parsed["nodelist"]:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
            host, port, directConnection=True, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
        )
        try:
            hello = await client.admin.command("hello")
        except PyMongoError:
            continue
        finally:
            await client.close()
        actual = hello.get("setName")
        answer = f"a member of replica set {actual!r}" if actual else "a server that is not in a replica set"
        return (
            f"the server at {host}:{port} answers as {answer}, but the URL names replicaSet={wanted}:"
            f" {f'name replicaSet={actual} in' if actual else 'remove replicaSet from'} the URL"
            " (the nx-27017 stand-in needs none)"
        )
    return None
