// Staff console: book or reschedule for the open conversation's patient, through the
// scheduling API's staff endpoints under the staff member's own session.
"use strict";

const booking = { appointments: [], moving: null };

function patientPath() {
  return SCHEDULING + "/staff/patients/" + consoleState.current.patient_id + "/appointments";
}

function describeTime(item) {
  return new Date(item.start).toLocaleString("en-US", {
    timeZone: item.time_zone, weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
  });
}

function describe(item) {
  return item.provider_name + ", " + describeTime(item) + " at " + item.site_name + " (" + item.appointment_type_name + ")";
}

function listItem(text, buttonLabel, onClick) {
  const item = document.createElement("li");
  const label = document.createElement("span");
  label.textContent = text;
  item.append(label);
  if (buttonLabel) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = buttonLabel;
    button.addEventListener("click", onClick);
    item.append(button);
  }
  return item;
}

async function loadAppointments() {
  booking.moving = null;
  try {
    const data = await request("GET", patientPath());
    booking.appointments = data.appointments.filter((item) => item.status === "booked");
    const items = booking.appointments.map((item) => listItem(describe(item), "Reschedule", () => {
      booking.moving = item;
      $("booking-status").textContent = "Pick a new time for: " + describe(item);
    }));
    if (!items.length) items.push(listItem("No upcoming appointments."));
    $("appointments").replaceChildren(...items);
  } catch (error) {
    $("appointments").replaceChildren(listItem(error.status === 403 ? "Your role cannot see appointments." : error.message));
  }
}

async function findSlots(event) {
  event.preventDefault();
  const params = new URLSearchParams({ start_date: $("slot-date").value, end_date: $("slot-date").value, limit: "10" });
  if ($("slot-time").value) params.set("time_of_day", $("slot-time").value);
  try {
    const data = await request("GET", SCHEDULING + "/staff/slots?" + params.toString());
    const items = data.slots.map((slot) => listItem(describe(slot), booking.moving ? "Move here" : "Book", () => bookSlot(slot)));
    if (!items.length) items.push(listItem("No openings that day."));
    $("slots").replaceChildren(...items);
  } catch (error) {
    handleError(error, $("conversation-error"));
  }
}

// Book (or move the chosen appointment to) `slot`, then draft a reply for the staff member to send.
async function bookSlot(slot) {
  const headers = { "Idempotency-Key": randomKey() };
  try {
    let done;
    if (booking.moving) {
      done = await request("POST", patientPath() + "/" + booking.moving.id + "/reschedule", { slot_id: slot.slot_id }, undefined, headers);
      $("reply").value = "I moved your appointment to " + describe(done) + ".";
      $("outcome").value = "rescheduled";
    } else {
      done = await request("POST", patientPath(), { slot_id: slot.slot_id }, undefined, headers);
      $("reply").value = "I booked you with " + describe(done) + ".";
      $("outcome").value = "booked";
    }
    $("booking-status").textContent = "Done: " + describe(done) + ". A reply is drafted below the transcript.";
    $("slots").replaceChildren();
    loadAppointments();
  } catch (error) {
    $("booking-status").textContent = error.message;
    if (error.status === 401) signOut("Your session has ended. Sign in again.");
  }
}

$("slot-search").addEventListener("submit", findSlots);
