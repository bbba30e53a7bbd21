// Patient chat page: signs in to a patient portal session on the scheduling API (password, then
// a TOTP code when the patient turned it on), then talks to the assistant's chat API.
// The session token lives only in this page's memory, so reloading the page drops it. The server
// ends the session after its idle timeout or absolute lifetime.
"use strict";

const state = {
  token: null,
  // Step-one token of a sign-in that still waits for the TOTP code.
  pendingToken: null,
  // Account of the last signed-in session, to tell whether a new sign-in is the same patient.
  accountId: null,
  conversationId: null,
  // Conversation bubbles taken off the page while the session is expired, put back only after
  // the same patient signs in again and the server still has the conversation.
  savedLog: null,
  sending: false,
  lastSeq: 0,
  pollTimer: null,
};

const $ = (id) => document.getElementById(id);

const SIGN_IN_PATH = "/scheduling/v1/auth/patient/sign-in";
const MFA_VERIFY_PATH = "/scheduling/v1/auth/mfa/verify";
const SESSION_PATH = "/scheduling/v1/auth/session";
const SIGN_OUT_PATH = "/scheduling/v1/auth/sign-out";

const UNREACHABLE_MESSAGE = "The server could not be reached. Check your connection and try again.";
const EXPIRED_MESSAGE = "Your session has expired. Please sign in again.";
// One message for a wrong email and a wrong password, so the page does not show which was wrong.
const WRONG_CREDENTIALS_MESSAGE = "The email or password is incorrect. Check both and try again.";
const WRONG_CODE_MESSAGE = "That code is wrong, expired or already used. Enter the code your app shows now.";
const MFA_EXPIRED_MESSAGE = "The code was not entered in time. Sign in again.";
const RESUMED_MESSAGE = "You are signed in again. Continue where you left off.";
const RESTARTED_MESSAGE = "Your earlier conversation expired, so a new one was started.";
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

