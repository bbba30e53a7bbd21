"""Texted conversations: keywords, wrong numbers, identity by date of birth or code, booking."""

from __future__ import annotations

import re

from sqlalchemy import select

from scheduling.sms_models import SmsConsentChange
from tests.sms.conftest import CASEY, EJEMPLO_FAMILY, JORDAN, RILEY, UNKNOWN

PART_PREFIX = re.compile(r"^\(\d+/\d+\) ")


def joined(replies: list[str]) -> str:
    """Join the parts of a split text back into the text that was split."""
    return " ".join(PART_PREFIX.sub("", part) for part in replies)


def test_help_returns_clinic_contact(sms):
    replies = sms.text(CASEY, "help")

    assert len(replies) == 1
    assert "(303) 555-0100" in replies[0]
    assert "https://portal.example.com/" in replies[0]
    assert "STOP" in replies[0]


def test_stop_records_consent_with_source(sms):
    replies = sms.text(CASEY, "Stop")

    assert "unsubscribed" in replies[0]
    with sms.server.session_factory() as session:
        change = session.scalars(select(SmsConsentChange)).one()
    assert change.opted_out is True
    assert change.source == "sms_keyword"
    assert change.keyword == "STOP"
    assert change.recorded_at is not None


def test_opted_out_number_gets_no_replies(sms):
    sms.text(CASEY, "UNSUBSCRIBE")

    assert sms.text(CASEY, "hello") == []
    assert sms.text(CASEY, "01/05/1999") == []


def test_start_resumes_texts(sms):
    sms.text(CASEY, "QUIT")

    assert "subscribed" in sms.text(CASEY, "START")[0]
    assert len(sms.text(CASEY, "hello")) == 1


def test_cancel_alone_is_opt_out(sms):
    replies = sms.text(CASEY, "CANCEL")

    assert "unsubscribed" in replies[0]


def test_stop_inside_sentence_is_not_keyword(sms):
    replies = sms.text(CASEY, "please stop by the desk")

    assert "unsubscribed" not in replies[0]


def test_wrong_number_gets_one_generic_reply(sms):
    replies = sms.text(UNKNOWN, "wrong number, who is this?")

    assert len(replies) == 1
    assert "automated appointment line" in replies[0]
    assert sms.text(UNKNOWN, "hello?") == []


def test_unknown_and_known_numbers_fail_alike(sms):
    unknown = sms.text(UNKNOWN, "Alex 02/02/1990")
    known = sms.text(CASEY, "Casey 02/02/1990")

    assert unknown == known


def test_details_wait_for_verification(sms):
    replies = sms.text(JORDAN, "what appointments do I have?")

    assert len(replies) == 1
    assert "date of birth" in replies[0]


def test_date_of_birth_verifies(sms):
    replies = sms.text(CASEY, "my birthday is Jan 5 1999")

    assert replies[0].startswith("Thank you, you're verified.")


def test_repeated_failures_silence_number(sms):
    sms.text(CASEY, "Casey 02/02/1990")
    sms.text(CASEY, "Casey 03/03/1990")
    locked = sms.text(CASEY, "Casey 04/04/1990")

    assert "Please call" in locked[0]
    assert sms.text(CASEY, "Casey 01/05/1999") == []


def test_shared_phone_asks_without_names(sms):
    reply = joined(sms.text(EJEMPLO_FAMILY, "hola, necesito una cita"))

    assert "primer nombre y la fecha de nacimiento del paciente" in reply
    assert "Maria" not in reply
    assert "Sofia" not in reply


def test_shared_phone_verifies_each_patient(sms):
    sofia = joined(sms.text(EJEMPLO_FAMILY, "Sofia 03/14/2011"))

    assert sofia.startswith("Gracias, su identidad quedó verificada.")
    assert sms.channel.sessions.load(EJEMPLO_FAMILY).patient_id == sms.server.patients[4].id


def test_shared_phone_wrong_name_fails(sms):
    # Before verification the language is unknown, so an English text gets English.
    replies = sms.text(EJEMPLO_FAMILY, "Maria 03/14/2011")

    assert replies[0].startswith("Sorry, we couldn't verify")


def test_spanish_patient_gets_spanish_replies(sms):
    sms.text(EJEMPLO_FAMILY, "Maria 30/09/1972")

    reply = joined(sms.text(EJEMPLO_FAMILY, "what are my appointments"))

    assert reply
    assert "appointment" not in reply.lower()
    assert "cita" in reply.lower()


def test_one_time_code_verifies(sms):
    code_text = sms.text(CASEY, "CODE")[0]
    code = re.search(r"\b(\d{6})\b", code_text).group(1)

    replies = sms.text(CASEY, code)

    assert "expires in 10 minutes" in code_text
    assert replies[0].startswith("Thank you, you're verified.")


def test_wrong_code_fails(sms):
    code_text = sms.text(CASEY, "CODE")[0]
    code = re.search(r"\b(\d{6})\b", code_text).group(1)
    wrong = f"{(int(code) + 1) % 1000000:06d}"

    replies = sms.text(CASEY, wrong)

    assert replies[0].startswith("Sorry, we couldn't verify")


def test_unknown_number_gets_code_that_never_verifies(sms):
    code_text = sms.text(UNKNOWN, "CODE")[0]
    code = re.search(r"\b(\d{6})\b", code_text).group(1)

    replies = sms.text(UNKNOWN, code)

    assert replies[0].startswith("Sorry, we couldn't verify")


def test_shared_phone_code_needs_first_name(sms):
    code_text = sms.text(EJEMPLO_FAMILY, "CODE Sofia")[0]
    code = re.search(r"\b(\d{6})\b", code_text).group(1)

    reply = joined(sms.text(EJEMPLO_FAMILY, code))

    assert reply.startswith("Gracias")
    assert sms.channel.sessions.load(EJEMPLO_FAMILY).patient_id == sms.server.patients[4].id


def test_texted_conversation_books_end_to_end(sms):
    sms.text(JORDAN, "Jordan 04/12/1985")

    offers = sms.text(JORDAN, "I need a checkup next Tuesday morning")
    summary = sms.text(JORDAN, "the second one")
    booked = sms.text(JORDAN, "yes")

    assert any("1." in part for part in offers)
    assert summary[0].startswith("Book ")
    assert booked[0].startswith("You're booked for ")
    assert "https://portal.example.com/" in booked[-1]
    with sms.server.session_factory() as session:
        from scheduling.models import Appointment
        rows = session.scalars(select(Appointment).where(Appointment.patient_id == sms.server.patients[0].id)).all()
    assert [row.status for row in rows] == ["booked"]


def test_riley_verifies_with_two_digit_year(sms):
    replies = sms.text(RILEY, "6/21/15 riley")

    assert replies[0].startswith("Thank you")
