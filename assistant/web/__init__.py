"""The web channel: the chat API for the patient portal and its page."""
