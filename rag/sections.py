"""Questions that ask for a numbered treaty article, answered with the whole article.

"What does Article 4 say?" is not answered well by the one sentence most like the question: the
user asked for the article, so the answer is all of it, every sentence quoted verbatim and cited
in document order (`article_answer`). Sentence nodes carry the number of the article heading they
sit under (node metadata "article", `index.nodes`); `HybridRetriever.section` lists them.

Which questions count (`asked_article`): the article itself is what is asked for — "What does
Article 4 say (about …)?", "What is (in) Article 4?", "Show me / Quote / Read Article 4", "the
text of Article 4", a bare "Article 4?", "the fourth article" (ordinals up to the twentieth),
Russian "Что говорится в статье 4?" / "Статья 4", Korean "제4조는 무엇인가요?" / "4조". A question
that only mentions an article goes the normal way: "Which article obliges military assistance?",
"Why was Article 51 invoked?", and yes/no questions ("Does Article 4 mention nuclear weapons?"):
their answer is one sentence (the evidence for yes or no), which a whole article would bury.

A question that names a document ("… Article 51 of the UN Charter") is answered only from a
document whose title has those words; none → the normal path (`choose_section`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from treaty_qa.rag.guard import drop_injections
from treaty_qa.rag.models import Answer, Citation, Hit
from treaty_qa.rag.question import Question
from treaty_qa.rag.terms import terms

Section = tuple[str, list[Hit]]  # (doc id, the article's sentences in document order)
BACKEND = "extractive"  # quoting needs no generator: the same answer for every backend

_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
             "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
             "twentieth").split()
_REF = (r"(?:(?:article|art\.?)\s*(?P<n>\d{1,3})"
        rf"|(?:the\s+)?(?P<ord>{'|'.join(_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))\s+article)")
_OF = r"(?:\s+(?:of|in|from)\s+(?!full\b)(?P<of>.+?))?"
_TEXT = r"(?:(?:full|whole|complete|entire)\s+)?(?:text|wording|contents?)"
_SAY = (r"(?:say|state|provide|stipulate|contain|establish|cover|read|specify|require"
        r"|set\s+out|lay\s+down)")
_RU = r"(?:стать(?:я|и|е|ю|ей|ёй)|ст\.)\s*(?P<n>\d{1,3})"
_KO = r"제?\s*(?P<n>\d{1,3})\s*조(?!약)항?"
_SHAPES = [re.compile(s, re.IGNORECASE) for s in (
    # English
    rf"(?:what|how)\s+(?:does|do|did|would|will)\s+{_REF}{_OF}\s+{_SAY}\b.*",
    rf"what(?:'s|’s|\s+is|\s+was)\s+(?:in\s+|(?:the\s+)?{_TEXT}\s+of\s+)?{_REF}{_OF}(?:\s+about)?",
    rf"(?:please\s+)?(?:show|give|quote|read|print|display|recite)(?:\s+(?:me|us))?(?:\s+the)?"
    rf"(?:\s+{_TEXT}\s+of)?\s+{_REF}{_OF}(?:\s+(?:please|in\s+full))?",
    rf"tell\s+(?:me|us)\s+(?:about|what)\s+{_REF}{_OF}(?:\s+says)?",
    rf"(?:the\s+)?{_TEXT}\s+of\s+{_REF}{_OF}",
    rf"{_REF}{_OF}(?:\s+(?:text|in\s+full))?",
    # Russian
    r"(?:что|о\s+ч[её]м)\s+(?:говорится|сказано|написано|предусмотрено|содержится|гласит"
    rf"|устанавливает|предусматривает|идёт\s+речь|идет\s+речь)\s+(?:в\s+)?{_RU}.*",
    rf"(?:что\s+в|о\s+ч[её]м)\s+{_RU}(?:\s+\w+)?",
    r"(?:покажи|покажите|процитируй|процитируйте|приведи|приведите|дай|дайте)(?:\s+мне)?"
    rf"(?:\s+(?:полный\s+)?текст)?\s+{_RU}.*",
    rf"(?:(?:полный\s+)?текст\s+)?{_RU}(?:\s+(?:договора|соглашения|пакта))?",
    # Korean: the article, a particle, then nothing or a "what / show / tell" ending
    rf"(?:(?:이|그)?\s*(?:조약|협정)(?:의|에서)?\s*)?{_KO}\s*(?:의\s*)?"
    r"(?:내용|전문|원문|조문)?\s*(?:은|는|을|를|이|가|에는)?"
    r"\s*(?:(?:무엇|뭐|뭔|어떻게|어떤|무슨|보여|알려|말해|인용)[\w\s]*)?",
)]
_LEADING = re.compile(r"^(?:and|so|now|ok(?:ay)?|then|а|и)[,\s]+", re.IGNORECASE)
_GENERIC = frozenset(terms("treaty agreement pact accord convention document text"))


def arabic(number: str) -> str:
    """An article number as digits: headings may number articles in Roman numerals.

    >>> arabic("4"), arabic("IV"), arabic("xii"), arabic("4a")
    ('4', '4', '12', '4a')
    """
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    up = number.upper()
    if not up or any(ch not in values for ch in up):
        return number
    digits = [values[ch] for ch in up]
    return str(sum(-a if a < b else a for a, b in zip(digits, digits[1:], strict=False))
               + digits[-1])


def first_run(rows: Sequence[int], position: Callable[[int], int]) -> list[int]:
    """`rows` sorted by `position`, up to the first gap in positions.

    >>> first_run([7, 3, 4, 9], position=lambda r: r)
    [3, 4]
    """
    ordered = sorted(rows, key=position)
    run = ordered[:1]
    for row in ordered[1:]:
        if position(row) != position(run[-1]) + 1:
            break
        run.append(row)
    return run


def _match(question: str) -> re.Match[str] | None:
    q = _LEADING.sub("", question.strip().rstrip("?？!.。 ").strip())
    return next((m for s in _SHAPES if (m := s.fullmatch(q))), None)


def asked_article(question: str) -> str | None:
    """The article number when the question asks for a numbered article's text, else None.

    >>> [asked_article(q) for q in ("What does Article 4 say?", "Article 4?",
    ...     "What is in art. 4 of the treaty?", "Show me Article 12", "Quote article 3",
    ...     "What does the fourth article say?")]
    ['4', '4', '4', '12', '3', '4']
    >>> [asked_article(q) for q in ("Что говорится в статье 4?", "Статья 4",
    ...     "제4조는 무엇인가요?", "4조")]
    ['4', '4', '4', '4']
    >>> [asked_article(q) for q in ("Which article obliges military assistance?",
    ...     "Does Article 4 mention nuclear weapons?", "Why was Article 51 invoked?",
    ...     "4조 원은 얼마인가요?")]
    [None, None, None, None]
    """
    m = _match(question)
    if m is None:
        return None
    groups = m.groupdict()
    if groups.get("n"):
        return str(int(groups["n"]))
    ordinal = groups["ord"].lower()
    return str(_ORDINALS.index(ordinal) + 1 if ordinal in _ORDINALS else int(ordinal[:-2]))


def named_terms(question: str) -> frozenset[str]:
    """Content terms of the document the question names after the article ("… of the UN
    Charter"); words such as "treaty" name no particular document.

    >>> sorted(named_terms("What does Article 51 of the UN Charter say?"))
    ['charter', 'un']
    >>> named_terms("What is in art. 4 of the treaty?")
    frozenset()
    """
    m = _match(question)
    named = m.groupdict().get("of") if m else None
    return frozenset(terms(named)) - _GENERIC if named else frozenset()


def choose_section(question: str, sections: Sequence[Section],
                   ranked: Sequence[str]) -> tuple[Section, list[Section]] | None:
    """The section that answers, and the other documents' sections with the same number: the
    one whose title has the most words of the document the question names, then the one whose
    document ranks first in `ranked` (doc ids in normal-retrieval order). None when the question
    names a document none of the titles matches.

    >>> h = lambda doc, title: Hit("n", "s", doc, title, None, None, 0, 1, "s", doc)
    >>> s = [("pact", [h("pact", "Pact")]), ("charter", [h("charter", "UN Charter")])]
    >>> choose_section("Article 4 of the UN Charter?", s, ["pact"])[0][0]
    'charter'
    >>> choose_section("Article 4?", s, ["pact"])[0][0], choose_section("Article 4?", s, [])[0][0]
    ('pact', 'pact')
    >>> choose_section("What does Article 4 of the Moon Accord say?", s, []) is None
    True
    """
    named = named_terms(question)

    def fit(section: Section) -> int:
        hit = section[1][0]
        return len(named & set(terms(f"{hit.title} {hit.doc_id.replace('-', ' ')}")))

    found = [s for s in sections if s[1] and (not named or fit(s))]
    if not found:
        return None
    first = {doc: i for i, doc in reversed(list(enumerate(ranked)))}
    best = min(found, key=lambda s: (-fit(s), first.get(s[0], len(ranked))))
    return best, [s for s in sections if s is not best and s[1]]


def _layout(hits: Sequence[Hit], text: str | None) -> str:
    """Each sentence quoted and cited in order; a line break where the document has one (list
    items stay on their own lines).

    >>> h = [Hit("a", "One.", "d", "T", None, None, 0, 4, "", "d"),
    ...      Hit("b", "Two.", "d", "T", None, None, 5, 9, "", "d")]
    >>> _layout(h, "One.\\nTwo.")
    '“One.” [1]\\n“Two.” [2]'
    """
    out = []
    for i, hit in enumerate(hits):
        if i:
            gap = text[hits[i - 1].end:hit.start] if text else " "
            out.append("\n" if "\n" in gap else " ")
        out.append(f"“{hit.text}” [{i + 1}]")
    return "".join(out)


def article_answer(question: Question, article: str, sections: Sequence[Section],
                   ranked: Sequence[Hit], texts: Mapping[str, str]) -> Answer | None:
    """The whole article `article` quoted from the chosen document (`choose_section`), every
    sentence cited; None when no document has it (the question then goes the normal way).
    `ranked` are the question's normal hits; `texts` the documents' cleaned texts."""
    order = [d for h in ranked for d in (h.doc_id, *h.also_in)]
    chosen = choose_section(question.text, sections, order)
    if chosen is None:
        return None
    (doc_id, hits), others = chosen
    hits, dropped = drop_injections(hits)
    if not hits:
        return None
    notices = []
    if dropped:
        notices.append(f"Left out {dropped} sentence{'s' * (dropped > 1)} of the article "
                       "containing instructions addressed to AI assistants.")
    if others:
        titles = "; ".join(f"“{s[1][0].title}”" for s in others)
        notices.append(f"Article {article} is also in: {titles}. Name the document in the "
                       "question to see its text.")
    lead = hits[0].heading or f"Article {article}"
    return Answer(question=question.text, answer=f"{lead}\n{_layout(hits, texts.get(doc_id))}",
                  abstained=False, backend=BACKEND,
                  citations=[Citation.from_hit(i + 1, h) for i, h in enumerate(hits)],
                  corroboration=1, notices=notices, lead=lead)
