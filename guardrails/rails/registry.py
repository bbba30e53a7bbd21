"""Ordered input rails: the first that matches decides the turn.

Emergencies come first so that a patient in danger is never answered with a refusal.
"""

from __future__ import annotations

from guardrails.rails.base import InputRail
from guardrails.rails.clinical import ClinicalRail, OutOfScopeRail
from guardrails.rails.emergency import EmergencyRail
from guardrails.rails.injection import InjectionRail


def default_rails() -> tuple[InputRail, ...]:
    """Return the input rails in priority order."""
    return (EmergencyRail(), InjectionRail(), ClinicalRail(), OutOfScopeRail())
