"""Words that reveal why a patient sees a provider; they stay out of SMS (minimum necessary)."""

from __future__ import annotations

import re

_SPECIALTIES = """
oncology oncologist cardiology cardiologist dermatology dermatologist psychiatry psychiatrist
psychology psychologist psychotherapy therapist counseling counselling behavioral\\s+health
mental\\s+health obstetrics obstetrician ob/?gyn gynecology gynecologist urology urologist
gastroenterology gastroenterologist endocrinology endocrinologist infectious\\s+disease
nephrology nephrologist neurology neurologist rheumatology rheumatologist pulmonology
pulmonologist hematology hematologist fertility reproductive\\s+health addiction\\s+medicine
sleep\\s+medicine pain\\s+management physical\\s+therapy podiatry podiatrist
""".split()
_REASONS = """
prenatal postnatal pregnancy ivf abortion contraception birth\\s+control iud vasectomy hiv aids
std sti prep hepatitis substance\\s+use addiction methadone suboxone rehab detox dialysis
chemotherapy chemo radiation\\s+therapy colonoscopy endoscopy mammogram biopsy pap\\s+smear
pap\\s+test blood\\s+test blood\\s+work bloodwork lab\\s+work labs x-?ray mri ct\\s+scan ultrasound
ekg ecg stress\\s+test std\\s+test hiv\\s+test pregnancy\\s+test covid\\s+test
diabetes cancer tumor depression anxiety bipolar schizophrenia adhd asthma copd hypertension
high\\s+blood\\s+pressure cholesterol eating\\s+disorder dementia alzheimer'?s epilepsy
""".split()
_MEDICATIONS = """
insulin metformin ozempic semaglutide lisinopril atorvastatin sertraline zoloft fluoxetine prozac
escitalopram lexapro alprazolam xanax adderall oxycodone hydrocodone buprenorphine naloxone
lithium warfarin prednisone antibiotics? antidepressants? truvada
""".split()
_TERM = r"(?:" + "|".join(_SPECIALTIES + _REASONS + _MEDICATIONS) + r")"

# "for your colonoscopy follow-up", "to discuss your labs": the whole phrase goes.
PHRASE_RE = re.compile(
    rf"[ \t]*\b(?:for|about|regarding|re:|to\s+discuss|to\s+review|with\s+(?:the\s+)?)[ \t]+(?:your|a|an|the|his|her)?[ \t]*"
    rf"{_TERM}(?:[ \t]+(?:follow-?up|visit|appointment|consult(?:ation)?|screening|check(?:-?up)?|results?|refill|clinic|department|team))?\b",
    re.IGNORECASE,
)
# "your dermatology appointment", "(Oncology)": the term alone goes.
TERM_RE = re.compile(rf"[ \t]*\(?\b{_TERM}\b\)?", re.IGNORECASE)
# Words that still disclose clinical content after the terms are removed.
RESIDUAL_RE = re.compile(
    r"\b(?:diagnos\w*|prescri\w*|medications?|results?|symptoms?|treatment|condition)\b", re.IGNORECASE
)
