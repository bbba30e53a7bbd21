"""Importing guardrails switches off every network lookup of its dependencies."""

from __future__ import annotations

import os

import tldextract.tldextract as tld_module

from guardrails import PseudonymVault
from guardrails.detector import SPACY_MODEL


def test_tldextract_never_fetches():
    assert os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
    assert tld_module.TLD_EXTRACTOR.suffix_list_urls == ()
    assert tld_module.TLD_EXTRACTOR.fallback_to_snapshot


def test_langsmith_tracing_off_unless_configured():
    if os.environ.get("LANGCHAIN_TRACING_V2") is None:
        assert os.environ["LANGSMITH_TRACING"].lower() in {"false", ""} or "LANGSMITH_TRACING" in os.environ


def test_email_with_rare_suffix_detected_offline(guardrails, patient):
    result = guardrails.deidentify("write to someone@clinic-example.co.uk", patient, PseudonymVault())
    assert result.text == "write to <EMAIL_ADDRESS_1>"


def test_pinned_spacy_model_loaded(guardrails):
    nlp = guardrails.detector.analyzer.nlp_engine.nlp["en"]
    assert nlp.meta["name"] in SPACY_MODEL
    assert nlp.meta["version"] == "3.8.0"
