"""Extractors that find one kind of value each in a patient turn.

Each module registers its extractors in `registry.EXTRACTORS`; the tracker runs them all and merges
their mentions into the dialogue state.
"""
