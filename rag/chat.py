"""Follow-up questions: turn "And what about China?" into a standalone question.

With an LLM configured, the generative answerer asks the model to rewrite the follow-up (see
`rag.generative.condense`). Offline, `condense_heuristic` does it with two rules:

1. A follow-up that names new entities ("And what about China?") takes the previous question and
   swaps its entities for the new ones → "How did China react to the pact?".
2. A follow-up that refers back ("What breed were they?") is joined to the previous question →
   "What did Kim give Putin? What breed were they?", so retrieval and the support checks see both.

A question that names its own subject and has no referring words is left alone.

>>> condense_heuristic("And what about China?", ["How did Japan react to the pact?"])
'How did China react to the pact?'
>>> condense_heuristic("What breed were they?", ["What did Kim give Putin?"])
'What did Kim give Putin? What breed were they?'
>>> condense_heuristic("Who signed the treaty?", ["What breed were they?"])
'Who signed the treaty?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_REFERS = re.compile(
    r"\b(?:they|them|their|theirs|it|its|he|him|his|she|her|that|those|these|this|there|then|"
    r"the (?:two|dogs?|animals?|car|visit))\b|^(?:and|but|also|so)\b|"
    r"^(?:what|how) about\b|\b(?:он|она|они|их|его|это|этот|그|그들|그것|이것)\b",
    re.IGNORECASE,
)
_STOP_CAPS = {"What", "Which", "Who", "When", "Where", "How", "Why", "And", "But", "Also", "So",
              "Did", "Does", "Do", "Is", "Are", "Was", "Were", "The", "A", "An", "In", "On", "I"}


def _entities(text: str) -> list[str]:
    """Capitalized phrases that are not sentence-initial function words."""
    found = re.findall(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*", text)
    out = []
    for f in found:
        words = [w for w in f.split() if w not in _STOP_CAPS]
        if words:
            out.append(" ".join(words))
    return out


def is_followup(question: str) -> bool:
    q = question.strip()
    return bool(_REFERS.search(q)) or len(re.findall(r"\w+", q)) <= 3


def condense_heuristic(question: str, history: Sequence[str]) -> str:
    """A standalone version of `question` given earlier user questions (most recent last)."""
    if not history or not is_followup(question):
        return question
    previous = history[-1]
    new = _entities(question)
    old = _entities(previous)
    if new and old and re.match(r"^\s*(?:and|but)?\s*(?:what|how) about\b", question, re.I):
        out = previous
        for o in old[:1]:
            out = out.replace(o, " and ".join(new), 1)
        return out
    return f"{previous.strip()} {question.strip()}"
