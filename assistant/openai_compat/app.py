"""FastAPI application of the OpenAI-compatible server: `POST /v1/chat/completions`, `GET /v1/models`.

Each request runs the local engine's `LocalChatModel` over the request's messages, with the
clinic `Lexicon` and the clock the server was created with, and returns a `chat.completion`.

NOTE: the local engine keeps its per-turn act (the options it offered, the action awaiting a yes)
in `additional_kwargs["local_act"]`. OpenAI messages cannot carry it, so through this server a turn
that refers back to an earlier turn ("the second one", "yes") is not understood.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.engines.local.model import LocalChatModel
from assistant.engines.local.state import Lexicon
from assistant.openai_compat.convert import InvalidRequest, estimate_tokens, to_langchain, to_openai_message
from assistant.openai_compat.schemas import ChatCompletionRequest

logger = logging.getLogger(__name__)

COMPAT_MODEL = "local-rules-v1"
OWNER = "clinic-scheduling"


@dataclass
class CompatConfig:
    """What the server needs that the OpenAI protocol does not send.

    `lexicon` is the clinic directory the engine matches names against (empty for open-vocabulary
    matching). `now` returns the aware time that relative dates ("next Tuesday") are read from. The
    default is the current time in the first site's zone, or in UTC when there are no sites.
    """

    lexicon: Lexicon = field(default_factory=Lexicon)
    now: Callable[[], dt.datetime] | None = None
    language: str = "en"

    def current_time(self) -> dt.datetime:
        if self.now is not None:
            return self.now()
        zone = self.lexicon.sites[0].get("time_zone", "UTC") if self.lexicon.sites else "UTC"
        return dt.datetime.now(ZoneInfo(zone))


def create_compat_app(config: CompatConfig | None = None) -> FastAPI:
    """Build the server's application for `config`."""
    config = config or CompatConfig()
    app = FastAPI(title="OpenAI-compatible local engine", version="1.0.0")
    app.state.compat = config
    _install_error_handlers(app)

    @app.get("/v1/models")
    def list_models() -> dict:
        return {"object": "list", "data": [_model_card()]}

    @app.get("/v1/models/{model_id}")
    def read_model(model_id: str) -> dict:
        _check_model(model_id, param=None)
        return _model_card()

    @app.post("/v1/chat/completions")
    def create_chat_completion(body: ChatCompletionRequest) -> dict:
        return complete(config, body)

    return app


def complete(config: CompatConfig, body: ChatCompletionRequest) -> dict:
    """Run the local engine on one chat-completions request and return the `chat.completion`."""
    _check_supported(body)
    messages = to_langchain(body.messages)
    declared = [tool.function.name for tool in body.tools or []]
    model = LocalChatModel(lexicon=config.lexicon, now=config.current_time(), language=config.language)
    reply = model.bind_tools([{"name": name} for name in declared]).invoke(messages)

    allow_tools = bool(declared) and body.tool_choice != "none"
    undeclared = [call["name"] for call in reply.tool_calls if not allow_tools or call["name"] not in declared]
    if undeclared:
        # The engine chose a tool this request does not declare, so reply in text as LocalChatModel does.
        reply = reply.model_copy(update={"content": f"(The {undeclared[0]} tool is not available.)", "tool_calls": []})
    message, finish_reason = to_openai_message(reply)

    prompt_tokens = estimate_tokens(
        *(_message_text(item) for item in body.messages),
        *(json.dumps(tool.model_dump(exclude_none=True)) for tool in body.tools or []),
    )
    completion_tokens = estimate_tokens(
        message["content"] or "",
        *(call["function"]["name"] + " " + call["function"]["arguments"] for call in message.get("tool_calls") or []),
    )
    logger.info(
        "chat completion returned",
        extra={"messages": len(body.messages), "tools": len(declared), "finish_reason": finish_reason},
    )
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _check_supported(body: ChatCompletionRequest) -> None:
    _check_model(body.model, param="model")
    if body.stream:
        raise InvalidRequest(
            "stream=true is not supported by this server; send stream=false or leave it out",
            param="stream",
            code="unsupported_value",
        )
    if body.n not in (None, 1):
        raise InvalidRequest(f"n={body.n} is not supported; this server returns exactly one choice", param="n",
                             code="unsupported_value")
    if body.tool_choice not in (None, "auto", "none"):
        raise InvalidRequest(
            "tool_choice must be 'auto' or 'none' here, because the local engine cannot be made to call a tool",
            param="tool_choice",
            code="unsupported_value",
        )


def _check_model(model: str, param: str | None) -> None:
    if model != COMPAT_MODEL:
        raise InvalidRequest(
            f"The model '{model}' does not exist on this server; use '{COMPAT_MODEL}' (set OPENAI_MODEL)",
            param=param,
            code="model_not_found",
            status=404,
        )


def _model_card() -> dict:
    return {"id": COMPAT_MODEL, "object": "model", "created": 0, "owned_by": OWNER}


def _message_text(message) -> str:
    if isinstance(message.content, str):
        return message.content
    parts = [part.text for part in message.content or []]
    calls = [call.function.name + " " + call.function.arguments for call in message.tool_calls or []]
    return " ".join(parts + calls)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InvalidRequest)
    async def invalid_request(request: Request, exc: InvalidRequest) -> JSONResponse:
        logger.info("rejected a request", extra={"path": request.url.path, "param": exc.param, "code": exc.code})
        return JSONResponse(exc.to_json(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        error = _first_validation_error(exc)
        logger.info("rejected an invalid body", extra={"path": request.url.path, "param": error.param})
        return JSONResponse(error.to_json(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = f"{request.method} {request.url.path} failed: {exc.detail}"
        body = InvalidRequest(message, status=exc.status_code).to_json()
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def _first_validation_error(exc: RequestValidationError) -> InvalidRequest:
    """Describe the first validation error with its field path in OpenAI's `param` notation."""
    errors = exc.errors()
    if not errors:
        return InvalidRequest("the request body is invalid")
    error = errors[0]
    location = [part for part in error.get("loc", ()) if part != "body"]
    if error.get("type") == "json_invalid":
        return InvalidRequest("the request body is not valid JSON; send a JSON object", code="invalid_json")
    if not location:
        return InvalidRequest(f"the request body is invalid: {error.get('msg')}; send a JSON object")
    param = _param_path(location)
    return InvalidRequest(f"{param}: {error.get('msg')}", param=param,
                          code="missing_required_parameter" if error.get("type") == "missing" else "invalid_value")


def _param_path(location: list) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not path:
            path = str(part)
        else:
            path += f".{part}"
    return path
