"""The recognizers added to Presidio's defaults, one class per entity they find."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from guardrails.recognizers.date_of_birth import DateOfBirthRecognizer
from guardrails.recognizers.insurance_member_id import InsuranceMemberIdRecognizer
from guardrails.recognizers.medical_record_number import MedicalRecordNumberRecognizer
from guardrails.recognizers.person_name_cue import PersonNameCueRecognizer
from guardrails.recognizers.person_name_lexicon import PersonNameLexiconRecognizer
from guardrails.recognizers.phone import UsPhoneRecognizer
from guardrails.recognizers.street_address import StreetAddressRecognizer
from guardrails.recognizers.social_security_number import SocialSecurityNumberRecognizer

RECOGNIZER_CLASSES: tuple[type[EntityRecognizer], ...] = (
    UsPhoneRecognizer,
    MedicalRecordNumberRecognizer,
    InsuranceMemberIdRecognizer,
    DateOfBirthRecognizer,
    StreetAddressRecognizer,
    SocialSecurityNumberRecognizer,
    PersonNameLexiconRecognizer,
    PersonNameCueRecognizer,
)


def build_recognizers() -> list[EntityRecognizer]:
    """Instantiate every project recognizer once; each is stateless after loading."""
    return [recognizer_class() for recognizer_class in RECOGNIZER_CLASSES]
