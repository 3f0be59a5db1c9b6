"""The eval set: `evals/dataset.yaml` loaded and checked into frozen `Case` records.

A malformed file fails with one line that names the case and what to fix:

>>> bad = {"version": 1, "cases": [{"id": "x", "category": "trivia", "question": "Q?"}]}
>>> try:
...     parse_cases(bad)
... except DatasetError as e:
...     print(e)  # doctest: +ELLIPSIS
dataset.yaml: case 'x': unknown category 'trivia' (use one of: factoid, paraphrase, ...)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from treaty_qa.errors import TreatyQAError

DATASET = Path(__file__).with_name("dataset.yaml")
CATEGORIES = ("factoid", "paraphrase", "multi_source", "followup", "unanswerable", "offtopic",
              "boilerplate", "crosslingual", "injection")
_FIELDS = {"id", "category", "question", "history", "accept", "evidence", "abstain",
           "paraphrase_of", "lang", "forbid"}


class DatasetError(TreatyQAError):
    """The eval dataset cannot be used; the message names the case and the problem."""


@dataclass(frozen=True)
class Evidence:
    """A cited quote is evidence when it contains one of `contains` (case-insensitive);
    `docs` are the documents (file stems) that hold such a quote."""

    contains: tuple[str, ...]
    docs: tuple[str, ...]

    def matches(self, text: str, doc_ids: tuple[str, ...] | list[str] | None = None) -> bool:
        """Does `text` (from one of `doc_ids`, when given) contain an evidence phrase?

        >>> Evidence(("Article 51",), ("a",)).matches("per article 51 of", ["b", "a"])
        True
        >>> Evidence(("Article 51",), ("a",)).matches("per article 51 of", ["b"])
        False
        """
        if doc_ids is not None and not set(doc_ids) & set(self.docs):
            return False
        low = text.lower()
        return any(p.lower() in low for p in self.contains)


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    question: str
    history: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()  # case-insensitive regexes; the answer must match one
    evidence: Evidence | None = None
    abstain: bool = False  # the right answer is "the sources don't say"
    paraphrase_of: str | None = None
    lang: str = "en"
    forbid: tuple[str, ...] = ()  # must not appear in the answer (injection cases)

    @property
    def answerable(self) -> bool:
        return not self.abstain

    def accepted(self, answer: str) -> bool:
        return any(re.search(p, answer, re.IGNORECASE) for p in self.accept)


def _strings(value: Any, what: str, fail: Callable[[str], NoReturn]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(f"`{what}` must be a list of strings")
    return tuple(value)


def _case(raw: Any, index: int, source: str) -> Case:
    name = raw.get("id") if isinstance(raw, dict) else None
    where = f"case {name!r}" if isinstance(name, str) and name else f"case #{index + 1}"

    def fail(problem: str) -> NoReturn:
        raise DatasetError(f"{source}: {where}: {problem}")

    if not isinstance(raw, dict):
        fail("must be a mapping of fields")
    if not isinstance(name, str) or not name.strip():
        fail("has no `id`")
    if unknown := sorted(set(raw) - _FIELDS):
        fail(f"unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_FIELDS))})")
    if raw.get("category") not in CATEGORIES:
        fail(f"unknown category {raw.get('category')!r} (use one of: {', '.join(CATEGORIES)})")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        fail("has no `question`")
    accept = _strings(raw.get("accept"), "accept", fail)
    for pattern in accept:
        try:
            re.compile(pattern)
        except re.error as e:
            fail(f"accept regex {pattern!r} does not compile ({e})")
    if not isinstance(raw.get("abstain", False), bool):
        fail("`abstain` must be true or false")
    evidence = None
    if raw.get("evidence") is not None:
        ev = raw["evidence"]
        if not isinstance(ev, dict) or set(ev) - {"contains", "docs"}:
            fail("`evidence` must be {contains: [...], docs: [...]}")
        evidence = Evidence(_strings(ev.get("contains"), "evidence.contains", fail),
                            _strings(ev.get("docs"), "evidence.docs", fail))
        if not evidence.contains or not evidence.docs:
            fail("`evidence` needs at least one phrase in `contains` and one doc id in `docs`")
    if not raw.get("abstain", False) and not accept:
        fail("an answerable case needs at least one `accept` regex (or set `abstain: true`)")
    paraphrase_of = raw.get("paraphrase_of")
    if paraphrase_of is not None and not isinstance(paraphrase_of, str):
        fail("`paraphrase_of` must be a case id or null")
    return Case(id=name, category=raw["category"], question=question,
                history=_strings(raw.get("history"), "history", fail), accept=accept,
                evidence=evidence, abstain=raw.get("abstain", False), paraphrase_of=paraphrase_of,
                lang=str(raw.get("lang") or "en"),
                forbid=_strings(raw.get("forbid"), "forbid", fail))


def parse_cases(data: Any, source: str = "dataset.yaml") -> list[Case]:
    """Check the parsed YAML and build the cases (see the module docstring)."""
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise DatasetError(f"{source}: expected a mapping with `version: 1` and a `cases:` list")
    if data.get("version") != 1:
        raise DatasetError(f"{source}: unsupported version {data.get('version')!r} (expected 1)")
    cases = [_case(raw, i, source) for i, raw in enumerate(data["cases"])]
    if not cases:
        raise DatasetError(f"{source}: `cases:` is empty")
    ids = [c.id for c in cases]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise DatasetError(f"{source}: duplicate case id(s): {', '.join(dupes)}")
    for c in cases:
        if c.paraphrase_of is not None and c.paraphrase_of not in ids:
            raise DatasetError(f"{source}: case {c.id!r}: paraphrase_of {c.paraphrase_of!r} "
                               "is not a case id")
    return cases


def load_dataset(path: Path = DATASET) -> list[Case]:
    """Read and check the eval set; `DatasetError` (one line) when it is unusable."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DatasetError(f"cannot read {path} ({e.__class__.__name__})") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or e.__class__.__name__
        raise DatasetError(f"{path}: not valid YAML{at} ({problem})") from e
    return parse_cases(data, str(path))
