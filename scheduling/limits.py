"""ASGI middleware that rejects request bodies over a size limit with 413."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scheduling.errors import error_body

MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(Exception):
    """The request body passed the limit while it was read."""


class BodySizeLimitMiddleware:
    """Reject bodies over `max_bytes`, by Content-Length up front or by counting a stream."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(send)
            return

        received = 0
        too_large = False
        replaced = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def replacing_send(message: Message) -> None:
            # FastAPI turns an error while reading the body into its own 400, so the response
            # to an oversized body is replaced here.
            nonlocal replaced
            if not too_large:
                await send(message)
            elif not replaced:
                replaced = True
                await self._reject(send)

        try:
            await self.app(scope, counting_receive, replacing_send)
        except BodyTooLarge:
            if not replaced:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body: dict[str, Any] = error_body(
            "request_too_large",
            f"The request body is larger than {self.max_bytes} bytes. Send a smaller body.",
        )
        payload = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
