"""Chat engines behind one interface: each builds a LangChain chat model for one conversation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from assistant.config import AssistantSettings
from assistant.engines.local.state import Lexicon


@dataclass(frozen=True)
class EngineRequest:
    """What an engine may know about a conversation: the directory, its start and the language."""

    lexicon: Lexicon
    started_at: dt.datetime
    language: str = "en"


def _build_local(settings: AssistantSettings, request: EngineRequest) -> BaseChatModel:
    from assistant.engines.local.model import LocalChatModel

    return LocalChatModel(lexicon=request.lexicon, now=request.started_at, language=request.language)


def _build_openai(settings: AssistantSettings, request: EngineRequest) -> BaseChatModel:
    from assistant.engines.openai_engine import build_openai_model

    return build_openai_model(settings)


ENGINES: dict[str, Callable[[AssistantSettings, EngineRequest], BaseChatModel]] = {
    "local": _build_local,
    "openai": _build_openai,
}


def build_engine(name: str, settings: AssistantSettings, request: EngineRequest) -> BaseChatModel:
    """Return the chat model of engine `name`; raise ValueError listing the known engines."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose one of: {', '.join(sorted(ENGINES))}") from None
    return factory(settings, request)
