"""Dialogue state tracking evaluation of the local tracker on Schema-Guided Dialogue (SGD) data."""
