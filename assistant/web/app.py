"""The assistant's web app: the patient chat page, its JSON API and the mounted scheduling API."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from assistant.agent import ChatService
from assistant.conversation import ChatError, InvalidMessage
from assistant.store import StoreError
from prompts.templates import render
from scheduling.errors import install_error_handlers

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SCHEDULING_PREFIX = "/scheduling"
bearer = HTTPBearer(auto_error=False)


class MessageIn(BaseModel):
    text: str = Field(..., description="The patient's message")


class ConversationOut(BaseModel):
    conversation_id: str
    reply: str


class ToolCallOut(BaseModel):
    name: str
    args: dict
    status: str


class TurnOut(BaseModel):
    reply: str
    tool_calls: list[ToolCallOut]
    handoff: bool


def _token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    return credentials.credentials if credentials else ""


def create_web_app(service: ChatService, scheduling_app: FastAPI | None = None) -> FastAPI:
    """Build the web app around `service`; mount `scheduling_app` under /scheduling when given."""
    app = FastAPI(title="Clinic scheduling assistant", version="0.1.0")
    app.state.chat = service
    # Malformed bodies, unknown paths and unexpected errors get the scheduling API's error shape
    # instead of FastAPI's {"detail": ...}, which would also echo the patient's text back.
    install_error_handlers(app)

    @app.exception_handler(ChatError)
    async def _chat_error(_request: Request, exc: ChatError) -> JSONResponse:
        field = "text" if isinstance(exc, InvalidMessage) else None
        return JSONResponse({"error": {"code": exc.code, "message": str(exc), "field": field}}, status_code=exc.status)

    @app.exception_handler(StoreError)
    async def _store_error(_request: Request, exc: StoreError) -> JSONResponse:
        logger.warning("conversation store error: %s", type(exc).__name__)
        return JSONResponse({"error": {"code": "busy", "message": str(exc), "field": None}}, status_code=503)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    @app.post("/api/conversations", response_model=ConversationOut, status_code=201)
    def start_conversation(token: Annotated[str, Depends(_token)]) -> ConversationOut:
        conversation = service.start(token, channel="web")
        return ConversationOut(conversation_id=conversation.id, reply=render("ask_what", conversation.language))

    @app.post("/api/conversations/{conversation_id}/messages", response_model=TurnOut)
    def send_message(conversation_id: str, body: MessageIn, token: Annotated[str, Depends(_token)]) -> dict:
        return service.handle(conversation_id, token, body.text).to_json()

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if scheduling_app is not None:
        app.mount(SCHEDULING_PREFIX, scheduling_app)
    return app
