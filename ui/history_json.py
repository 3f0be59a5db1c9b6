"""The `/ask` endpoint's `history_json` (the earlier user questions): size, count and nesting
checked before it is parsed, each question cleaned like a question (`rag.question`), and every
refusal a one-line `InvalidQuestion`. The chat's own history is `ui.app.text_messages`.
"""

from __future__ import annotations

import json
import re

from treaty_qa.errors import InvalidQuestion
from treaty_qa.rag.question import clean_question

MAX_HISTORY_CHARS = 100_000
"""Longest `history_json` accepted, checked before parsing: 50 questions of the default 2,000
characters. A 5 MB history took 3.4 s to parse; this refuses it in microseconds."""
MAX_HISTORY_ITEMS = 50
"""Most earlier questions accepted (a follow-up is read against the last one; an LLM gets them)."""
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_OPEN = re.compile(r"[\[{]")


def _nested(text: str) -> bool:
    """Whether JSON text opens a bracket inside another (outside string literals): linear, no
    recursion, so a 100,000-deep list is refused without reaching the parser's recursion limit.

    >>> _nested('["a [b]", "c"]'), _nested('[["a"]]')
    (False, True)
    """
    return len(_JSON_OPEN.findall(_JSON_STRING.sub('""', text))) > 1


def parse_history(history_json: str) -> list[str]:
    """The earlier user questions from a flat JSON list of strings, each cleaned like a question
    (`rag.question`); too long, too many, nested or not JSON → one-line `InvalidQuestion`.

    >>> parse_history('["What did Kim give Putin?", "And\\u202e then?"]')
    ['What did Kim give Putin?', 'And then?']
    """
    text = history_json or "[]"
    if len(text) > MAX_HISTORY_CHARS:
        raise InvalidQuestion(f"history_json is {len(text):,} characters; send at most "
                              f"{MAX_HISTORY_CHARS:,} (the last {MAX_HISTORY_ITEMS} questions).")
    if _nested(text):
        raise InvalidQuestion("history_json must be a flat JSON list of strings (earlier "
                              'questions), e.g. ["What did Kim give Putin?"]; it is nested.')
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise InvalidQuestion("history_json is not valid JSON; pass a JSON list of earlier "
                              'questions, e.g. ["What did Kim give Putin?"]') from e
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        raise InvalidQuestion("history_json must be a JSON list of strings (earlier questions).")
    if len(value) > MAX_HISTORY_ITEMS:
        raise InvalidQuestion(f"history_json has {len(value)} questions; send at most the last "
                              f"{MAX_HISTORY_ITEMS}.")
    return [q for q in map(clean_question, value) if q]
