"""The chat service: runs one patient turn through the tool-calling agent.

A turn checks the message and the patient's token, loads the conversation, applies the patient's
yes or no to a pending booking action, runs the LangChain agent with tools bound to the patient's
own token, and stores the conversation again. Nothing in a turn uses a service-wide credential.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo
from collections.abc import Callable
from dataclasses import dataclass, field

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from assistant.config import AssistantSettings
from assistant.conversation import (
    ChatError,
    Conversation,
    ConversationNotFound,
    InvalidMessage,
    NotAuthenticated,
    ServiceUnavailable,
)
from assistant.engines import EngineRequest, build_engine
from assistant.guarding import (
    directory_context,
    guardrails_for,
    load_conversation_key,
    open_vault,
    patient_context,
    seal_vault,
)
from assistant.confirmation import is_plain_no, is_plain_yes
from assistant.engines.local.state import Lexicon
from assistant.audit import AuditLog
from assistant.handoff.turns import HandoffClient, finish_turn, prepare_turn, turn_events
from assistant.store import ConversationStore
from assistant.turn_audit import turn_auditor
from guardrails import Guardrails, InputVerdict, PatientContext, PseudonymVault
from guardrails.middleware import GuardrailsMiddleware
from prompts.templates import render, system_prompt
from tools import build_tools
from tools.base import ToolCallRecord, ToolContext
from tools.client import ApiError, SchedulingClient

logger = logging.getLogger(__name__)

AGENT_STEP_LIMIT = 16
PromptObserver = Callable[[list[BaseMessage]], None]
# Observers of every engine prompt in this process, whichever service sends it. The test suite
# registers one that fails any test whose prompts carry a seeded patient's identifiers.
PROCESS_PROMPT_OBSERVERS: list[PromptObserver] = []
HandoffListener = Callable[[str, dict], None]


@dataclass
class GuardedTurn:
    """Shared state of one turn's guarded model calls: the patient's client, the rails and the vault."""

    client: SchedulingClient
    directory: dict
    guard: Guardrails
    patient: PatientContext
    vault: PseudonymVault
    audit: object


@dataclass
class TurnResult:
    """Outcome of one turn, in the shape the chat channels print."""

    reply: str
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    handoff: bool = False

    def to_json(self) -> dict:
        calls = [{"name": call.name, "args": call.args, "status": call.status} for call in self.tool_calls]
        return {"reply": self.reply, "tool_calls": calls, "handoff": self.handoff}


class ChatService:
    """Runs conversations for any patient whose token the scheduling API accepts."""

    def __init__(
        self, settings: AssistantSettings, store: ConversationStore, api_url: str, audit_log: AuditLog | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.api_url = api_url
        self.audit_log = audit_log
        self.prompt_observers: list[PromptObserver] = []
        # Called with (channel, event) after a saved turn opens or adds to a hand-off.
        self.handoff_listeners: list[HandoffListener] = []
        self._key: bytes | None = None

    def start(
        self, token: str, channel: str = "web", engine: str | None = None, reply_to: str | None = None
    ) -> Conversation:
        """Open a conversation for the token's patient; raise NotAuthenticated for a bad token.

        `reply_to` is the address that staff replies go to on channels without a page, such as
        the patient's phone number for SMS.
        """
        with self._client(token) as client:
            patient = self._patient(client)
        conversation = Conversation.new(
            patient_id=patient["id"],
            channel=channel,
            language=patient.get("preferred_language") or "en",
            engine=engine or self.settings.engine,
        )
        conversation.reply_to = reply_to
        self.store.save(conversation.id, conversation.to_document())
        logger.info("conversation started", extra={"conversation_id": conversation.id, "channel": channel})
        return conversation

    def handle(self, conversation_id: str, token: str, text: str) -> TurnResult:
        """Run one patient turn and return the assistant's reply; raise ChatError subclasses."""
        with self._client(token) as client:
            patient = self._patient(client)
            text = self._checked_text(text)
            # Check ownership before locking, so unknown ids never create lock entries.
            self._load(conversation_id, patient)
            with self.store.lock(conversation_id):
                conversation = self._load(conversation_id, patient)
                was_handoff = conversation.tools.handoff
                prepare_turn(client, conversation, patient, text, self._conversation_key())
                with self._auditor(conversation, patient) as audit:
                    result = self._guarded_turn(conversation, client, patient, text, audit)
                    result = finish_turn(conversation, client, text, result)
                    audit.reply(result.reply, handoff=result.handoff)
                self.store.save(conversation.id, conversation.to_document())
            self._notify_handoff(turn_events(conversation, client, was_handoff))
        return result

    def conversation_for(self, conversation_id: str, token: str) -> Conversation:
        """Return the token's patient's conversation; raise NotAuthenticated or ConversationNotFound."""
        with self._client(token) as client:
            return self._load(conversation_id, self._patient(client))

    def _notify_handoff(self, events: list[dict]) -> None:
        """Pass staff-channel events to the listeners; a failing listener is logged and skipped."""
        for event in events:
            for listener in self.handoff_listeners:
                try:
                    listener("staff", event)
                except Exception as exc:  # noqa: BLE001 - a broken queue feed must not fail the turn
                    logger.warning("hand-off listener failed: %s", type(exc).__name__)

    def _auditor(self, conversation: Conversation, patient: dict):
        return turn_auditor(
            self.audit_log,
            patient=patient,
            conversation_id=conversation.id,
            channel=conversation.channel,
            engine=conversation.engine,
            model=self.settings.openai_model,
            prompt_version=system_prompt("scheduling")[1],
        )

    def _guarded_turn(
        self, conversation: Conversation, client: SchedulingClient, patient: dict, text: str, audit
    ) -> TurnResult:
        if conversation.tools.handoff:
            return TurnResult(reply=render("handoff_waiting", conversation.language), handoff=True)
        if conversation.tools.offered_human:
            accepted = self._answer_human_offer(conversation, client, text)
            if accepted is not None:
                return accepted

        try:
            directory = client.directory()
        except ApiError as exc:
            raise ServiceUnavailable("the scheduling service is unavailable; please try again shortly") from exc
        guard = guardrails_for(directory_context(directory))
        who = patient_context(patient, conversation.channel, conversation.language)
        verdict = guard.screen_input(text, who)
        audit.input_decision(verdict)
        if verdict.action != "allow":
            return self._answer_rail(conversation, client, verdict)

        self._apply_confirmation(conversation, text, lexicon_of(directory))
        vault = open_vault(conversation.vault, self._conversation_key())
        audit.deidentification(guard.deidentify(text, who, vault).findings)
        turn = GuardedTurn(client=client, directory=directory, guard=guard, patient=who, vault=vault, audit=audit)
        result = self._run_agent(conversation, turn, text)
        audit.tool_calls(result.tool_calls)
        result = self._filter_reply(conversation, turn, result)
        conversation.vault = seal_vault(vault, self._conversation_key())
        return result

    def _answer_rail(self, conversation: Conversation, client: SchedulingClient, verdict: InputVerdict) -> TurnResult:
        """Reply to a message that an input rail stopped, without calling the engine.

        Emergencies hand off at once; clinical and out-of-scope questions offer a person, and the
        patient's next yes opens the escalation.
        """
        logger.info("input rail answered", extra={"conversation_id": conversation.id, "action": verdict.action})
        if verdict.action == "emergency":
            self._escalate(conversation, client, "input rail: emergency", "urgent")
        elif verdict.handoff_priority:
            conversation.tools.offered_human = f"input rail: {verdict.action}"
        return TurnResult(reply=verdict.reply or "", handoff=conversation.tools.handoff)

    def _answer_human_offer(self, conversation: Conversation, client: SchedulingClient, text: str) -> TurnResult | None:
        """Open the offered escalation on a yes; on anything else drop the offer and go on."""
        reason = conversation.tools.offered_human
        conversation.tools.offered_human = None
        if classify_yes_no(text) is not True:
            return None
        self._escalate(conversation, client, reason, "normal")
        return TurnResult(reply=render("handoff", conversation.language), handoff=conversation.tools.handoff)

    def _filter_reply(self, conversation: Conversation, turn: GuardedTurn, result: TurnResult) -> TurnResult:
        """Run the output filter on the engine's reply; a blocked reply may hand off to staff."""
        checked = turn.guard.filter_output(result.reply, turn.patient, conversation.channel)
        turn.audit.output_decision(checked)
        if not (checked.blocked or checked.redacted):
            return result
        logger.warning("output filter changed a reply", extra={"conversation_id": conversation.id, "reasons": checked.reasons})
        if checked.handoff:
            self._escalate(conversation, turn.client, "output filter blocked a reply", "normal")
        return TurnResult(reply=checked.text, tool_calls=result.tool_calls, handoff=conversation.tools.handoff)

    def _escalate(self, conversation: Conversation, client: SchedulingClient, reason: str, priority: str) -> None:
        if conversation.tools.handoff:
            return
        try:
            escalation = client.escalate(conversation.id, reason, priority, conversation.channel, reason)
        except ApiError as exc:
            logger.error("escalation failed", extra={"conversation_id": conversation.id, "code": exc.code})
            return
        conversation.tools.handoff = True
        conversation.tools.escalation_id = str(escalation["id"])

    def _conversation_key(self) -> bytes:
        if self._key is None:
            configured = self.settings.conversation_key.get_secret_value() if self.settings.conversation_key else None
            self._key = load_conversation_key(configured, self.settings.clinic_data_dir)
        return self._key

    def _run_agent(self, conversation: Conversation, turn: GuardedTurn, text: str) -> TurnResult:
        directory = turn.directory
        context = ToolContext(
            client=turn.client, conversation_id=conversation.id, channel=conversation.channel, session=conversation.tools
        )
        context._directory = directory
        clinic_zone = clinic_time_zone(directory)
        started_at = conversation.started_at.astimezone(ZoneInfo(clinic_zone))
        model = build_engine(
            conversation.engine,
            self.settings,
            EngineRequest(lexicon=lexicon_of(directory), started_at=started_at, language=conversation.language),
        )
        prompt, _version = system_prompt("scheduling")
        prompt = prompt.replace("{today}", started_at.strftime("%A %Y-%m-%d")).replace("{time_zone}", clinic_zone)
        def observe_prompt(messages: list[BaseMessage]) -> None:
            turn.audit.on_prompt(messages)
            self._observe_prompt(messages)

        middleware = GuardrailsMiddleware(
            turn.guard, turn.patient, turn.vault, on_prompt=observe_prompt, on_response=turn.audit.model_output
        )
        agent = create_agent(model, build_tools(context), system_prompt=prompt, middleware=[middleware])
        messages = [*conversation.messages, HumanMessage(content=text)]
        try:
            state = agent.invoke({"messages": messages}, config={"recursion_limit": AGENT_STEP_LIMIT})
        except Exception as exc:  # the engine's own errors: network, protocol, step limit
            logger.error("engine failed", extra={"conversation_id": conversation.id, "error": type(exc).__name__})
            raise ServiceUnavailable("the assistant could not respond just now; please try again in a minute") from exc
        conversation.messages = state["messages"]
        return TurnResult(reply=_last_reply(state["messages"]), tool_calls=context.records, handoff=conversation.tools.handoff)

    def _observe_prompt(self, messages: list[BaseMessage]) -> None:
        for observer in [*PROCESS_PROMPT_OBSERVERS, *self.prompt_observers]:
            observer(messages)

    def _apply_confirmation(self, conversation: Conversation, text: str, lexicon: Lexicon) -> None:
        """Open the confirmation gate for this turn on a plain yes; any other reply drops the action.

        A pending action is confirmable only in the turn right after its summary was shown.
        """
        session = conversation.tools
        session.confirmed = False
        if session.pending is None:
            return
        if is_plain_yes(text, lexicon, dt.datetime.now(dt.timezone.utc)):
            session.confirmed = True
        else:
            session.pending = None

    def _checked_text(self, text: str) -> str:
        if not isinstance(text, str) or not text.strip():
            raise InvalidMessage("the message is empty; type what you need, for example 'book a checkup'")
        if len(text) > self.settings.max_message_chars:
            raise InvalidMessage(
                f"the message is {len(text)} characters long; the limit is {self.settings.max_message_chars}, "
                "so please shorten it"
            )
        return text.strip()

    def _client(self, token: str) -> SchedulingClient:
        if not token:
            raise NotAuthenticated("sign in again: no access token was sent")
        return HandoffClient(self.api_url, token)

    def _patient(self, client: SchedulingClient) -> dict:
        try:
            return client.me()
        except ApiError as exc:
            if exc.status == 401:
                raise NotAuthenticated("your session has expired or is invalid; sign in again") from exc
            raise ServiceUnavailable("the scheduling service is unavailable; please try again shortly") from exc

    def _load(self, conversation_id: str, patient: dict) -> Conversation:
        document = self.store.load(conversation_id)
        if document is None or document["patient_id"] != patient["id"]:
            raise ConversationNotFound(f"conversation {conversation_id} does not exist or has expired; start a new one")
        return Conversation.from_document(document)


