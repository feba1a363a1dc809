"""A deadline on request bodies, so a client that never finishes its body holds nothing for long (spec §4)."""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from campaigns.domain.errors import CampaignError

_BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""No handler of these methods reads a body, so their requests are not wrapped (the lookup's path pays nothing)."""


class RequestTimedOut(CampaignError):
    """The request's body did not fully arrive in time (answered 408 by the error mapping)."""

    code = "REQUEST_TIMEOUT"
    default_message = "The request body did not arrive in time; send it again, whole."


class BodyDeadline:
    """Every read of a request's body must end within `timeout_seconds` of the request's start.

    Past the deadline the pending read is cancelled and raises RequestTimedOut, which the app's
    error handling answers 408; the server then closes the connection (its body was never read
    whole), freeing the request's task and granian's per-connection permit. Reads after the last
    body chunk (waiting for a disconnect) are not timed.
    """

    def __init__(self, app: ASGIApp, *, timeout_seconds: float) -> None:
        self._app = app
        self._timeout = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] in _BODILESS_METHODS:
            await self._app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self._timeout
        whole = False

        async def receive_by_deadline() -> ReceiveMessage:
            nonlocal whole
            if whole:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise RequestTimedOut from None
            whole = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self._app(scope, receive_by_deadline, send)
