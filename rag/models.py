"""Results as small frozen dataclasses: one shape, many views (CLI JSON, UI HTML, eval rows).

`Hit` is a retrieved sentence with its provenance; `Citation` is a numbered quote an answer relies
on, built from a `Hit` (never by parsing strings back); `Answer` is what every answerer returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence node. `score` is the fused rank score, `similarity` the dense cosine."""

    node_id: str
    text: str
    doc_id: str
    title: str
    outlet: str | None
    published: str | None
    start: int
    end: int
    window: str
    cluster: str
    heading: str | None = None
    score: float = 0.0
    similarity: float = 0.0
    bm25: float = 0.0
    also_in: tuple[str, ...] = ()  # doc ids of near-duplicates collapsed into this hit
    page: int | None = None  # 1-based PDF page of the sentence; None for unpaged documents
    article: str | None = None  # treaty article number of the heading above it ("4")
    url: str | None = None  # where a web document came from

    @classmethod
    def from_metadata(cls, node_id: str, text: str, meta: dict[str, Any], **scores: Any) -> Hit:
        """A hit from a stored node's metadata (nodes indexed before pages/articles/urls existed
        have none of them: they stay None).

        >>> Hit.from_metadata("n", "Kim met Putin.", {"doc_id": "d", "title": "T", "start": 0,
        ...     "end": 14, "page": 2, "article": "", "url": ""}).page
        2
        """
        return cls(node_id=node_id, text=text, doc_id=meta["doc_id"], title=meta["title"],
                   outlet=meta.get("outlet") or None, published=meta.get("published") or None,
                   start=int(meta["start"]), end=int(meta["end"]), window=meta.get("window", text),
                   cluster=meta.get("cluster", meta["doc_id"]),
                   heading=meta.get("heading") or None, page=int(meta.get("page") or 0) or None,
                   article=str(meta.get("article") or "") or None,
                   url=str(meta.get("url") or "") or None, **scores)


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    outlet: str | None
    published: str | None
    quote: str
    start: int
    end: int
    score: float
    also_reported_by: int = 0  # independent sources (clusters) besides this one saying the same
    page: int | None = None  # 1-based PDF page holding the quote
    article: str | None = None  # treaty article number the quote sits under ("4")
    url: str | None = None  # source URL of a web document

    @classmethod
    def from_hit(cls, n: int, hit: Hit, also: int = 0) -> Citation:
        return cls(n=n, doc_id=hit.doc_id, title=hit.title, outlet=hit.outlet,
                   published=hit.published, quote=hit.text, start=hit.start, end=hit.end,
                   score=round(hit.score, 4), also_reported_by=also, page=hit.page,
                   article=hit.article, url=hit.url)


@dataclass(frozen=True)
class Claim:
    """One side of a disagreement: the value a source states ("Amur region") and its citation."""

    value: str
    citation: Citation


@dataclass(frozen=True)
class Disagreement:
    """Independent sources state different values for one slot ("place", "date", "number",
    "reaction"); each claim cites its sentence (`rag.disagree`)."""

    slot: str
    claims: list[Claim]


CONFIDENCE = ("answer", "closest", "none")  # direct answer | closest passages | nothing relevant


@dataclass(frozen=True)
class Answer:
    """What every answerer returns. `confidence` is the outcome: "answer" (a direct answer),
    "closest" (not answered directly: the closest passages are quoted, claiming nothing) or
    "none" (nothing relevant). `abstained` is True for both "closest" and "none", so programs that
    read only `abstained` keep working; an abstained answer given without a confidence is "none".
    `lead` is the typed span shown in front of the quote ("Article 51"), only on direct answers.
    """

    question: str
    answer: str
    abstained: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    corroboration: int = 0  # independent sources (clusters) supporting the answer
    unsupported: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # fallbacks, truncation, removed citations
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str | None = None  # the question after follow-up condensing
    confidence: str = "answer"
    lead: str | None = None
    disagreements: list[Disagreement] = field(default_factory=list)  # "Sources differ" flags

    def __post_init__(self) -> None:
        if self.confidence not in CONFIDENCE:
            raise ValueError(f"confidence must be one of {CONFIDENCE}, not {self.confidence!r}")
        if self.abstained and self.confidence == "answer":
            object.__setattr__(self, "confidence", "none")
        if not self.abstained and self.confidence != "answer":
            raise ValueError("an answer that is not abstained has confidence 'answer'")
        if self.confidence != "answer" and self.lead is not None:
            raise ValueError("only a direct answer has a lead")

    def cited_or_flagged(self) -> list[Citation]:
        """The answer's citations, then the sentences only a "Sources differ" flag cites (the
        other side; numbered after the answer's own, not part of what the answer relies on)."""
        own = {c.n for c in self.citations}
        extra = {c.citation.n: c.citation for d in self.disagreements for c in d.claims
                 if c.citation.n not in own}
        return [*self.citations, *(extra[n] for n in sorted(extra))]

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["timings_ms"] = {k: round(v, 1) for k, v in self.timings_ms.items()}
        return d


@dataclass(frozen=True)
class Reset:
    """In a token stream: drop the text streamed so far (the answer is being redone)."""

    notice: str


StreamItem = str | Reset | Answer  # what an answerer's stream yields: text deltas, resets, the end
