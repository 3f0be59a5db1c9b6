"""The one cleaning every question gets before anything reads or shows it (engine, CLI, chat), and
`Question`: the prepared question that retrieval, answerers and evals take (built once by
`QAEngine.prepare`).

Control characters (NUL, ESC, DEL, C1) and invisible format characters (zero-width, bidi embeddings
and overrides such as U+202E, the BOM, soft hyphens, Unicode tag characters) are removed; line
breaks, tabs and other whitespace become one space. The chat echoes the cleaned text, so a bubble
never shows a reversed or hidden part the engine did not read, and a question made only of such
characters is empty.

>>> clean_question("Hello there\\nWhich UN\\u202e Charter article\\x00 is cited?\\t")
'Hello there Which UN Charter article is cited?'
>>> clean_question("\\x00\\x1b[2J\\u202e\\u200b \\n")
'[2J'
>>> clean_question("\\x07\\u2066\\u200b\\r\\n")
''
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")  # str-pattern \s: \t \n \r \v \f, \x1c-\x1f, \x85, U+2028/2029, …
_HIDDEN = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # C0/C1 controls that are not whitespace, DEL
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"  # format
    "\ud800-\udfff\U000e0000-\U000e007f]")  # lone surrogates, tag characters


def clean_question(text: str) -> str:
    """`text` without control and invisible characters, whitespace runs as one space, stripped
    (see the module docstring)."""
    return _SPACE.sub(" ", _HIDDEN.sub("", text or "")).strip()


@dataclass(frozen=True)
class Question:
    """A question as prepared once by `QAEngine.prepare`; nobody re-derives it from a string.

    `asked` is what the user typed; `text` is it cleaned (`clean_question`), Unicode-normalized
    (`rag.terms.normalize`) and truncated to `max_question_chars`; `standalone` is `text` with a
    follow-up condensed against `history` (the earlier questions, cleaned, most recent last), and
    equals `text` otherwise; `notices` say what preparing did (truncation, why no LLM, which
    outlets alone were searched); `sources` and `search`: see `searched`.

    >>> q = Question.plain("Which UN Charter article is cited?")
    >>> q.standalone == q.text == q.asked, q.condensed
    (True, False)
    """

    asked: str
    text: str
    standalone: str
    history: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    # the documents of the outlets the question names (only they are searched, `rag.outlets`)
    # and the standalone question without those names, a capital that is its subject read as
    # its country ("How did Beijing respond?": China; `rag.support.capital_as_country`); ""
    # when neither applies
    sources: tuple[str, ...] = ()
    search: str = ""

    @classmethod
    def plain(cls, text: str) -> Question:
        """A question searched and judged as given (no history, no cleaning): for callers that
        query the retriever directly (tests, benchmarks, the llama-index adapter)."""
        return cls(asked=text, text=text, standalone=text)

    @property
    def searched(self) -> str:
        """What retrieval and the extractive checks read: `standalone`, less the names of the
        outlets it names ("What did The Diplomatic Insight report …" → "What did it report …")."""
        return self.search or self.standalone

    @property
    def condensed(self) -> bool:
        """True when `standalone` differs from `text` (a follow-up was rewritten)."""
        return self.standalone != self.text
