// Staff console: HTTP helpers and the two-step sign-in (password, then TOTP).
// The session token lives only in this page's memory. Sign-in also sets the clinic_session
// cookie, which the live event stream uses because EventSource cannot send headers.
"use strict";

const staff = { token: null, role: null, id: null, pendingToken: null, enrolling: false };
const $ = (id) => document.getElementById(id);
const SCHEDULING = "/scheduling/v1";
const UNREACHABLE_MESSAGE = "The server could not be reached. Check your connection and try again.";

function show(element, visible) {
  element.hidden = !visible;
}

function showError(element, message) {
  element.textContent = message || "";
  show(element, Boolean(message));
}

function setBusy(button, busy) {
  button.disabled = busy;
}

// Send a request and return the parsed JSON body (null for 204). Throws an Error carrying
// `status` (0 when unreachable) and `code` from the {"error": {...}} body.
async function request(method, path, body, token, extraHeaders) {
  const headers = { ...(extraHeaders || {}) };
  const bearer = token === undefined ? staff.token : token;
  if (bearer) headers.Authorization = "Bearer " + bearer;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (networkError) {
    throw Object.assign(new Error(UNREACHABLE_MESSAGE), { status: 0, code: "unreachable" });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = data.error || {};
    const text = details.message || "The request failed (status " + response.status + "). Try again.";
    throw Object.assign(new Error(text.charAt(0).toUpperCase() + text.slice(1)),
      { status: response.status, code: details.code });
  }
  return data;
}

// Random hex for Idempotency-Key; getRandomValues works on plain http too, unlike randomUUID.
function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (value) => value.toString(16).padStart(2, "0")).join("");
}

async function signIn(event) {
  event.preventDefault();
  showError($("sign-in-error"), "");
  setBusy($("sign-in-button"), true);
  try {
    const session = await request("POST", SCHEDULING + "/auth/staff/sign-in",
      { email: $("email").value.trim(), password: $("password").value }, null);
    $("password").value = "";
    staff.pendingToken = session.session_token;
    staff.enrolling = !session.mfa_enrolled;
    if (staff.enrolling) {
      const enrolment = await request("POST", SCHEDULING + "/auth/mfa/totp/enrolment", {}, staff.pendingToken);
      $("qr-code").src = enrolment.qr_code;
      $("totp-secret").textContent = enrolment.secret;
    }
    show($("enrolment"), staff.enrolling);
    show($("sign-in"), false);
    show($("mfa"), true);
    $("totp-code").focus();
  } catch (error) {
    showError($("sign-in-error"), error.message);
  } finally {
    setBusy($("sign-in-button"), false);
  }
}

async function verifyCode(event) {
  event.preventDefault();
  showError($("mfa-error"), "");
  setBusy($("mfa-button"), true);
  const path = staff.enrolling ? "/auth/mfa/totp/enrolment/confirm" : "/auth/mfa/verify";
  try {
    const session = await request("POST", SCHEDULING + path, { code: $("totp-code").value.trim() }, staff.pendingToken);
    $("totp-code").value = "";
    $("totp-secret").textContent = "";
    $("qr-code").removeAttribute("src");
    staff.pendingToken = null;
    staff.token = session.session_token;
    staff.role = session.role;
    show($("mfa"), false);
    if (session.recovery_codes) {
      $("recovery-codes").replaceChildren(...session.recovery_codes.map((code) => {
        const item = document.createElement("li");
        item.textContent = code;
        return item;
      }));
      show($("recovery"), true);
      $("recovery-done").focus();
    } else {
      openConsole();
    }
  } catch (error) {
    showError($("mfa-error"), error.message);
    if (error.status === 401 && error.code === "invalid_session") signOut("The sign-in took too long. Sign in again.");
  } finally {
    setBusy($("mfa-button"), false);
  }
}

async function signOut(message) {
  const token = staff.token || staff.pendingToken;
  staff.token = staff.pendingToken = staff.role = staff.id = null;
  closeConsole();
  if (token) request("POST", SCHEDULING + "/auth/sign-out", undefined, token).catch(() => {});
  show($("mfa"), false);
  show($("recovery"), false);
  show($("sign-in"), true);
  showError($("sign-in-error"), message || "");
  $("email").focus();
}

$("sign-in").addEventListener("submit", signIn);
$("mfa").addEventListener("submit", verifyCode);
$("recovery-done").addEventListener("click", () => {
  $("recovery-codes").replaceChildren();
  show($("recovery"), false);
  openConsole();
});
$("sign-out").addEventListener("click", () => signOut(""));
