"""Spanish messages: everyday words pass, names are still found, our own replies are not PHI."""

from __future__ import annotations

import pytest

from guardrails import PatientContext, PseudonymVault

PATIENT = PatientContext("p-es", "Lucia", "Ramirez", "1979-06-02", "(303) 555-0140", "lucia.ramirez@example.com")


@pytest.mark.parametrize(
    "text",
    ["hola, necesito una cita", "quiero una cita el martes en la mañana", "necesito cambiar mi cita, por favor"],
)
def test_spanish_request_passes_unchanged(guardrails, text):
    assert guardrails.deidentify(text, PATIENT, PseudonymVault()).text == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hola, soy Maria Gonzalez, necesito una cita", "Maria Gonzalez"),
        ("mi nombre es Carlos Ruiz", "Carlos Ruiz"),
        ("What appointments does Maria Ejemplo have?", "Ejemplo"),
    ],
)
def test_names_in_spanish_are_found(guardrails, text, name):
    cleaned = guardrails.deidentify(text, PATIENT, PseudonymVault()).text

    assert name not in cleaned
    assert "<PERSON_1>" in cleaned


def test_spanish_template_reply_not_redacted(guardrails):
    reply = 'Disculpe, no le entendí. Puede escribir, por ejemplo, "cancelar mi cita".'

    verdict = guardrails.filter_output(reply, PATIENT, "web")

    assert verdict.text == reply
    assert verdict.redacted is False


def test_foreign_name_in_reply_still_redacted(guardrails):
    verdict = guardrails.filter_output("Le escribe Rosa Cruz sobre su cita", PATIENT, "web")

    assert "Rosa Cruz" not in verdict.text


def test_rail_reply_follows_patient_language(guardrails):
    spanish = PatientContext("p-es", "Lucia", "Ramirez", "1979-06-02", "(303) 555-0140", "l@example.com", "web", "es")

    english_reply = guardrails.screen_input("I have crushing chest pain", PATIENT).reply
    spanish_reply = guardrails.screen_input("I have crushing chest pain", spanish).reply

    assert "911" in english_reply
    assert "911" in spanish_reply
    assert spanish_reply != english_reply
