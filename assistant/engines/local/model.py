"""The `local` engine: a deterministic LangChain chat model that runs with no network.

It implements `BaseChatModel`, so the agent, its tools and the guardrails treat it exactly like a
hosted model. Each call rebuilds the dialogue state by running the tracker over the patient turns
of the conversation, then lets the policy choose one move: a tool call or a reply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from assistant.engines.local.act import ACT_KEY, Act
from assistant.engines.local.moves import Move
from assistant.engines.local.policy import TurnView, decide
from assistant.engines.local.replies import respond_to_tool
from assistant.engines.local.state import DialogueState, Lexicon
from assistant.engines.local.tracker import Tracker
from prompts.templates import has_language


class LocalChatModel(BaseChatModel):
    """Rule-based scheduling dialogue as a chat model.

    `now` anchors relative dates ("tomorrow") for the whole conversation, so replaying the
    history gives the same state on every call.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    lexicon: Lexicon
    now: dt.datetime
    language: str = "en"
    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "local-scheduling"

    @property
    def model_name(self) -> str:
        return "local-rules-v1"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> LocalChatModel:
        names = tuple(getattr(tool, "name", None) or tool["name"] for tool in tools)
        return self.model_copy(update={"tool_names": names})

    def track(self, messages: Sequence[BaseMessage]) -> DialogueState:
        """Return the dialogue state after the last patient message of `messages`."""
        return self._replay(messages)[0]

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        state, previous_intent, act, text, tool_results = self._replay(messages)
        if tool_results:
            name, args, result = tool_results[-1]
            move = respond_to_tool(name, args, result, act, self.language)
        else:
            language = reply_language(state.language_hint, self.language)
            view = TurnView(text, state, previous_intent, act, self.lexicon, language, state.stated_intent)
            move = decide(view)
        message = self._to_message(move, turn=state.turn, step=len(tool_results))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _replay(self, messages: Sequence[BaseMessage]):
        """Run the tracker over every patient message, keeping the last act and this turn's tool results."""
        tracker = Tracker(self.lexicon, self.now)
        state = DialogueState()
        previous_intent = None
        act = Act()
        text = ""
        calls: dict[str, tuple[str, dict]] = {}
        tool_results: list[tuple[str, dict, dict]] = []
        for message in messages:
            if isinstance(message, AIMessage):
                act = Act.from_dict(message.additional_kwargs.get(ACT_KEY)) if ACT_KEY in message.additional_kwargs else act
                calls.update({call["id"]: (call["name"], call["args"]) for call in message.tool_calls})
            elif isinstance(message, HumanMessage):
                previous_intent = state.intent
                text = _text_of(message)
                state = tracker.update(text, act.system_act())
                tool_results = []
            elif isinstance(message, ToolMessage):
                name, args = calls.get(message.tool_call_id, (message.name or "", {}))
                tool_results.append((name, args, _json_of(message)))
        return state, previous_intent, act, text, tool_results

    def _to_message(self, move: Move, turn: int, step: int) -> AIMessage:
        kwargs = {ACT_KEY: move.act.to_dict()}
        if move.tool is None:
            return AIMessage(content=move.text or "", additional_kwargs=kwargs)
        if self.tool_names and move.tool not in self.tool_names:
            return AIMessage(content=f"(The {move.tool} tool is not available.)", additional_kwargs=kwargs)
        call = {"name": move.tool, "args": move.args or {}, "id": f"call_{turn}_{step}", "type": "tool_call"}
        return AIMessage(content="", tool_calls=[call], additional_kwargs=kwargs)


def reply_language(hint: str | None, preferred: str) -> str:
    """Answer in the language the patient writes in when there are templates for it."""
    return hint if hint and has_language(hint) else preferred


def _text_of(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    return " ".join(part.get("text", "") for part in message.content if isinstance(part, dict))


def _json_of(message: ToolMessage) -> dict:
    try:
        value = json.loads(_text_of(message))
    except ValueError:
        return {"status": "error", "code": "tool_output", "message": _text_of(message)[:200]}
    return value if isinstance(value, dict) else {"status": "ok", "value": value}
