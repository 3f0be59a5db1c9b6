"""Follow-up questions: resolve what a follow-up refers to, so that it reads on its own.

With an LLM configured, the generative answerer rewrites the follow-up (`rag.generative.condense`).
Offline, `condense_heuristic` resolves it against the earlier user questions (their answers are not
available). The follow-up keeps its own question word and verb first (`rag.cues.answer_type` reads
the start); the earlier turns only fill in what it refers to:

1. Ellipsis: "And China?", "What about Japan?", "And in Seoul?" take the previous question with its
   matching entity or place swapped.
2. A bare question word ("When?", "Where exactly?") takes the previous question's subject and
   predicate.
3. Pronouns and demonstratives ("he", "they", "its", "that article", "there") become the phrase they
   stand for: the person named last, "X and Y", a noun phrase with the same head, or the thing the
   previous question asked for ("the limousine the two leaders drove"). When that thing has no noun
   ("What did Kim give Putin?") the pronoun stays and a short context follows in parentheses.

Earlier turns are resolved first (oldest first), so a chain of follow-ups keeps its referents. A
question that names its own subject and has no referring words is left alone. Russian and Korean
follow-ups keep the previous question as context in parentheses; Russian "он/она/они" take a name.

>>> condense_heuristic("And what about China?", ["How did Japan react to the pact?"])
'How did China react to the pact?'
>>> condense_heuristic("What breed were they?", ["What did Kim give Putin?"])
'What breed were they (what Kim gave Putin)?'
>>> condense_heuristic("Where was it built?", ["Which limousine did the two leaders drive?"])
'Where was the limousine the two leaders drove built?'
>>> condense_heuristic("When?", ["Where did Putin and Kim sign the treaty?"])
'When did Putin and Kim sign the treaty?'
>>> condense_heuristic("Who signed the treaty?", ["What breed were they?"])
'Who signed the treaty?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from treaty_qa.rag.clauses import (
    AUXES,
    DETS,
    IRREGULAR,
    LEADIN,
    NOMINAL,
    WH,
    answer_phrase,
    base_form,
    is_verbal,
    noun_chunks,
    parse_question,
    split_subject,
)
from treaty_qa.rag.cues import PACT_NOUNS, answer_type
from treaty_qa.rag.terms import STOPWORDS

_REFERS = re.compile(
    r"\b(?:they|them|their|theirs|it|its|he|him|his|she|her|that|those|these|this|there|then|"
    r"the two)\b|^(?:and|but|also|so)\b|"
    r"^(?:what|how) about\b|\b(?:он|она|они|их|его|это|этот|그|그들|그것|이것)\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"^(?:what|how)\s+about\s+", re.I)
_BARE = re.compile(rf"({WH}(?:\s+(?:exactly|precisely|then|again|not|else))?)\W*", re.I)
_PREP = re.compile(r"(in|at|on|to|from|for|with|during|after|before|near)\s+(.+)", re.I)
_CHATTER = frozenset("thanks thank hello hi hey please really great cool interesting sure wow "
                     "ok okay yes".split())
_TREATY = frozenset(PACT_NOUNS)
def is_followup(question: str) -> bool:
    """Whether `question` may refer to earlier turns: it has a referring word or a lead-in
    ("And …", "What about …"), or it is three words or fewer.

    >>> is_followup("When was it signed?"), is_followup("Who signed the treaty with Russia?")
    (True, False)
    """
    q = question.strip()
    return bool(_REFERS.search(q)) or len(re.findall(r"\w+", q)) <= 3


def condense_heuristic(question: str, history: Sequence[str]) -> str:
    """A standalone version of `question` given earlier user questions (most recent last)."""
    if not history or not is_followup(question):
        return question
    past: list[str] = []
    for turn in history[-4:]:
        past.append(_resolve(turn, past) if past and is_followup(turn) else turn)
    return _resolve(question, past)


def _resolve(question: str, past: Sequence[str]) -> str:
    q = question.strip()
    if re.search(r"[^\W\d_a-zA-Z]", q):  # Russian, Korean: no English grammar to lean on
        return _resolve_other(q, past)
    prev, aside = _aside(past[-1])
    out = _ellipsis(q, prev) or _bare(q, prev)
    if out:
        return _with_context(out, aside) if aside and not out.endswith(")?") else out
    return _substitute(q, past)


def _aside(turn: str) -> tuple[str, str]:
    """A resolved turn split from its parenthetical context.

    >>> _aside("What breed were they (what Kim gave Putin)?")
    ('What breed were they?', 'what Kim gave Putin')
    """
    m = re.search(r" \((.*)\)([?!.]*)\s*$", turn)
    return (turn[:m.start()] + (m.group(2) or "?"), m.group(1)) if m else (turn, "")


def _context(question: str) -> str:
    """The previous question as a parenthetical: its answer phrase, else its own words."""
    question = _aside(question)[0]
    p = parse_question(question)
    found = answer_phrase(p) if p else None
    if found:
        return found[0]
    text = LEADIN.sub("", question.strip()).rstrip(" ?!.")
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in AUXES or re.fullmatch(
        WH, first, re.I) else text


def _with_context(question: str, context: str) -> str:
    """'When was it signed (the pact)?' from ('When was it signed?', 'the pact'). Russian and
    Korean question words leave the context: `answer_type` reads those anywhere, and the type
    asked for is the follow-up's.

    >>> _with_context("Что он подписал?", "Когда Путин прилетел в Пхеньян")
    'Что он подписал (Путин прилетел в Пхеньян)?'
    """
    context = " ".join(w for w in context.split() if w.isascii() or not answer_type(w))
    body = question.rstrip(" ?!.")
    return f"{body} ({context}){question[len(body):].strip() or '?'}"


def _same_head(a: str, b: str) -> bool:
    """Heads that name the same thing: "article"/"articles", "pact"/"treaty", "troops"/"forces"."""
    a, b = a.lower().removesuffix("s"), b.lower().removesuffix("s")
    return a == b or any(a in g and b in g for g in (_TREATY, {"troop", "soldier", "force"}))


# --- rule 1: ellipsis ("And China?", "What about Japan?", "And in Seoul?") ---------------------
def _ellipsis(q: str, prev: str) -> str | None:
    """`prev` with the fragment's entity, noun phrase or place swapped in; None if `q` is not a
    bare fragment."""
    frag = _ABOUT.sub("", LEADIN.sub("", q)).rstrip(" ?!.")
    words = frag.split()
    if (not words or len(words) > 6 or re.match(rf"{WH}\b", frag, re.I)
            or words[0].lower() in AUXES | _CHATTER
            or any(is_verbal(w) for w in words) or frag == q.rstrip(" ?!.") and len(words) > 3):
        return None
    pp = _PREP.fullmatch(frag)
    if pp:
        name = r"\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*"
        m = (re.search(rf"\b(?i:{pp.group(1)}){name}", prev)
             or re.search(rf"\b(?:in|at){name}", prev))
        if m:
            return prev[:m.start()] + frag + prev[m.end():]
        return f"{prev.rstrip(' ?!.')} {frag}?"
    new = noun_chunks(frag)
    if not new:
        return None
    kind, olds = new[0].kind, noun_chunks(prev)
    target = next((c for c in olds if c.kind == kind and (kind != "noun" or _same_head(
        c.head, new[-1].head))), None)
    if target is None and kind in {"person", "place"}:
        target = next((c for c in olds if c.kind in {"person", "place"}), None)
    if target is None:
        return _with_context(prev, f"what about {frag}")
    start = target.start - len(target.det) - 1 if target.det else target.start
    return prev[:start] + frag + prev[target.end:]


# --- rule 2: a bare question word ("When?", "Where exactly?") ----------------------------------
def _bare(q: str, prev: str) -> str | None:
    """The new question word over `prev`'s subject and predicate; None if `q` says more."""
    m = _BARE.fullmatch(LEADIN.sub("", q))
    if not m:
        return None
    wh, p = m.group(1)[0].upper() + m.group(1)[1:], parse_question(prev)
    if p is None:
        return _with_context(f"{wh}?", _context(prev))
    noun = "the " + re.sub(r"^(?:the|of the|of)\s+", "", p.noun)
    if not p.wh or p.aux and not (p.noun and p.wh in NOMINAL):
        return f"{wh} {p.aux} {p.rest}?"
    if p.aux:  # "Which limousine did the two leaders drive" → "… drive the limousine"
        moved = f"{p.rest} {noun}" if split_subject(p.rest) else f"{noun} {p.rest}"
        return f"{wh} {p.aux} {moved}?"
    if p.noun:
        return f"{wh} did {noun} {base_form(p.verb)} {p.rest}?"
    split = split_subject(p.rest)
    if split and split[0].split()[0].lower() in DETS:  # "Who signed the treaty" → passive
        base = base_form(p.verb)
        done = IRREGULAR[base][1] if base in IRREGULAR else p.verb.lower()
        be = "were" if noun_chunks(split[0])[-1].plural else "was"
        return f"{wh} {be} {split[0]} {done} {split[1]}".rstrip() + "?"
    return _with_context(f"{wh}?", _context(prev))


