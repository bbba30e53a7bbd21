"""The registry of every extractor: importing this module registers them all, in run order."""

from assistant.engines.local.nlu import (  # noqa: F401  (imported for their registrations)
    choice, dates, intents, language, names, preferences, requests, specialties, times, yesno,
)
from assistant.engines.local.nlu.base import EXTRACTORS

__all__ = ["EXTRACTORS"]
