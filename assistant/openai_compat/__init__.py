"""OpenAI-compatible chat-completions server that answers with the local engine.

It lets the `openai` engine, and its recorded-cassette tests, talk the real OpenAI protocol to a
server that runs on this machine with no model weights. Run it with
`python -m assistant.openai_compat --port 8081`.
"""

from assistant.openai_compat.app import COMPAT_MODEL, CompatConfig, create_compat_app

__all__ = ["COMPAT_MODEL", "CompatConfig", "create_compat_app"]