def classify_yes_no(text: str) -> bool | None:
    """Return True for a plain yes, False for a no, None for anything else."""
    now = dt.datetime.now(dt.timezone.utc)
    if is_plain_yes(text, Lexicon(), now):
        return True
    return False if is_plain_no(text, Lexicon(), now) else None


def clinic_time_zone(directory: dict) -> str:
    """Return the zone that relative dates are read in: the first site's, or UTC without sites.

    NOTE: a clinic whose sites span zones reads "today" in its first site's zone. Near midnight,
    "tomorrow" may then mean a different day for a patient of another site.
    """
    sites = directory.get("sites") or []
    return sites[0]["time_zone"] if sites else "UTC"


def lexicon_of(directory: dict) -> Lexicon:
    """Build the local engine's lexicon from the clinic directory."""
    providers = directory.get("providers", [])
    return Lexicon(
        providers=providers,
        sites=directory.get("sites", []),
        appointment_types=directory.get("appointment_types", []),
        specialties=sorted({provider["specialty"] for provider in providers}),
    )


def _last_reply(messages: list[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, AIMessage) and not message.tool_calls and message.content:
            return message.content if isinstance(message.content, str) else str(message.content)
    return ""


__all__ = ["ChatError", "ChatService", "TurnResult", "lexicon_of"]
