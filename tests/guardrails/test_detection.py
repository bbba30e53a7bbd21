"""De-identification: what must be replaced, what must pass, and how overlaps are merged."""

from __future__ import annotations

import pytest

from guardrails import PseudonymVault
from guardrails.spans import Span, merge_overlaps, replace_spans


def masked(guardrails, patient, text):
    return guardrails.deidentify(text, patient, PseudonymVault()).text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("my friend linh nguyen needs a visit", "nguyen"),
        ("book for XIAOMING WANG tomorrow", "WANG"),
        ("this is Chinedu Okonkwo", "Okonkwo"),
        ("Agnieszka Wójcik wants Friday", "Wójcik"),
        ("signed, Sean O'Brien", "O'Brien"),
        ("John R. Whitfield Jr. called", "Whitfield"),
        ("Robert Castellanos III needs a physical", "Castellanos"),
        ("Mary-Kate Smith-Jones is my daughter", "Smith-Jones"),
        ("please book José García", "García"),
        ("last name is Zhou, first Xiaoming", "Zhou"),
        ("Okafor, Ngozi - appt Friday?", "Okafor"),
        ("my son tomasz needs shots", "tomasz"),
        ("my name is zhuolin", "zhuolin"),
        ("Mrs. Brown is my neighbour", "Brown"),
    ],
)
def test_person_names_replaced(guardrails, patient, text, secret):
    result = masked(guardrails, patient, text)
    assert secret not in result
    assert "<PERSON_" in result


@pytest.mark.parametrize(
    ("text", "secret", "label"),
    [
        ("call me at 555-123-4567", "555-123-4567", "PHONE_NUMBER"),
        ("cell (555) 987-6543", "987-6543", "PHONE_NUMBER"),
        ("text 5559876543 pls", "5559876543", "PHONE_NUMBER"),
        ("my number is +1 312 555 0199", "555 0199", "PHONE_NUMBER"),
        ("email jdoe42@mail.example.net", "jdoe42@mail.example.net", "EMAIL_ADDRESS"),
        ("dob 07/04/1961", "07/04/1961", "DATE_OF_BIRTH"),
        ("I was born on July 4, 1961", "July 4, 1961", "DATE_OF_BIRTH"),
        ("birthday is march 3rd", "march 3rd", "DATE_OF_BIRTH"),
        ("my address is 42 Maple St Apt 4B", "42 Maple St", "STREET_ADDRESS"),
        ("send it to 1600 Willow Creek Road", "1600 Willow Creek Road", "STREET_ADDRESS"),
        ("MRN 00123456", "00123456", "MEDICAL_RECORD_NUMBER"),
        ("medical record number: MR558812", "MR558812", "MEDICAL_RECORD_NUMBER"),
        ("Aetna member id W123456789", "W123456789", "INSURANCE_MEMBER_ID"),
        ("medicare number 1EG4-TE5-MK73", "1EG4-TE5-MK73", "INSURANCE_MEMBER_ID"),
        ("ssn 123-45-6789", "123-45-6789", "US_SSN"),
        ("card 4111 1111 1111 1111", "4111 1111 1111 1111", "CREDIT_CARD"),
    ],
)
def test_identifiers_replaced(guardrails, patient, text, secret, label):
    result = masked(guardrails, patient, text)
    assert secret not in result
    assert f"<{label}_1>" in result


@pytest.mark.parametrize(
    "text",
    [
        "Can I see Dr. Ana Lee next Tuesday at 3pm?",
        "any openings with dr lee friday morning",
        "DR. OMAR HADDAD TODAY AT NOON PLEASE",
        "is Doctor Kim free tomorrow afternoon",
        "book the annual physical at Riverside Clinic in Springfield",
        "Northgate Family Health on Dec 9 at 10:30",
        "I have Aetna, is that ok? also Medicare",
        "Blue Cross Blue Shield and Kaiser Permanente",
        "move it to 12/15 at 2:15pm",
        "this morning or today, whichever is earliest",
        "cancel my 3/28 appointment",
        "the clinic at 100 Harbor Street",
    ],
)
def test_scheduling_terms_pass_unchanged(guardrails, patient, text):
    assert masked(guardrails, patient, text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is MARIA GARCÍA", "this is <PERSON_1>"),
        ("this is maria garcia", "this is <PERSON_1>"),
        ("García, Maria here", "<PERSON_1> here"),
        ("maria again", "<PERSON_1> again"),
        ("last name garcia", "last name <PERSON_1>"),
        ("reach me at 555.201.7788", "reach me at <PHONE_NUMBER_1>"),
        ("reach me at +1 (555) 201-7788", "reach me at <PHONE_NUMBER_1>"),
        ("MARIA.GARCIA@EXAMPLE.COM is my email", "<EMAIL_ADDRESS_1> is my email"),
        ("it's 3/14/85 for verification", "it's <DATE_OF_BIRTH_1> for verification"),
        ("14 March 1985 for verification", "<DATE_OF_BIRTH_1> for verification"),
        ("verify with 1985-03-14", "verify with <DATE_OF_BIRTH_1>"),
    ],
)
def test_patient_own_identifiers_exact(guardrails, patient, text, expected):
    assert masked(guardrails, patient, text) == expected


def test_findings_hold_no_values(guardrails, patient):
    result = guardrails.deidentify("maria garcia, 555-201-7788", patient, PseudonymVault())
    assert result.findings
    for finding in result.findings:
        assert set(finding) == {"entity_type", "start", "end", "score", "source"}
        assert "maria" not in str(finding).lower()


def test_reidentify_round_trip(guardrails, patient):
    vault = PseudonymVault()
    text = "hi it's Maria García, my son Tomasz Wójcik, call 555-201-7788"
    result = guardrails.deidentify(text, patient, vault)
    assert guardrails.reidentify(result.text, vault) == text


def test_restore_arguments_nested(guardrails, patient):
    vault = PseudonymVault()
    vault.placeholder_for("PERSON", "Maria García")
    args = {"who": "<PERSON_1>", "list": [{"x": "for <PERSON_1>"}, 3, None], "other": "<PERSON_7>"}
    restored = guardrails.restore_arguments(args, vault)
    assert restored == {"who": "Maria García", "list": [{"x": "for Maria García"}, 3, None], "other": "<PERSON_7>"}
    assert args["who"] == "<PERSON_1>"


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([Span(0, 5, "PERSON", 0.7), Span(3, 9, "PERSON", 0.9)], [(0, 9, "PERSON")]),
        ([Span(0, 12, "PHONE_NUMBER", 0.8), Span(4, 12, "DATE_OF_BIRTH", 0.6)], [(0, 12, "PHONE_NUMBER")]),
        ([Span(2, 4, "PERSON", 0.7), Span(0, 10, "US_SSN", 0.9)], [(0, 10, "US_SSN")]),
        ([Span(0, 3, "PERSON", 0.7), Span(5, 8, "PHONE_NUMBER", 0.9)], [(0, 3, "PERSON"), (5, 8, "PHONE_NUMBER")]),
    ],
)
def test_merge_overlaps_widest(spans, expected):
    merged = merge_overlaps(spans, "abcdefghijklmnop")
    assert [(s.start, s.end, s.label) for s in merged] == expected


def test_overlapping_replacement_leaks_nothing():
    text = "call 555-201-7788 now"
    spans = merge_overlaps([Span(5, 12, "PHONE_NUMBER", 0.5), Span(9, 17, "PHONE_NUMBER", 0.8)], text)
    assert replace_spans(text, spans, lambda span: "<P>") == "call <P> now"
