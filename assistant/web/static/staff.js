// Staff console: the live queue, the transcript, replies, hand-back, resolve and booking.
// Uses request(), staff and helpers from staff_api.js.
"use strict";

const consoleState = { events: null, queue: [], current: null };
const ROLE_NAMES = { front_desk: "Front desk", clinician: "Clinician", billing: "Billing", admin: "Admin", compliance: "Compliance" };
const VIEW_NOTES = {
  masked: "Dates of birth, phone numbers and emails are masked for your role.",
  deidentified: "Identifiers are replaced by placeholders for your role.",
  full: "",
};
const SPEAKERS = { patient: "Patient", assistant: "Assistant", staff: "Clinic staff", notice: "Notice", tool: "Tool" };

function handleError(error, element) {
  if (error.status === 401) {
    signOut("Your session has ended. Sign in again.");
    return;
  }
  showError(element, error.message);
}

function openConsole() {
  $("who-role").textContent = ROLE_NAMES[staff.role] || staff.role;
  show($("who"), true);
  show($("console"), true);
  connectEvents();
  loadQueue();
  loadOutbox();
}

// Texts the SMS channel sent; the panel stays hidden when SMS is off.
async function loadOutbox() {
  try {
    const data = await request("GET", "/api/staff/sms-outbox");
    show($("outbox-panel"), data.enabled);
    const items = data.messages.map((message) => {
      const item = document.createElement("li");
      item.textContent = `${message.created_at} to ${message.to} (${message.kind}, ${message.status}): ${message.body}`;
      return item;
    });
    $("outbox").replaceChildren(...items);
    showError($("outbox-error"), "");
  } catch (error) {
    handleError(error, $("outbox-error"));
  }
}

function closeConsole() {
  if (consoleState.events) consoleState.events.close();
  consoleState.events = null;
  consoleState.current = null;
  consoleState.queue = [];
  $("queue").replaceChildren();
  $("transcript").replaceChildren();
  show($("conversation"), false);
  show($("console"), false);
  show($("who"), false);
}

// Server-sent events carry only a change signal, so the page reloads the queue or transcript.
function connectEvents() {
  const source = new EventSource("/api/staff/events");
  consoleState.events = source;
  source.addEventListener("ready", () => {
    $("live-status").textContent = "Live updates on";
    $("live-status").classList.add("on");
  });
  source.addEventListener("queue", () => { loadQueue(); loadOutbox(); });
  source.addEventListener("conversation", (event) => {
    const data = JSON.parse(event.data || "{}");
    if (consoleState.current && data.conversation_id === consoleState.current.conversation_id) loadTranscript();
  });
  source.onerror = () => {
    $("live-status").textContent = "Reconnecting…";
    $("live-status").classList.remove("on");
  };
}

async function loadQueue() {
  try {
    const data = await request("GET", "/api/staff/escalations");
    staff.id = data.staff.id;
    consoleState.queue = data.escalations;
    showError($("queue-error"), "");
    renderQueue();
  } catch (error) {
    handleError(error, $("queue-error"));
  }
}

function renderQueue() {
  const items = consoleState.queue.map((escalation) => {
    const item = document.createElement("li");
    item.dataset.escalationId = escalation.id;
    if (consoleState.current && consoleState.current.id === escalation.id) item.classList.add("current");
    const meta = document.createElement("div");
    meta.className = "meta";
    const badge = document.createElement("span");
    badge.className = "badge" + (escalation.priority === "urgent" ? " urgent" : "");
    badge.textContent = escalation.priority === "urgent" ? "Urgent" : "Normal";
    const when = document.createElement("span");
    when.textContent = new Date(escalation.created_at).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
    const status = document.createElement("span");
    status.textContent = escalation.status === "open" ? "waiting" : "claimed by you";
    meta.append(badge, when, status);
    const summary = document.createElement("p");
    summary.className = "summary";
    summary.textContent = escalation.summary;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = escalation.status === "open" ? "Claim" : "Open";
    button.addEventListener("click", () => (escalation.status === "open" ? claim(escalation) : openConversation(escalation)));
    item.append(meta, summary, button);
    return item;
  });
  $("queue").replaceChildren(...items);
  show($("queue-empty"), items.length === 0);
}

async function claim(escalation) {
  try {
    const claimed = await request("POST", "/api/staff/escalations/" + escalation.id + "/claim", {});
    await loadQueue();
    openConversation(claimed);
  } catch (error) {
    handleError(error, $("queue-error"));
    loadQueue();
  }
}

async function openConversation(escalation) {
  consoleState.current = escalation;
  showError($("conversation-error"), "");
  $("booking-status").textContent = "";
  $("slots").replaceChildren();
  $("slot-date").value = new Date().toISOString().slice(0, 10);
  show($("conversation"), true);
  renderQueue();
  await loadTranscript();
  loadAppointments();
}

async function loadTranscript() {
  const current = consoleState.current;
  if (!current) return;
  try {
    const data = await request("GET", "/api/staff/conversations/" + encodeURIComponent(current.conversation_id));
    renderPatient(data.patient);
    $("view-note").textContent = VIEW_NOTES[data.view] || "";
    renderTranscript(data.entries);
  } catch (error) {
    handleError(error, $("conversation-error"));
  }
}

function renderPatient(patient) {
  const rows = [["Patient", patient.first_name + " " + patient.last_name], ["Date of birth", patient.date_of_birth],
    ["Phone", patient.phone], ["Email", patient.email]];
  $("patient-card").replaceChildren(...rows.flatMap(([label, value]) => {
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = value;
    return [term, detail];
  }));
}

function renderTranscript(entries) {
  const log = $("transcript");
  log.replaceChildren(...entries.map((entry) => {
    const item = document.createElement("li");
    item.className = entry.role;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = SPEAKERS[entry.role] + (entry.role === "staff" && entry.staff_id === staff.id ? " (you)" : "");
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = entry.text;
    item.append(who, text);
    return item;
  }));
  log.scrollTop = log.scrollHeight;
}

async function sendReply(event) {
  event.preventDefault();
  const text = $("reply").value.trim();
  if (!text || !consoleState.current) return;
  setBusy($("send-reply"), true);
  try {
    await request("POST", "/api/staff/conversations/" + encodeURIComponent(consoleState.current.conversation_id) + "/messages", { text });
    $("reply").value = "";
    showError($("conversation-error"), "");
    await loadTranscript();
  } catch (error) {
    handleError(error, $("conversation-error"));
  } finally {
    setBusy($("send-reply"), false);
  }
}

async function closeEscalation(action, body) {
  const current = consoleState.current;
  if (!current) return;
  try {
    await request("POST", "/api/staff/escalations/" + current.id + "/" + action, body);
    await loadTranscript();
    consoleState.current = null;
    show($("conversation"), false);
    loadQueue();
  } catch (error) {
    handleError(error, $("conversation-error"));
  }
}

$("reply-form").addEventListener("submit", sendReply);
$("hand-back").addEventListener("click", () => closeEscalation("hand-back", {}));
$("resolve").addEventListener("click", () => closeEscalation("resolve", { outcome: $("outcome").value }));
$("outbox-refresh").addEventListener("click", () => loadOutbox());
