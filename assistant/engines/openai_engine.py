"""The `openai` engine: any OpenAI-compatible chat-completions endpoint through langchain-openai.

Works with OpenAI or Azure OpenAI under a BAA, vLLM and Ollama. The base URL, model and key come
from settings; no request is sent anywhere else.
"""

from __future__ import annotations

from langchain_openai import ChatOpenAI

from assistant.config import AssistantSettings


class EngineConfigError(ValueError):
    """The engine's settings are missing or invalid."""


def build_openai_model(settings: AssistantSettings) -> ChatOpenAI:
    """Return a chat model for the configured endpoint; raise EngineConfigError naming what is missing."""
    if not settings.openai_base_url and settings.openai_api_key is None:
        raise EngineConfigError(
            "ENGINE=openai needs OPENAI_BASE_URL (for vLLM, Ollama or Azure) or OPENAI_API_KEY (for OpenAI)"
        )
    api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=api_key,
        temperature=0,
        timeout=settings.openai_timeout_seconds,
        max_retries=1,
    )
