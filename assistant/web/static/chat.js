// Patient chat page: signs in against the scheduling API, then talks to the assistant's chat API.
// The access token lives only in this page's memory; reloading the page signs the patient out.
"use strict";

const state = { token: null, conversationId: null, sending: false, lastSeq: 0, pollTimer: null };

const $ = (id) => document.getElementById(id);

const UNREACHABLE_MESSAGE = "The server could not be reached. Check your connection and try again.";
const EXPIRED_MESSAGE = "Your session has expired. Please sign in again.";
// Poll interval for staff replies while a person from the clinic owns the chat.
const POLL_MILLISECONDS = 2000;
const SPEAKERS = { patient: "You: ", assistant: "Assistant: ", staff: "Clinic staff: " };

function show(element, visible) {
  element.hidden = !visible;
}

function showError(element, message) {
  element.textContent = message || "";
  show(element, Boolean(message));
}

// Scroll only the conversation box, so the page itself does not jump.
function scrollToEnd() {
  const log = $("log");
  log.scrollTop = log.scrollHeight;
}

// Append one chat bubble. The speaker name is hidden except for clinic staff, whose replies
// must read as coming from a person.
function addMessage(text, role, handoff) {
  const item = document.createElement("li");
  item.className = role + (handoff ? " handoff" : "");
  const speakerLabel = document.createElement("span");
  speakerLabel.className = role === "staff" ? "speaker" : "visually-hidden";
  speakerLabel.textContent = SPEAKERS[role];
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  item.append(speakerLabel, body);
  $("log").appendChild(item);
  scrollToEnd();
  return item;
}

function addNotice(text) {
  const item = document.createElement("li");
  item.className = "notice";
  item.textContent = text;
  $("log").appendChild(item);
  scrollToEnd();
}

function markNotSent(item) {
  item.classList.add("not-sent");
  const note = document.createElement("span");
  note.className = "status";
  note.textContent = "Not sent";
  item.appendChild(note);
  scrollToEnd();
}

// POST a JSON body and return the parsed response body. Throws an Error with `status` (0 when the
// server could not be reached) and `code` from the API's {"error": {...}} body.
async function postJson(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
  } catch (networkError) {
    const error = new Error(UNREACHABLE_MESSAGE);
    error.status = 0;
    error.code = "unreachable";
    throw error;
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = data.error || {};
    const text = details.message || "The request failed (status " + response.status + "). Try again.";
    // The chat API's messages start in lower case, so capitalize them for display.
    const error = new Error(text.charAt(0).toUpperCase() + text.slice(1));
    error.status = response.status;
    error.code = details.code;
    throw error;
  }
  return data;
}

function setBusy(button, busy, busyLabel) {
  if (!button.dataset.label) button.dataset.label = button.textContent;
  button.disabled = busy;
  button.textContent = busy ? busyLabel : button.dataset.label;
}

// GET a JSON body with the patient's token; errors as in postJson.
async function getJson(path, token) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: "Bearer " + token } });
  } catch (networkError) {
    throw Object.assign(new Error(UNREACHABLE_MESSAGE), { status: 0, code: "unreachable" });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = data.error || {};
    throw Object.assign(new Error(details.message || "The request failed."), { status: response.status, code: details.code });
  }
  return data;
}

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

function startPolling() {
  if (state.pollTimer === null) state.pollTimer = setTimeout(pollUpdates, POLL_MILLISECONDS);
}

// Show staff replies and notices newer than the last one shown; keep asking while a person
// owns the chat. A failed poll is retried quietly, except for an ended session.
async function pollUpdates() {
  state.pollTimer = null;
  if (!state.conversationId) return;
  let keepPolling = true;
  try {
    const path = "/api/conversations/" + encodeURIComponent(state.conversationId) + "/updates?after=" + state.lastSeq;
    const updates = await getJson(path, state.token);
    for (const entry of updates.entries) {
      if (entry.role === "staff") addMessage(entry.text, "staff", false);
      else addNotice(entry.text);
    }
    state.lastSeq = Math.max(state.lastSeq, updates.last_seq);
    keepPolling = updates.handoff;
  } catch (error) {
    if (error.status === 401) {
      signOut(EXPIRED_MESSAGE);
      return;
    }
    keepPolling = error.code !== "conversation_not_found";
  }
  if (keepPolling) startPolling();
}

function signOut(message) {
  stopPolling();
  state.token = null;
  state.conversationId = null;
  $("log").replaceChildren();
  showError($("chat-error"), "");
  show($("typing"), false);
  show($("chat"), false);
  show($("sign-in"), true);
  showError($("sign-in-error"), message);
  $("email").focus();
}

async function startConversation() {
  stopPolling();
  const conversation = await postJson("/api/conversations", {}, state.token);
  state.conversationId = conversation.conversation_id;
  state.lastSeq = 0;
  addMessage(conversation.reply, "assistant", false);
}

async function signIn(event) {
  event.preventDefault();
  showError($("sign-in-error"), "");
  setBusy($("sign-in-button"), true, "Signing in…");
  try {
    const session = await postJson("/scheduling/v1/auth/patient-token", {
      email: $("email").value.trim(),
      date_of_birth: $("dob").value,
    });
    state.token = session.access_token;
    $("log").replaceChildren();
    await startConversation();
    show($("sign-in"), false);
    show($("chat"), true);
    $("message").focus();
  } catch (error) {
    state.token = null;
    showError($("sign-in-error"), error.message);
    $("email").focus();
  } finally {
    setBusy($("sign-in-button"), false);
  }
}

// Put an unsent message back unless the patient has already typed something new.
function restoreDraft(text) {
  if (!$("message").value) $("message").value = text;
}

async function send(event) {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text || state.sending) return;
  state.sending = true;
  showError($("chat-error"), "");
  setBusy($("send"), true, "Sending…");
  show($("typing"), true);
  $("log").setAttribute("aria-busy", "true");
  const bubble = addMessage(text, "patient", false);
  $("message").value = "";
  try {
    const path = "/api/conversations/" + encodeURIComponent(state.conversationId) + "/messages";
    const turn = await postJson(path, { text }, state.token);
    addMessage(turn.reply, "assistant", turn.handoff);
    if (turn.handoff) startPolling();
  } catch (error) {
    markNotSent(bubble);
    restoreDraft(text);
    if (error.status === 401) {
      signOut(EXPIRED_MESSAGE);
    } else if (error.code === "conversation_not_found") {
      await restartConversation();
    } else {
      showError($("chat-error"), error.message);
    }
  } finally {
    state.sending = false;
    setBusy($("send"), false);
    show($("typing"), false);
    $("log").removeAttribute("aria-busy");
    if (!$("chat").hidden) $("message").focus();
  }
}

// The chat store deletes a conversation CONVERSATION_TTL_SECONDS (default 1800) after its last
// message. Open a new one and let the patient send the unsent message again, because the
// earlier context is gone.
async function restartConversation() {
  try {
    addNotice("This conversation expired, so a new one was started. Send your message again.");
    await startConversation();
  } catch (error) {
    if (error.status === 401) {
      signOut(EXPIRED_MESSAGE);
      return;
    }
    showError($("chat-error"), error.message);
  }
}

$("sign-in").addEventListener("submit", signIn);
$("composer").addEventListener("submit", send);
$("sign-out").addEventListener("click", () => {
  $("message").value = "";
  signOut("");
});
