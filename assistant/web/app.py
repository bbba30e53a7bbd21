"""The assistant's web app: the patient chat page, its JSON API, the staff console and the
mounted scheduling API."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from assistant.agent import ChatService
from assistant.web.compliance_api import install_compliance
from assistant.conversation import ChatError, InvalidMessage
from assistant.handoff.broadcast import Broadcaster, build_broadcaster
from assistant.handoff.service import HandoffService
from assistant.handoff.timeline import PATIENT_VISIBLE_UPDATES, entries_after, last_seq
from assistant.store import StoreError
from assistant.web.staff_api import staff_router
from prompts.templates import render
from scheduling.errors import install_error_handlers
from tools.client import ApiError

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


class UpdateOut(BaseModel):
    seq: int
    role: str
    text: str
    at: str


class UpdatesOut(BaseModel):
    entries: list[UpdateOut]
    handoff: bool
    last_seq: int


def _token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    return credentials.credentials if credentials else ""


def create_web_app(service: ChatService, scheduling_app: FastAPI | None = None,
                   broadcaster: Broadcaster | None = None) -> FastAPI:
    """Build the web app around `service`; mount `scheduling_app` under /scheduling when given.

    `broadcaster` feeds the staff console's live queue; by default it is Redis pub/sub when
    REDIS_URL is set, else process memory.
    """
    app = FastAPI(title="Clinic scheduling assistant", version="0.1.0")
    app.state.chat = service
    install_compliance(app, service.audit_log, lambda: service.api_url)
    broadcaster = broadcaster or build_broadcaster(service.settings.redis_url)
    handoff = HandoffService(service.store, broadcaster, lambda: service.api_url)
    service.handoff_listeners.append(broadcaster.publish)
    app.state.handoff = handoff
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

    @app.exception_handler(ApiError)
    async def _scheduling_error(_request: Request, exc: ApiError) -> JSONResponse:
        status = exc.status if exc.status >= 400 else 503
        return JSONResponse({"error": {"code": exc.code, "message": exc.message, "field": None}}, status_code=status)

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

    @app.get("/api/conversations/{conversation_id}/updates", response_model=UpdatesOut)
    def updates(conversation_id: str, token: Annotated[str, Depends(_token)],
                after: Annotated[int, Query(ge=0, description="Last seq the page has shown")] = 0) -> dict:
        """Staff replies and notices newer than `after`, for the patient's page to poll."""
        conversation = service.conversation_for(conversation_id, token)
        entries = entries_after(conversation, after, PATIENT_VISIBLE_UPDATES)
        return {"entries": entries, "handoff": conversation.tools.handoff, "last_seq": last_seq(conversation)}

    app.include_router(staff_router(handoff, STATIC_DIR))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if scheduling_app is not None:
        app.mount(SCHEDULING_PREFIX, scheduling_app)
    return app
