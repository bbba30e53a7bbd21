"""Conversion between OpenAI chat messages and LangChain messages, and token-count estimates."""

from __future__ import annotations

import json
import re

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from assistant.openai_compat.schemas import ChatMessage, ContentPart

TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")


class InvalidRequest(ValueError):
    """A request the server rejects, reported in the OpenAI error shape."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None,
                 status: int = 400, error_type: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.status = status
        self.error_type = error_type

    def to_json(self) -> dict:
        return {"error": {"message": self.message, "type": self.error_type, "param": self.param, "code": self.code}}


def to_langchain(messages: list[ChatMessage]) -> list[BaseMessage]:
    """Convert OpenAI messages to LangChain messages; raise InvalidRequest naming the bad field."""
    converted: list[BaseMessage] = []
    for index, message in enumerate(messages):
        text = _text(message.content)
        if message.role in ("system", "developer"):
            converted.append(SystemMessage(content=text))
        elif message.role == "user":
            converted.append(HumanMessage(content=text))
        elif message.role == "assistant":
            calls = [_tool_call(index, position, call) for position, call in enumerate(message.tool_calls or [])]
            converted.append(AIMessage(content=text, tool_calls=calls))
        else:
            if not message.tool_call_id:
                raise InvalidRequest(
                    f"messages[{index}] has role 'tool' but no tool_call_id; set it to the id of the tool call it answers",
                    param=f"messages[{index}].tool_call_id",
                    code="missing_required_parameter",
                )
            converted.append(ToolMessage(content=text, tool_call_id=message.tool_call_id, name=message.name))
    return converted


def _text(content: str | list[ContentPart] | None) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(part.text for part in content)


def _tool_call(index: int, position: int, call) -> dict:
    param = f"messages[{index}].tool_calls[{position}].function.arguments"
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except ValueError:
        raise InvalidRequest(f"{param} is not valid JSON; send the arguments as a JSON object string", param=param) from None
    if not isinstance(arguments, dict):
        raise InvalidRequest(f"{param} must encode a JSON object, not {type(arguments).__name__}", param=param)
    return {"name": call.function.name, "args": arguments, "id": call.id, "type": "tool_call"}


def to_openai_message(message: AIMessage) -> tuple[dict, str]:
    """Return the response's `message` object and its `finish_reason` for an engine reply."""
    if message.tool_calls:
        calls = [
            {
                "id": call["id"],
                "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["args"], ensure_ascii=False)},
            }
            for call in message.tool_calls
        ]
        return {"role": "assistant", "content": None, "tool_calls": calls, "refusal": None}, "tool_calls"
    content = message.content if isinstance(message.content, str) else str(message.content)
    return {"role": "assistant", "content": content, "refusal": None}, "stop"


def estimate_tokens(*texts: str) -> int:
    """Count words and punctuation marks in `texts`.

    NOTE: this is an estimate of the usage counts, not a tokenizer's count; the local engine has
    no tokenizer, and OpenAI's tokenizers need data files this server does not download.
    """
    return sum(len(TOKEN_PATTERN.findall(text)) for text in texts if text)
