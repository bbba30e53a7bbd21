// Patient chat page: signs in against the scheduling API, then talks to the assistant's chat API.
// The access token lives only in this page's memory; reloading the page signs the patient out.
"use strict";

const state = { token: null, conversationId: null };

const $ = (id) => document.getElementById(id);

function show(element, visible) {
  element.hidden = !visible;
}

function addMessage(text, who, handoff) {
  const item = document.createElement("li");
  item.className = who + (handoff ? " handoff" : "");
  item.textContent = text;
  $("log").appendChild(item);
  item.scrollIntoView({ block: "end" });
}

async function postJson(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = data.error ? data.error.message : "The request failed (" + response.status + ").";
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return data;
}

function signOut(message) {
  state.token = null;
  state.conversationId = null;
  $("log").replaceChildren();
  show($("chat"), false);
  show($("sign-in"), true);
  show($("sign-in-error"), Boolean(message));
  $("sign-in-error").textContent = message || "";
}

async function signIn(event) {
  event.preventDefault();
  show($("sign-in-error"), false);
  try {
    const session = await postJson("/scheduling/v1/auth/patient-token", {
      email: $("email").value.trim(),
      date_of_birth: $("dob").value,
    });
    state.token = session.access_token;
    const conversation = await postJson("/api/conversations", {}, state.token);
    state.conversationId = conversation.conversation_id;
    show($("sign-in"), false);
    show($("chat"), true);
    addMessage(conversation.reply, "assistant", false);
    $("message").focus();
  } catch (error) {
    $("sign-in-error").textContent = error.message;
    show($("sign-in-error"), true);
  }
}

async function send(event) {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text) return;
  show($("chat-error"), false);
  $("send").disabled = true;
  addMessage(text, "patient", false);
  $("message").value = "";
  try {
    const path = "/api/conversations/" + encodeURIComponent(state.conversationId) + "/messages";
    const turn = await postJson(path, { text }, state.token);
    addMessage(turn.reply, "assistant", turn.handoff);
  } catch (error) {
    if (error.status === 401) {
      signOut("Your session has expired. Please sign in again.");
      return;
    }
    $("chat-error").textContent = error.message;
    show($("chat-error"), true);
    $("message").value = text;
  } finally {
    $("send").disabled = false;
    $("message").focus();
  }
}

$("sign-in").addEventListener("submit", signIn);
$("composer").addEventListener("submit", send);
$("sign-out").addEventListener("click", () => signOut(""));
