"""HIPAA guardrails around every model call: input rails, de-identification, output filter.

``offline`` is imported first so that tldextract and LangSmith never reach the network.
"""

from guardrails import offline  # noqa: F401  (side effect: network lookups disabled)
from guardrails.context import DirectoryContext, PatientContext
from guardrails.vault import PseudonymVault, VaultKeyError
from guardrails.pipeline import Deidentified, Guardrails, InputVerdict, OutputVerdict

__all__ = [
    "Deidentified",
    "Guardrails",
    "InputVerdict",
    "OutputVerdict",
    "DirectoryContext",
    "PatientContext",
    "PseudonymVault",
    "VaultKeyError",
]
