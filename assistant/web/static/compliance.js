// Compliance console: staff sign-in (password, then TOTP), audit search, conversation timelines,
// integrity, alerts and exports. The session token lives only in this page's memory, so a reload
// signs the officer out. Every text from the server is inserted with textContent, never as HTML.
"use strict";

const API = "/api/compliance";
const AUTH = "/scheduling/v1/auth";
const ALERT_DAYS = 7;

const state = { token: null, pendingToken: null, enrolling: false, filters: {}, nextAfter: null,
                conversation: null };

const $ = (selector) => document.querySelector(selector);

function showMessage(text, kind = "error") {
  const box = $("#message");
  box.textContent = text;
  box.className = kind;
  box.hidden = !text;
}

function errorText(reply) {
  const error = reply.data && reply.data.error;
  return error ? error.message : `The request failed with status ${reply.status}.`;
}

// Send a JSON request; return {ok, status, data, response} and never throw on HTTP errors.
async function call(method, path, body, token = state.token) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                       credentials: "omit" });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") && !response.headers.get("content-disposition") ? await response.json() : null;
  const ended = response.status === 401 && data && data.error && data.error.code === "invalid_session";
  if (ended && state.token && token === state.token) signedOut("The session ended. Sign in again.");
  return { ok: response.ok, status: response.status, data, response };
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// ---- Sign-in ----

async function submitPassword(event) {
  event.preventDefault();
  showMessage("");
  const reply = await call("POST", `${AUTH}/staff/sign-in`,
                           { email: $("#email").value.trim(), password: $("#password").value }, null);
  $("#password").value = "";
  if (!reply.ok) return showMessage(errorText(reply));
  state.pendingToken = reply.data.session_token;
  state.enrolling = !reply.data.mfa_enrolled;
  if (state.enrolling) {
    const enrolment = await call("POST", `${AUTH}/mfa/totp/enrolment`, undefined, state.pendingToken);
    if (!enrolment.ok) return showMessage(errorText(enrolment));
    $("#qr").src = enrolment.data.qr_code;
    $("#totp-secret").textContent = enrolment.data.secret;
  }
  $("#enrolment").hidden = !state.enrolling;
  $("#password-form").hidden = true;
  $("#code-form").hidden = false;
  $("#code").focus();
}

async function submitCode(event) {
  event.preventDefault();
  showMessage("");
  const path = state.enrolling ? `${AUTH}/mfa/totp/enrolment/confirm` : `${AUTH}/mfa/verify`;
  const reply = await call("POST", path, { code: $("#code").value.replace(/\s/g, "") }, state.pendingToken);
  $("#code").value = "";
  if (!reply.ok) return showMessage(errorText(reply));
  state.pendingToken = null;
  state.token = reply.data.session_token;
  $("#code-form").hidden = true;
  if (reply.data.recovery_codes) {
    const list = $("#recovery-codes");
    list.replaceChildren(...reply.data.recovery_codes.map((code) => element("li", code)));
    $("#recovery").hidden = false;
    return;
  }
  await openConsole();
}

async function openConsole() {
  $("#recovery").hidden = true;
  const reply = await call("GET", `${API}/session`);
  if (!reply.ok) {
    const text = errorText(reply);
    await signOut();
    return showMessage(text);
  }
  $("#sign-in").hidden = true;
  $("#console").hidden = false;
  $("#integrity-bar").hidden = false;
  await Promise.all([loadIntegrity(), loadAlerts()]);
}

async function signOut() {
  if (state.token) await call("POST", `${AUTH}/sign-out`);
  signedOut("");
}

function signedOut(text) {
  Object.assign(state, { token: null, pendingToken: null, conversation: null, nextAfter: null });
  $("#console").hidden = true;
  $("#integrity-bar").hidden = true;
  $("#sign-in").hidden = false;
  $("#password-form").hidden = false;
  $("#code-form").hidden = true;
  $("#recovery").hidden = true;
  showMessage(text);
}

// ---- Integrity and alerts ----

function showIntegrity(data) {
  const badge = $("#integrity");
  badge.className = `badge ${data.status}`;
  badge.textContent = `Integrity: ${data.status}`;
  const last = data.last_verification;
  $("#integrity-detail").textContent = last
    ? `checked ${last.records_checked} records at ${last.finished_at}` +
      (last.problem_kind ? `; ${last.problem_kind} at seq ${last.problem_seq}: ${last.message}` : "")
    : "never verified";
}

