"""Request bodies that do not arrive whole: past a deadline (408), or because the client left (499).

A client that never finishes its body holds nothing for long (spec §4); one that leaves mid-body is
told apart from a failure of the service.
"""

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


class ClientClosedRequest(CampaignError):
    """The client disconnected before its body arrived whole: nobody reads the answer, and nothing failed here.

    Answered with nginx's 499, so access logs and `/metrics` count it apart from the service's own errors.
    """

    code = "CLIENT_CLOSED_REQUEST"
    default_message = "The client closed the connection before sending its whole body."


class BodyDeadline:
    """Every read of a request's body must end within `timeout_seconds` of the request's start.

    Past the deadline the pending read is cancelled and raises RequestTimedOut, which the app's
    error handling answers 408; the server then closes the connection (its body was never read
    whole), freeing the request's task and granian's per-connection permit. Reads after the last
    body chunk (waiting for a disconnect) are not timed. A disconnect before the last chunk raises
    ClientClosedRequest (Litestar would call it an internal error).
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
            if message["type"] == "http.disconnect":
                raise ClientClosedRequest
            whole = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self._app(scope, receive_by_deadline, send)
