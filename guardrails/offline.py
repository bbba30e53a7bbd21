"""Process-wide settings that keep the guardrails from reaching the network.

Imported first by ``guardrails/__init__.py``, before Presidio pulls in tldextract:

- tldextract (used by Presidio's email recognizer) downloads the public suffix list on first use
  unless its URL list is empty. Here the URL list is emptied, its cache points inside the project,
  and the module-level extractor is replaced by one that reads only the snapshot bundled with
  tldextract, so no code path in this process fetches it.
- LangSmith tracing sends every prompt to a remote service. When neither ``LANGSMITH_TRACING``
  nor ``LANGCHAIN_TRACING_V2`` is set, tracing is switched off explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

_PROJECT_ROOT = Path(__file__).resolve().parent.parent
TLDEXTRACT_CACHE_DIR = _PROJECT_ROOT / ".data" / "tldextract"


def disable_network_lookups() -> None:
    """Point tldextract at its bundled snapshot and switch off LangSmith unless configured."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    os.environ.setdefault("TLDEXTRACT_CACHE", str(TLDEXTRACT_CACHE_DIR))
    if "LANGSMITH_TRACING" not in os.environ and "LANGCHAIN_TRACING_V2" not in os.environ:
        os.environ["LANGSMITH_TRACING"] = "false"

    import tldextract.tldextract as tld_module

    # The module-level extractor was built when tldextract was first imported, possibly by
    # another package before this function ran, so it is replaced rather than trusted.
    tld_module.TLD_EXTRACTOR = tld_module.TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
    )


disable_network_lookups()
