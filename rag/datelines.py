"""Questions about a report itself — where it was filed from, when it is dated, which outlet
filed from a place — answered from the report's dateline ("Islamabad, 21 June 2024 (TDI): …",
"SEOUL, June 19 (Reuters) - …"), the one line of a news text that states them.

A dateline is read only at the very start of a document's first body sentences, and only in the
wire shape: a capitalized place, then a date and/or a parenthesized agency mark, then a colon or
dash. A question counts as asking about the report only with a report noun or "report(ed) from"
and a filing verb ("dated", "published", "filed", …): "When did TDI report that the pact was
signed?" asks about the pact and goes the normal way. The document must be identified by the
question: an outlet it names (`Question.sources`) or a dateline place it names. A place or date
lead is read off the quoted dateline sentence (verbatim, like every lead); an outlet lead is the
document's outlet (its metadata, shown with every citation), else the dateline's mark.

>>> d = dateline("Islamabad, 21 June 2024 (TDI): A pact was signed on Wednesday.")
>>> d.place, d.date, d.mark
('Islamabad', '21 June 2024', 'TDI')
>>> dateline("SEOUL, June 19 (Reuters) - North Korea said ...").date
'June 19'
>>> dateline("MOSCOW (AP) — Russia said ...").place
'MOSCOW'
>>> dateline("Russia, North Korea sign a pact: what it means") is None
True
>>> asked_about_report("When was The Diplomatic Insight's report dated?")
'date'
>>> asked_about_report("Which outlet reported from Islamabad?")
'outlet'
>>> asked_about_report("Where did The Diplomatic Insight file its report from?")
'place'
>>> asked_about_report("When did TDI report that the pact was signed?") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from treaty_qa.rag.models import Answer, Citation, Hit
from treaty_qa.rag.question import Question

BACKEND = "extractive"
MAX_POSITION = 2  # a dateline opens the body: the first sentences after the title only

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
          r"Dec\.?)")
_DATE = (rf"(?:\d{{1,2}} {_MONTH}(?:,? \d{{4}})?|{_MONTH} \d{{1,2}}(?:, \d{{4}})?|"
         r"\d{4}-\d{2}-\d{2})")
_PLACE = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}(?:, [A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2})?"
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE}),? (?:(?P<date>{_DATE}) ?)?(?:\((?P<mark>[^()]{{1,40}})\))?"
    r"\s*(?::|—|–|-{1,2})\s+\S")


@dataclass(frozen=True)
class Dateline:
    place: str
    date: str | None
    mark: str | None  # the agency or outlet mark in parentheses ("TDI", "Reuters")


def dateline(sentence: str) -> Dateline | None:
    """The dateline opening `sentence`, or None. It needs a date or a mark besides the place
    (else "Russia, North Korea sign …: …" would read as one), or a place in capitals
    ("MOSCOW —")."""
    m = _DATELINE.match(sentence)
    if m is None:
        return None
    place, date, mark = m.group("place"), m.group("date"), m.group("mark")
    if date is None and mark is None and not place.split(",")[0].isupper():
        return None
    if date is not None and place.split(",")[0].count(" ") > 1:
        return None  # a headline-like run of words before a date is not a place
    return Dateline(place=place, date=date, mark=mark)


_REPORT = r"(?:report|article|story|dispatch|piece|coverage)s?"
_FILED = (r"(?:dated|published|filed|written|released|posted|sent|datelined|came out|come out|"
          r"appeared|appear)")
_DATE_Q = re.compile(rf"\b(?:when|what date|which date|what day|which day)\b.*\b{_REPORT}\b.*"
                     rf"\b{_FILED}\b|\b(?:when|what date|which date)\b.*\b{_FILED}\b.*\b"
                     rf"{_REPORT}\b", re.I)
_PLACE_Q = re.compile(rf"\b(?:where|what city|which city|what place|which place)\b.*(?:\b"
                      rf"{_REPORT}\b.*\b(?:file|filed|written|sent|datelined|from)\b|\b"
                      r"(?:report|reported|reporting|file|filed)\s+from\b)", re.I)
_OUTLET_Q = re.compile(r"\b(?:which|what)\s+(?:news\s+|media\s+)?(?:outlet|publication|newspaper|"
                       r"paper|magazine|agency|news\s?site|site|media|source)s?\b.*\b(?:report|"
                       r"reported|reporting|filed|file|datelined|wrote|written)\s+(?:from|in)\b|"
                       r"\bwho\s+(?:reported|filed|wrote)\s+from\b", re.I)


def asked_about_report(question: str) -> str | None:
    """"date", "place" or "outlet" when the question asks that of a report itself, else None."""
    if _OUTLET_Q.search(question):
        return "outlet"
    if _PLACE_Q.search(question):
        return "place"
    if _DATE_Q.search(question):
        return "date"
    return None


def _names_place(question: str, place: str) -> bool:
    head = place.split(",")[0]
    return re.search(rf"(?<!\w){re.escape(head)}(?!\w)", question, re.I) is not None


def dateline_answer(question: Question, kind: str,
                    lines: Sequence[tuple[Hit, Dateline]]) -> Answer | None:
    """The answer from the datelines `lines` (one per document that has one) of the documents
    the question identifies; None when it identifies none that states what is asked (the
    question then goes the normal way)."""
    named = set(question.sources)
    if kind == "outlet":
        chosen = [(h, d) for h, d in lines if _names_place(question.standalone, d.place)]
    else:
        chosen = [(h, d) for h, d in lines if h.doc_id in named
                  or (not named and _names_place(question.standalone, d.place))]
    if kind == "date":
        chosen = [(h, d) for h, d in chosen if d.date is not None]
    if kind == "outlet":
        chosen = [(h, d) for h, d in chosen if h.outlet or d.mark]
    if not chosen:
        return None
    leads = []
    for h, d in chosen:
        value = {"place": d.place, "date": d.date, "outlet": h.outlet or d.mark}[kind]
        if value not in leads:
            leads.append(value)
    lead = "; ".join(str(v) for v in leads)
    lines_out = [f"“{h.text}” [{i + 1}]" for i, (h, _) in enumerate(chosen)]
    text = f"{lead} — {lines_out[0]}" if len(chosen) == 1 else "\n".join(
        [f"{lead} — from the datelines:", *lines_out])
    return Answer(question=question.text, answer=text, abstained=False, backend=BACKEND,
                  citations=[Citation.from_hit(i + 1, h) for i, (h, _) in enumerate(chosen)],
                  corroboration=len({h.cluster for h, _ in chosen}), lead=lead,
                  notices=["Answered from the report's dateline (where and when it was filed)."])