async function loadIntegrity() {
  const reply = await call("GET", `${API}/integrity`);
  if (reply.ok) showIntegrity(reply.data);
}

async function verifyNow() {
  const button = $("#verify");
  button.disabled = true;
  const reply = await call("POST", `${API}/integrity/verify`);
  button.disabled = false;
  if (!reply.ok) return showMessage(errorText(reply));
  showIntegrity(reply.data);
}

async function loadAlerts() {
  const since = new Date(Date.now() - ALERT_DAYS * 86400 * 1000).toISOString();
  const reply = await call("GET", `${API}/alerts?${new URLSearchParams({ since, limit: "200" })}`);
  if (!reply.ok) return;
  const items = reply.data.records.slice().reverse().map((record) => {
    const details = record.details;
    return element("li", `${record.recorded_at} ${details.rule} (${details.trigger_event_type} by ` +
                         `${details.trigger_actor_id}, seq ${details.trigger_seq})`);
  });
  $("#alert-list").replaceChildren(...(items.length ? items : [element("li", "No alerts.", "muted")]));
}

// ---- Search ----

function readFilters() {
  const filters = {};
  for (const [name, value] of new FormData($("#search-form"))) {
    if (!value) continue;
    // datetime-local has no zone, and the form labels these fields as UTC.
    filters[name] = name === "since" || name === "until" ? `${value}:00Z` : value;
  }
  return filters;
}

async function search(event) {
  if (event) event.preventDefault();
  state.filters = readFilters();
  state.nextAfter = null;
  $("#results tbody").replaceChildren();
  await loadPage();
}

async function loadPage() {
  const params = new URLSearchParams({ ...state.filters, limit: "50" });
  if (state.nextAfter) params.set("after_seq", state.nextAfter);
  const reply = await call("GET", `${API}/records?${params}`);
  if (!reply.ok) return showMessage(errorText(reply));
  showMessage("");
  const rows = reply.data.records.map(resultRow);
  $("#results tbody").append(...rows);
  if (!rows.length && !state.nextAfter) {
    const cell = element("td", "No records match.", "muted");
    cell.colSpan = 8;
    $("#results tbody").append(wrap("tr", cell));
  }
  state.nextAfter = reply.data.next_after_seq;
  $("#more").hidden = state.nextAfter === null;
}

function wrap(tag, ...children) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}

function resultRow(record) {
  const conversation = element("td");
  if (record.conversation_id) {
    const open = element("button", "Timeline");
    open.type = "button";
    open.title = record.conversation_id;
    open.addEventListener("click", () => loadTimeline(record.conversation_id, false));
    conversation.append(element("code", record.conversation_id.slice(0, 8)), " ", open);
  }
  const row = wrap("tr", element("td", record.seq), element("td", record.recorded_at),
                   element("td", record.event_type), element("td", record.outcome),
                   element("td", `${record.actor_id} (${record.actor_role})`), element("td", record.patient_id || ""),
                   conversation, wrap("td", detailsBox(record.details)));
  row.className = record.event_type;
  return row;
}

// A collapsed block: the first characters as the summary, the whole JSON when opened.
function detailsBox(details) {
  const text = JSON.stringify(details);
  const summary = element("summary", text.length > 60 ? `${text.slice(0, 60)}…` : text);
  return wrap("details", summary, element("pre", JSON.stringify(details, null, 1)));
}

// ---- Timeline ----

async function loadTimeline(conversationId, decrypt) {
  const reply = await call("GET", `${API}/conversations/${encodeURIComponent(conversationId)}?decrypt=${decrypt}`);
  if (!reply.ok) return showMessage(errorText(reply));
  showMessage(decrypt ? "Decrypted view shown; this access was recorded." : "", "info");
  state.conversation = conversationId;
  $("#timeline-id").textContent = conversationId;
  const rows = [];
  const other = [];
  reply.data.turns.forEach((turn) => {
    if (!turn.prompts.length && !turn.replies.length && !turn.tool_calls.length) {
      other.push(...turn.other.map((entry) => element("li", `${entry.recorded_at} ${entry.event_type} by ${entry.actor_id}`)));
      return;
    }
    rows.push(wrap("tr", wrap("td", element("span", rows.length + 1), element("div", turn.started_at, "muted")),
                   cell(turn.prompts, promptText), cell(turn.outputs, outputText), cell(turn.tool_calls, toolText),
                   cell(turn.guardrails, guardrailText), cell(turn.replies, replyText)));
  });
  $("#turns tbody").replaceChildren(...rows);
  $("#timeline-other").replaceChildren(...(other.length ? other : [element("li", "None.", "muted")]));
  $("#decrypt").hidden = decrypt;
  $("#timeline").hidden = false;
  $("#timeline").scrollIntoView();
}

