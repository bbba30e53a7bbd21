"""GuardrailsMiddleware inside a real create_agent, with a scripted chat model at the engine edge."""

from __future__ import annotations

from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool

from guardrails import PseudonymVault
from guardrails.middleware import GuardrailsMiddleware

PHI_VALUES = ("Maria", "García", "Garcia", "555", "201-7788", "maria.garcia", "1985", "03/14", "Tomasz", "Wójcik")


class ScriptedChatModel(BaseChatModel):
    """First call: book for the first placeholder it saw. Second call: echo every message."""

    received: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted-test-model"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "ScriptedChatModel":
        return self

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.received.append(list(messages))
        if not any(isinstance(message, ToolMessage) for message in messages):
            reply = AIMessage(
                content="",
                tool_calls=[
                    {
                        "name": "book_appointment",
                        "args": {"patient": {"name": "<PERSON_1>", "phones": ["<PHONE_NUMBER_1>"]}, "note": "for <PERSON_2>"},
                        "id": "call_1",
                        "type": "tool_call",
                    }
                ],
            )
        else:
            echoed = " | ".join(str(message.content) for message in messages)
            reply = AIMessage(content=f"Done for <PERSON_1>. Unknown <PERSON_99>. Seen: {echoed}")
        return ChatResult(generations=[ChatGeneration(message=reply)])


def build_agent(guardrails, patient, vault, prompts, tool_calls):
    @tool
    def book_appointment(patient: dict, note: str) -> str:
        """Book an appointment."""
        tool_calls.append({"patient": patient, "note": note})
        return f"Booked for {patient['name']}, confirmation sent to {patient['phones'][0]}"

    model = ScriptedChatModel()
    model.received = []
    middleware = GuardrailsMiddleware(guardrails, patient, vault, on_prompt=prompts.append)
    agent = create_agent(model, tools=[book_appointment], system_prompt="You book visits.", middleware=[middleware])
    return agent, model


def run_turn(guardrails, patient):
    vault = PseudonymVault()
    prompts: list[list[BaseMessage]] = []
    tool_calls: list[dict] = []
    agent, model = build_agent(guardrails, patient, vault, prompts, tool_calls)
    text = "hi it's maria garcia, 555-201-7788, dob 03/14/1985. also book my son Tomasz Wójcik"
    result = agent.invoke({"messages": [HumanMessage(text)]})
    return result, prompts, tool_calls, model, vault


def test_no_phi_reaches_model(guardrails, patient):
    result, prompts, tool_calls, model, vault = run_turn(guardrails, patient)
    assert len(prompts) == 2
    for sent in model.received:
        for message in sent:
            flattened = str(message.content) + str(getattr(message, "tool_calls", ""))
            for value in PHI_VALUES:
                assert value not in flattened, f"{value!r} reached the model in {type(message).__name__}"


def test_on_prompt_gets_exact_messages(guardrails, patient):
    result, prompts, tool_calls, model, vault = run_turn(guardrails, patient)
    assert prompts[0][0].content == "You book visits."
    assert [m.content for m in prompts[1]] == [m.content for m in model.received[1]]


def test_ai_tool_call_args_deidentified_in_history(guardrails, patient):
    result, prompts, tool_calls, model, vault = run_turn(guardrails, patient)
    history_ai = [m for m in model.received[1] if isinstance(m, AIMessage)]
    assert history_ai, "the second model call must see the earlier tool-call message"
    args = history_ai[0].tool_calls[0]["args"]
    assert args["patient"]["name"] == "<PERSON_1>"
    assert args["patient"]["phones"] == ["<PHONE_NUMBER_1>"]


def test_tool_receives_real_values(guardrails, patient):
    result, prompts, tool_calls, model, vault = run_turn(guardrails, patient)
    assert tool_calls[0]["patient"]["name"].lower() == "maria garcia"
    assert tool_calls[0]["patient"]["phones"] == ["555-201-7788"]
    assert tool_calls[0]["note"] == "for Tomasz Wójcik"


def test_reply_reidentified_with_own_vault(guardrails, patient):
    result, prompts, tool_calls, model, vault = run_turn(guardrails, patient)
    final = result["messages"][-1]
    assert final.content.startswith("Done for maria garcia.")
    assert "<PERSON_99>" in final.content


def test_system_prompt_untouched(guardrails, patient):
    result, prompts, tool_calls, model, vault = run_turn(guardrails, patient)
    for sent in prompts:
        assert sent[0].content == "You book visits."