# --- rule 3: pronouns and demonstratives -------------------------------------------------------
_PRONOUN = re.compile(
    r"\b(?:(?P<pair>the two of them|both of them)|(?P<that>this|that)(?=\s*[?!.]*$|\s+(?:means?|"
    r"happen(?:ed|s)?)\b)|(?P<dem>that|this|those|these)(?=\s+(?P<noun>"
    r"[a-z][\w-]*))|(?P<person>he|him|his|she|her)|(?P<plural>they|them|their)|(?P<thing>it|its)"
    r"|(?P<place>there))\b", re.I)
_NOT_REFERRING = re.compile(
    r"(?:is|are|was|were)\s+there$|^there\s+(?:is|are|was|were|be|been)\b|^it\s+(?:takes?|took|"
    r"means?|meant|seems?|true)\b|^(?:this|that|these|those)\s+(?:year|month|week|day|time)\b",
    re.I)


_CLAIMED = re.compile(r"\b(?:says?|said|claim(?:s|ed)?|reports?|reported|stat(?:e|es|ed)|"
                      r"confirm(?:s|ed)?|believes?|believed|knows?|knew|thinks?|thought)\s+"
                      r"(?:that|this|so|it)\W*$", re.I)


def _substitute(q: str, past: Sequence[str]) -> str:
    """`q` with each referring word replaced by what it stands for (first mention only), plus a
    parenthetical context when a referent is only a clause or was not found. What was said or
    claimed ("Who says so?", "Who said that?") is the earlier answer: the earlier question follows
    in parentheses, its words whole.

    >>> _substitute("Who says so?", ["How many troops did North Korea send to Russia?"])
    'Who says so (how many troops did North Korea send to Russia)?'
    """
    if _CLAIMED.search(q):
        prev = _aside(past[-1])[0].strip().rstrip(" ?!.")
        return _with_context(q, prev[:1].lower() + prev[1:])
    out, pos, used, context, referring = [], 0, set(), "", False
    for m in _PRONOUN.finditer(q):
        kind = next(k for k in ("pair", "that", "dem", "person", "plural", "thing", "place")
                    if m[k])
        kind = "thing" if kind == "that" else kind
        end = m.end("noun") if kind == "dem" else m.end()
        word = q[m.start():end]
        noun = m["noun"]
        if (m.start() < pos or _NOT_REFERRING.search(q[:end]) or _NOT_REFERRING.match(
                q[m.start():]) or kind == "dem" and (noun in STOPWORDS or is_verbal(noun))):
            continue
        referring = True
        found = _referent(kind, m["noun"] or "", past, q)
        after = q[end:].split(" ", 2)[1:2]
        possessive = word.lower() in {"his", "their", "its"} or word.lower() == "her" and bool(
            after) and after[0].isalpha() and after[0].lower() not in STOPWORDS
        if found is None or not found[1] or possessive and len(found[0].split()) > 4:
            context = context or (found[0] if found else _context(past[-1]))
            continue
        text = found[0]
        if text in used:
            continue
        used.add(text)
        if possessive:
            text += "'" if text.endswith("s") else "'s"
        if word[0].isupper():
            text = text[0].upper() + text[1:]
        out += [q[pos:m.start()], text]
        pos = end
    if not referring:
        return q
    resolved = "".join(out) + q[pos:]
    return _with_context(resolved, context) if context else resolved


