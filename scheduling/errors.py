"""One error shape for every status, and handlers that never leak a stack trace.

Every error body is `{"error": {"code", "message", "field"}}`. Messages name the wrong value and
the fix, but echo a submitted value only for fields that cannot hold PHI (`ECHOABLE_FIELDS`).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

ECHOABLE_FIELDS = frozenset(
    {
        "provider_id",
        "site_id",
        "appointment_type_id",
        "specialty",
        "start_date",
        "end_date",
        "time_of_day",
        "after",
        "before",
        "limit",
        "status",
        "include_past",
        "slot_id",
        "appointment_id",
        "priority",
        "channel",
        "Idempotency-Key",
    }
)
MAX_ECHO_CHARS = 80

FIELD_HINTS = {
    "start_date": "Use a real calendar date as YYYY-MM-DD.",
    "end_date": "Use a real calendar date as YYYY-MM-DD.",
    "date_of_birth": "Use a real calendar date as YYYY-MM-DD.",
    "after": "Use a 24-hour local time as HH:MM, such as 09:30.",
    "before": "Use a 24-hour local time as HH:MM, such as 17:00.",
    "limit": "Use a whole number from 1 to 100.",
    "slot_id": "Use a slot_id returned by GET /v1/slots.",
    "appointment_id": "Use an appointment id returned by GET /v1/appointments.",
}

STATUS_CODES = {
    401: "invalid_token",
    403: "forbidden",
    429: "too_many_attempts",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """Error that handlers turn into the standard JSON body with `status_code`."""

    def __init__(self, status_code: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """Build the standard error body."""
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(status_code: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """Build a JSON response holding the standard error body."""
    return JSONResponse(error_body(code, message, field), status_code=status_code, headers=headers)


def describe_validation_error(error: dict[str, Any]) -> tuple[str | None, str]:
    """Return the field name and a message for one pydantic error, without echoing PHI."""
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
    field = location[-1] if location else None
    if error.get("type") == "json_invalid":
        return None, "The request body is not valid JSON. Send a JSON object."
    if field is None:
        return None, f"Invalid request body: {error.get('msg', 'invalid value')}. Send a JSON object."

    detail = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        message = f"{field} is required but missing."
    elif error.get("type") == "extra_forbidden":
        message = f"{field} is not a known field; remove it."
    elif field in ECHOABLE_FIELDS and isinstance(error.get("input"), (str, int, float, bool)):
        shown = str(error["input"])[:MAX_ECHO_CHARS]
        message = f"Invalid {field} '{shown}': {detail}."
    else:
        message = f"Invalid {field}: {detail}."
    hint = FIELD_HINTS.get(field)
    return field, f"{message} {hint}" if hint else message


async def _handle_api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status_code, exc.code, exc.message, exc.field, exc.headers)


async def _handle_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    field, message = describe_validation_error(errors[0]) if errors else (None, "Invalid request.")
    return error_response(422, "invalid_request", message, field)


async def _handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = STATUS_CODES.get(exc.status_code, "http_error")
    if exc.status_code == 404:
        message = f"No endpoint at {request.url.path}. See /docs for the API."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}. See /docs for the API."
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


class UnexpectedErrorMiddleware:
    """Turn any unhandled exception into a 500 with the standard body, logged without PHI.

    Starlette's own server-error handler re-raises after responding, so uvicorn would log the
    traceback and the exception text, which can contain SQL parameters. This middleware catches
    the exception first and logs only its type and the line it came from.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # noqa: BLE001 - every error must end as a clean 500
            frames = traceback.extract_tb(exc.__traceback__)
            origin = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
            logger.error("Unhandled %s at %s on %s %s", type(exc).__name__, origin,
                         scope.get("method"), scope.get("path"))
            if not started:
                response = error_response(500, "internal_error", "The server failed to handle "
                                          "the request. Try again later, and if it keeps "
                                          "failing, contact the clinic.")
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so every expected error has the standard body.

    Unexpected exceptions are handled by `UnexpectedErrorMiddleware`, which `create_app` adds.
    """
    app.add_exception_handler(ApiError, _handle_api_error)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_error)