// Send a request with an optional JSON body and bearer token, and return the parsed response body.
// Throws an Error with `status` (0 when the server could not be reached), `code` from the API's
// {"error": {...}} body and `retryAfter`, the Retry-After header in seconds (0 when absent).
async function requestJson(path, { method = "GET", body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (networkError) {
    throw Object.assign(new Error(UNREACHABLE_MESSAGE), { status: 0, code: "unreachable", retryAfter: 0 });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = data.error || {};
    const text = details.message || "The request failed (status " + response.status + "). Try again.";
    // The chat API's messages start in lower case, so capitalize them for display.
    const error = new Error(text.charAt(0).toUpperCase() + text.slice(1));
    error.status = response.status;
    error.code = details.code;
    error.retryAfter = Number.parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
    throw error;
  }
  return data;
}

function postJson(path, body, token) {
  return requestJson(path, { method: "POST", body: body ?? {}, token });
}

function setBusy(button, busy, busyLabel) {
  if (!button.dataset.label) button.dataset.label = button.textContent;
  button.disabled = busy;
  button.textContent = busy ? busyLabel : button.dataset.label;
}

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

function startPolling() {
  if (state.pollTimer === null) state.pollTimer = setTimeout(pollUpdates, POLL_MILLISECONDS);
}

function updatesPath() {
  return "/api/conversations/" + encodeURIComponent(state.conversationId) + "/updates?after=" + state.lastSeq;
}

// Show staff replies and notices from an updates response, and poll again while a person owns
// the chat.
function showUpdates(updates) {
  for (const entry of updates.entries) {
    if (entry.role === "staff") addMessage(entry.text, "staff", false);
    else addNotice(entry.text);
  }
  state.lastSeq = Math.max(state.lastSeq, updates.last_seq);
  if (updates.handoff) startPolling();
}

// Show staff replies and notices newer than the last one shown; keep asking while a person
// owns the chat. A failed poll is retried quietly, except for an ended session.
async function pollUpdates() {
  state.pollTimer = null;
  if (!state.conversationId) return;
  try {
    showUpdates(await requestJson(updatesPath(), { token: state.token }));
  } catch (error) {
    if (error.status === 401) {
      expireSession();
    } else if (error.code !== "conversation_not_found") {
      startPolling();
    }
  }
}

function showSignInForm(message) {
  show($("chat"), false);
  show($("mfa"), false);
  show($("sign-in"), true);
  showError($("sign-in-error"), message);
  // The email stays filled after an expired session, so the patient only retypes the password.
  ($("email").value ? $("password") : $("email")).focus();
}

// Return the sign-in error to show. Every wrong email or password gets the same text.
function signInMessage(error) {
  switch (error.code) {
    case "invalid_credentials":
      return WRONG_CREDENTIALS_MESSAGE;
    case "invalid_code":
      return WRONG_CODE_MESSAGE;
    case "too_many_attempts":
      return lockedMessage(error.retryAfter);
    default:
      return error.message;
  }
}

// Describe a sign-in lockout with the wait from the Retry-After header.
function lockedMessage(seconds) {
  if (!seconds) return "Too many failed sign-in attempts. Wait a few minutes, then try again, or contact the clinic.";
  let wait;
  if (seconds < 60) {
    wait = seconds === 1 ? "1 second" : seconds + " seconds";
  } else {
    const minutes = Math.ceil(seconds / 60);
    wait = minutes === 1 ? "1 minute" : minutes + " minutes";
  }
  return "Too many failed sign-in attempts. Wait " + wait + ", then try again, or contact the clinic.";
}

// Tell the server to end a session the page no longer uses. Failures are ignored, because the
// server also ends it after the idle timeout.
function endServerSession(token) {
  requestJson(SIGN_OUT_PATH, { method: "POST", token }).catch(() => {});
}

// Drop the conversation, its bubbles and the unsent draft, so nothing of it reaches the next
// patient who signs in on this page.
function forgetConversation() {
  stopPolling();
  state.conversationId = null;
  state.savedLog = null;
  state.lastSeq = 0;
  $("log").replaceChildren();
  $("message").value = "";
  showError($("chat-error"), "");
  show($("typing"), false);
}

// The server rejected the session (idle timeout, absolute lifetime or ended elsewhere). Keep the
// conversation and the draft for the same patient's next sign-in, but take the bubbles off
// the page until then.
function expireSession() {
  stopPolling();
  state.token = null;
  if (state.conversationId) {
    const saved = document.createDocumentFragment();
    saved.append(...$("log").childNodes);
    state.savedLog = saved;
  }
  $("log").replaceChildren();
  showError($("chat-error"), "");
  show($("typing"), false);
  showSignInForm(EXPIRED_MESSAGE);
}

// Sign out on request: end the server session and forget everything, including the email.
function signOut() {
  if (state.token) endServerSession(state.token);
  state.token = null;
  state.accountId = null;
  forgetConversation();
  $("email").value = "";
  $("password").value = "";
  showSignInForm("");
}

async function startConversation() {
  stopPolling();
  const conversation = await postJson("/api/conversations", {}, state.token);
  state.conversationId = conversation.conversation_id;
  state.lastSeq = 0;
  addMessage(conversation.reply, "assistant", false);
}

// Put the saved bubbles back and show what staff sent meanwhile. Return false when the server
// no longer has the conversation for this patient.
async function resumeConversation() {
  let updates;
  try {
    updates = await requestJson(updatesPath(), { token: state.token });
  } catch (error) {
    if (error.code !== "conversation_not_found") throw error;
    return false;
  }
  if (state.savedLog) $("log").replaceChildren(state.savedLog);
  state.savedLog = null;
  addNotice(RESUMED_MESSAGE);
  showUpdates(updates);
  return true;
}

// Open the chat with a verified session token: continue the earlier conversation when the
// same patient signs in again and the server still has it, else start a new one.
async function openChat(token) {
  state.token = token;
  try {
    const session = await requestJson(SESSION_PATH, { token });
    if (session.account_id !== state.accountId) forgetConversation();
    state.accountId = session.account_id;
    const hadConversation = Boolean(state.conversationId);
    if (!hadConversation || !(await resumeConversation())) {
      state.conversationId = null;
      state.savedLog = null;
      $("log").replaceChildren();
      if (hadConversation) addNotice(RESTARTED_MESSAGE);
      await startConversation();
    }
  } catch (error) {
    state.token = null;
    throw error;
  }
  show($("sign-in"), false);
  show($("mfa"), false);
  show($("chat"), true);
  $("message").focus();
}

async function signIn(event) {
  event.preventDefault();
  showError($("sign-in-error"), "");
  setBusy($("sign-in-button"), true, "Signing in…");
  const credentials = { email: $("email").value.trim(), password: $("password").value };
  $("password").value = "";
  try {
    const session = await postJson(SIGN_IN_PATH, credentials);
    if (session.mfa_required) {
      askForCode(session.session_token);
    } else {
      await openChat(session.session_token);
    }
  } catch (error) {
    showError($("sign-in-error"), signInMessage(error));
    $("password").focus();
  } finally {
    setBusy($("sign-in-button"), false);
  }
}

function askForCode(pendingToken) {
  state.pendingToken = pendingToken;
  $("totp-code").value = "";
  showError($("mfa-error"), "");
  show($("sign-in"), false);
  show($("mfa"), true);
  $("totp-code").focus();
}

// Leave the code step: end the waiting step-one session and show the password form again.
function cancelCode(message) {
  if (state.pendingToken) endServerSession(state.pendingToken);
  state.pendingToken = null;
  showSignInForm(message);
}

async function verifyCode(event) {
  event.preventDefault();
  showError($("mfa-error"), "");
  setBusy($("mfa-button"), true, "Verifying…");
  try {
    const code = $("totp-code").value.replace(/\s/g, "");
    const session = await postJson(MFA_VERIFY_PATH, { code }, state.pendingToken);
    // The verified session replaces the step-one token, which stops working.
    state.pendingToken = null;
    await openChat(session.session_token);
  } catch (error) {
    $("totp-code").value = "";
    if (error.code === "invalid_session") {
      // The step-one session lasts at most 10 minutes.
      cancelCode(MFA_EXPIRED_MESSAGE);
    } else if (state.pendingToken === null) {
      // The code was accepted but the chat did not open, so a new sign-in is needed.
      showSignInForm(signInMessage(error));
    } else {
      showError($("mfa-error"), signInMessage(error));
      $("totp-code").focus();
    }
  } finally {
    setBusy($("mfa-button"), false);
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
      expireSession();
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
      expireSession();
      return;
    }
    showError($("chat-error"), error.message);
  }
}

$("sign-in").addEventListener("submit", signIn);
$("mfa").addEventListener("submit", verifyCode);
$("mfa-cancel").addEventListener("click", () => cancelCode(""));
$("composer").addEventListener("submit", send);
$("sign-out").addEventListener("click", signOut);