def _referent(kind: str, noun: str, past: Sequence[str], q: str) -> tuple[str, bool] | None:
    """The phrase a referring word of `kind` in `q` stands for, most recent turn first, and
    whether it is a noun phrase (True) or only a clause (False).

    >>> _referent("person", "", ["What did Kim give Putin?"], "Did Kim thank him?")
    ('Putin', True)
    """
    for age, turn in enumerate(reversed(past)):
        found = _find(kind, noun, turn, recent=age == 0, named=q)
        if found:
            return found
    return None


def _find_named(kind: str, turn: str, recent: bool, named: str) -> tuple[str, bool] | None:
    """The person (not one already `named` in the follow-up: that is not who "him" means) or the
    place ("in Pyongyang", for "there") in one earlier turn."""
    if kind == "place":
        m = re.search(r"\b(?:in|at|to)\s+((?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)", turn)
        return (f"in {m.group(1)}", True) if m else None
    names = [c for c in noun_chunks(turn) if c.kind == "person" and c.text not in named]
    if names:
        return names[0].phrase, True
    p = parse_question(turn)
    answer = answer_phrase(p) if p else None
    return answer if recent and answer and p and p.wh in {"who", "whom"} else None


def _find(kind: str, noun: str, turn: str, recent: bool, named: str) -> tuple[str, bool] | None:
    """The referent in one earlier turn (see `_referent`)."""
    turn, aside = _aside(turn)
    if kind in {"person", "place"}:
        return _find_named(kind, turn, recent, named)
    chunks, p = noun_chunks(turn), parse_question(turn)
    answer = answer_phrase(p) if p else None
    asked = noun_chunks(p.noun) if p and p.noun and answer else []
    if kind == "dem":  # "that article" after "Which article of the U.N. Charter …?"
        if asked and any(_same_head(c.head, noun) for c in asked):
            return answer
        return next(((c.phrase, True) for c in chunks if _same_head(c.head, noun)), None)
    plural = kind in {"plural", "pair"}
    if asked and asked[-1].plural == plural:
        return answer
    for a, b in zip(chunks, chunks[1:], strict=False):
        if not plural or turn[a.end:b.start].strip() != "and":
            continue
        if a.kind == b.kind != "noun":
            return f"{a.text} and {b.text}", True
        if a.kind == "other" and b.plural and b.text[0].isupper():  # "Russian and Korean envoys"
            return f"the {a.text} and {b.text}", True
    subject = noun_chunks(s[0]) if p and p.aux and (s := split_subject(p.rest)) else []
    if len(subject) == 1 and subject[0].kind == "noun" and subject[0].plural == plural:
        return subject[0].phrase, True
    if recent and answer and not asked:  # "what Kim gave Putin" fits any number
        return answer
    nouns = [c for c in chunks if c.kind == "noun" and c.plural == plural and c not in asked]
    places = [] if plural else [c for c in chunks if c.kind == "place"]
    found = next(((c.phrase, True) for c in nouns + places), None)
    return (aside, False) if recent and aside and not found else found


# --- Russian and Korean follow-ups --------------------------------------------------------------
_RU_PLACES = ("росси", "москв", "пхеньян", "япони", "кита", "коре", "сеул", "токио", "пекин",
              "украин", "сша", "оон", "курск", "кремл", "нато", "европ", "вашингтон", "америк")


def _resolve_other(q: str, past: Sequence[str]) -> str:
    """`q` with Russian "он/она" (and "они" for "X и Y") replaced by names from the previous
    question, which follows as context in parentheses."""
    prev = past[-1].strip()
    names = [re.sub(r"(?<=[бвгджзклмнпрстфхцчшщ])(?:ым|ом|ем|у|ю|а|е)$", "", w)
             for w in re.findall(r"(?<=\s)[А-ЯЁ][а-яё]{2,}", prev)
             if not w.lower().startswith(_RU_PLACES)]
    if names:
        q = re.sub(r"\b(?:он|она)\b", names[0], q, count=1, flags=re.I)
    pair = re.search(r"([А-ЯЁ][а-яё]+) и ([А-ЯЁ][а-яё]+)", prev)
    if pair:
        q = re.sub(r"\bони\b", pair.group(0), q, count=1, flags=re.I)
    return _with_context(q, prev.rstrip(" ?!.？"))
