"""Input rails that run before any model call, in priority order."""
