"""Texts more than one stage says, spelled once (ground floor: anything may import them).

>>> ABSTAIN_TEXT.startswith(NOT_IN_SOURCES)
True
"""

from __future__ import annotations

NOT_IN_SOURCES = "The sources don't say."
ABSTAIN_TEXT = f"{NOT_IN_SOURCES} None of the indexed articles answers this question."
# A "closest" reply (confidence "closest"): this line, then one quote per line ("“…” [n]").
CLOSEST_TEXT = "Not answered directly — the closest passages are:"
UNDERSTOOD_AS = "Understood as:"  # shown under an answer whose question was a resolved follow-up
