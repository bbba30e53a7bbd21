"""LangChain agent middleware that keeps direct identifiers away from the chat model.

Before each model call every human, tool and AI message (text and tool-call arguments) is
de-identified with the conversation's vault; the system prompt is sent unchanged. After the call
the reply text is re-identified with this vault's values only, and placeholders in tool-call
arguments are restored so that tools receive real values. The agent state therefore always
holds real values, and only the model sees placeholders.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain.agents.middleware.types import ExtendedModelResponse
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from guardrails.context import PatientContext
from guardrails.pipeline import Guardrails
from guardrails.vault import PseudonymVault

logger = logging.getLogger(__name__)

PromptCallback = Callable[[list[BaseMessage]], None]
ResponseCallback = Callable[[AIMessage], None]


class GuardrailsMiddleware(AgentMiddleware):
    """De-identify prompts and re-identify replies for one conversation's model calls.

    ``on_prompt`` receives the exact messages sent to the model, system message first, for
    audit and for tests that assert no PHI reaches an engine. ``on_response`` receives each AI
    message the model returned, before re-identification.
    """

    def __init__(
        self,
        guardrails: Guardrails,
        patient: PatientContext,
        vault: PseudonymVault,
        on_prompt: PromptCallback | None = None,
        on_response: ResponseCallback | None = None,
    ) -> None:
        super().__init__()
        self.guardrails = guardrails
        self.patient = patient
        self.vault = vault
        self.on_prompt = on_prompt
        self.on_response = on_response
        self._deidentified: dict[str, str] = {}

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse | AIMessage | ExtendedModelResponse:
        response = handler(self._deidentified_request(request))
        self._report_response(response)
        return self._reidentified(response)

    async def awrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], Awaitable[ModelResponse]]
    ) -> ModelResponse | AIMessage | ExtendedModelResponse:
        response = await handler(self._deidentified_request(request))
        self._report_response(response)
        return self._reidentified(response)

    def _report_response(self, response: Any) -> None:
        """Pass the model's raw messages, still with placeholders, to ``on_response``."""
        if self.on_response is None:
            return
        if isinstance(response, ExtendedModelResponse):
            response = response.model_response
        messages = response.result if isinstance(response, ModelResponse) else [response]
        for message in messages:
            if isinstance(message, AIMessage):
                self.on_response(message)

    def wrap_tool_call(self, request, handler):
        """Restore any placeholder left in the tool-call arguments before the tool runs."""
        return handler(self._restored_tool_request(request))

    async def awrap_tool_call(self, request, handler):
        return await handler(self._restored_tool_request(request))

    def _restored_tool_request(self, request):
        tool_call = dict(request.tool_call)
        tool_call["args"] = self.guardrails.restore_arguments(tool_call.get("args") or {}, self.vault)
        return request.override(tool_call=tool_call)

    def _deidentified_request(self, request: ModelRequest) -> ModelRequest:
        messages = [self._deidentify_message(message) for message in request.messages]
        if self.on_prompt is not None:
            sent = ([request.system_message] if request.system_message is not None else []) + messages
            self.on_prompt(sent)
        logger.debug("model call with %d de-identified messages, vault size %d", len(messages), len(self.vault))
        return request.override(messages=messages)

    def _deidentify_message(self, message: BaseMessage) -> BaseMessage:
        if not isinstance(message, (HumanMessage, ToolMessage, AIMessage)):
            return message
        update: dict[str, Any] = {"content": self._map_content(message.content, self._deidentify_text)}
        if isinstance(message, AIMessage):
            update.update(self._deidentified_tool_calls(message))
        return message.model_copy(update=update)

    def _deidentified_tool_calls(self, message: AIMessage) -> dict[str, Any]:
        tool_calls = [
            {**call, "args": self.guardrails.deidentify_arguments(call["args"], self.patient, self.vault)}
            for call in message.tool_calls
        ]
        invalid = [
            {**call, "args": self._deidentify_text(call["args"]) if call.get("args") else call.get("args")}
            for call in message.invalid_tool_calls
        ]
        # Raw provider payloads may repeat the arguments; they are dropped so the structured
        # tool_calls above are the only copy sent.
        extra = {k: v for k, v in message.additional_kwargs.items() if k not in {"tool_calls", "function_call"}}
        return {"tool_calls": tool_calls, "invalid_tool_calls": invalid, "additional_kwargs": extra}

    def _deidentify_text(self, text: str) -> str:
        # Every model call of a turn resends the history, so each text is analysed once per turn.
        # NOTE: the history is analysed again in each new turn; a long conversation costs one
        # Presidio call per earlier message per turn.
        cached = self._deidentified.get(text)
        if cached is None:
            cached = self.guardrails.deidentify(text, self.patient, self.vault).text
            self._deidentified[text] = cached
        return cached

    def _reidentified(self, response: Any) -> Any:
        if isinstance(response, AIMessage):
            return self._reidentify_message(response)
        if isinstance(response, ExtendedModelResponse):
            return ExtendedModelResponse(self._reidentified(response.model_response), response.command)
        if isinstance(response, ModelResponse):
            result = [
                self._reidentify_message(message) if isinstance(message, AIMessage) else message
                for message in response.result
            ]
            return ModelResponse(result=result, structured_response=response.structured_response)
        return response

    def _reidentify_message(self, message: AIMessage) -> AIMessage:
        restore = self.vault.restore
        tool_calls = [
            {**call, "args": self.guardrails.restore_arguments(call["args"], self.vault)}
            for call in message.tool_calls
        ]
        extra = dict(message.additional_kwargs)
        if "tool_calls" in extra:
            extra["tool_calls"] = [self._restore_raw_call(call) for call in extra["tool_calls"]]
        return message.model_copy(
            update={
                "content": self._map_content(message.content, restore),
                "tool_calls": tool_calls,
                "additional_kwargs": extra,
            }
        )

    def _restore_raw_call(self, call: dict) -> dict:
        function = call.get("function") or {}
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            return call
        try:
            restored = json.dumps(self.guardrails.restore_arguments(json.loads(arguments), self.vault))
        except (json.JSONDecodeError, TypeError):
            restored = self.vault.restore(arguments)
        return {**call, "function": {**function, "arguments": restored}}

    @staticmethod
    def _map_content(content: Any, function: Callable[[str], str]) -> Any:
        """Apply ``function`` to a string content or to the text of each content block."""
        if isinstance(content, str):
            return function(content)
        if isinstance(content, list):
            mapped = []
            for block in content:
                if isinstance(block, str):
                    mapped.append(function(block))
                elif isinstance(block, dict) and isinstance(block.get("text"), str):
                    mapped.append({**block, "text": function(block["text"])})
                else:
                    mapped.append(block)
            return mapped
        return content