function cell(entries, describe) {
  return wrap("td", ...entries.map((entry) => wrap("div", element("pre", describe(entry)))).map((node, index) => {
    node.className = `entry ${entries[index].outcome}`;
    return node;
  }));
}

function promptText(entry) {
  // Each prompt repeats the system prompt and the history, so show the newest message only.
  const messages = (entry.details.messages || []).filter((message) => message.role !== "system");
  const newest = messages[messages.length - 1];
  if (!newest) return "(no messages)";
  const earlier = messages.length - 1;
  return `${newest.role}: ${newest.content}` + (earlier ? `\n(${earlier} earlier messages sent as context)` : "");
}

function outputText(entry) {
  const output = (entry.payload && entry.payload.output) || entry.details.output;
  const names = entry.details.tool_call_names || [];
  const text = output ? output.content : "(encrypted)";
  return names.length ? `${text}\ncalls: ${names.join(", ")}` : text;
}

function toolText(entry) {
  const details = entry.details;
  const args = entry.payload ? JSON.stringify(entry.payload.args) : `args: ${(details.arg_names || []).join(", ")}`;
  return `${details.name} → ${details.status}\n${args}`;
}

function guardrailText(entry) {
  const details = entry.details;
  const extra = details.entity_types && details.entity_types.length ? ` (${details.entity_types.join(", ")})` : "";
  return `${details.stage}: ${details.action}${extra}`;
}

function replyText(entry) {
  if (entry.payload) return entry.payload.reply;
  return `(encrypted, ${entry.details.length} characters)`;
}

// ---- Export with re-authentication ----

let pendingFormat = null;

async function exportRecords(format) {
  const reply = await call("POST", `${API}/exports`, { format, ...readFilters() });
  if (reply.status === 403 && reply.data && reply.data.error.code === "reauthentication_required") {
    pendingFormat = format;
    $("#reauth-secret").value = "";
    $("#reauth").showModal();
    return;
  }
  if (!reply.ok) return showMessage(errorText(reply));
  const disposition = reply.response.headers.get("content-disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const link = element("a");
  link.href = URL.createObjectURL(await reply.response.blob());
  link.download = match ? match[1] : `audit-export.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  showMessage(`Export downloaded as ${link.download}; the export was recorded.`, "info");
}

async function submitReauth(event) {
  event.preventDefault();
  const secret = $("#reauth-secret").value;
  $("#reauth-secret").value = "";
  const body = /^\d{6,8}$/.test(secret.replace(/\s/g, "")) ? { code: secret.replace(/\s/g, "") } : { password: secret };
  const reply = await call("POST", `${AUTH}/reauthenticate`, body);
  $("#reauth").close();
  if (!reply.ok) return showMessage(errorText(reply));
  const format = pendingFormat;
  pendingFormat = null;
  if (format) await exportRecords(format);
}

document.addEventListener("DOMContentLoaded", () => {
  $("#password-form").addEventListener("submit", submitPassword);
  $("#code-form").addEventListener("submit", submitCode);
  $("#recovery-done").addEventListener("click", openConsole);
  $("#sign-out").addEventListener("click", signOut);
  $("#verify").addEventListener("click", verifyNow);
  $("#search-form").addEventListener("submit", search);
  $("#more").addEventListener("click", loadPage);
  $("#decrypt").addEventListener("click", () => loadTimeline(state.conversation, true));
  document.querySelectorAll("button[data-format]").forEach((button) => {
    button.addEventListener("click", () => exportRecords(button.dataset.format));
  });
  $("#reauth-form").addEventListener("submit", submitReauth);
  $("#reauth-cancel").addEventListener("click", () => { pendingFormat = null; $("#reauth").close(); });
});
