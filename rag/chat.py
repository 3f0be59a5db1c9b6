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
from dataclasses import dataclass

from treaty_qa.rag.cues import answer_type
from treaty_qa.rag.terms import STOPWORDS

_REFERS = re.compile(
    r"\b(?:they|them|their|theirs|it|its|he|him|his|she|her|that|those|these|this|there|then|"
    r"the two)\b|^(?:and|but|also|so)\b|"
    r"^(?:what|how) about\b|\b(?:он|она|они|их|его|это|этот|그|그들|그것|이것)\b",
    re.IGNORECASE,
)
_WH = r"(?:what|which|who|whom|whose|when|where|why|how(?:\s+(?:many|much|long|often|far|soon))?)"
_AUXES = frozenset("did does do is are was were has have had will would can could should may might "
                   "must".split())
_NOMINAL = frozenset({"what", "which", "who", "whom", "how many", "how much"})
_LEADIN = re.compile(r"^(?:(?:and|but|also|so|ok|okay|well)\b[,\s]*)+", re.I)
_ABOUT = re.compile(r"^(?:what|how)\s+about\s+", re.I)
_BARE = re.compile(rf"({_WH}(?:\s+(?:exactly|precisely|then|again|not|else))?)\W*", re.I)
_PREP = re.compile(r"(in|at|on|to|from|for|with|during|after|before|near)\s+(.+)", re.I)
_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
_CHATTER = frozenset("thanks thank hello hi hey please really great cool interesting sure wow "
                     "ok okay yes".split())
_DETS = frozenset("the a an this that these those both".split())
_TREATY = frozenset({"treaty", "pact", "agreement", "deal", "accord"})
_IRREGULAR = {  # base: (past, participle)
    "be": ("was", "been"), "begin": ("began", "begun"), "bring": ("brought", "brought"),
    "build": ("built", "built"), "buy": ("bought", "bought"), "come": ("came", "come"),
    "drive": ("drove", "driven"), "fight": ("fought", "fought"), "find": ("found", "found"),
    "get": ("got", "got"), "give": ("gave", "given"), "go": ("went", "gone"),
    "have": ("had", "had"), "hold": ("held", "held"), "keep": ("kept", "kept"),
    "leave": ("left", "left"), "lead": ("led", "led"), "make": ("made", "made"),
    "meet": ("met", "met"), "pay": ("paid", "paid"), "put": ("put", "put"),
    "ride": ("rode", "ridden"), "run": ("ran", "run"), "say": ("said", "said"),
    "see": ("saw", "seen"), "sell": ("sold", "sold"), "send": ("sent", "sent"),
    "set": ("set", "set"), "speak": ("spoke", "spoken"), "spend": ("spent", "spent"),
    "take": ("took", "taken"), "tell": ("told", "told"), "think": ("thought", "thought"),
    "win": ("won", "won"), "write": ("wrote", "written"), "sign": ("signed", "signed"),
}
_VERBS = frozenset(_IRREGULAR) | frozenset("""
    accept agree allow announce arrive ask attack attend back call cite claim condemn criticize
    criticise declare defend deliver deny deploy describe discuss end expire follow gift greet
    hand help host include invade invoke join launch mean mention oblige offer oppose permit pledge
    promise protect provide ratify react receive reject release reply report require respond
    return serve share show state suggest supply support threaten tour travel use violate visit
    vow want warn watch welcome withdraw work""".split())
_PAST = {past: base for base, (past, _) in _IRREGULAR.items()}
_NOUNISH = frozenset("""attack call claim end gift hand help offer pledge promise report return
    share show state supply support tour use visit vow watch work""".split())  # "the visits"
_PLACES = frozenset("""Russia Korea Japan China Ukraine America US USA Pyongyang Moscow Seoul
    Tokyo Beijing Kyiv Kursk Washington Europe Vladivostok Vostochny Kremlin""".split())
_NOT_PERSON = _PLACES | frozenset("""UN NATO EU United Nations States Union Security Council
    Charter Article Treaty Assembly Ministry Russian Korean Japanese Chinese Ukrainian American
    Soviet Western European January February March April May June July August September October
    November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())


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


# --- reading a question ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Chunk:
    """A run of noun-like words in a question, with its determiner and character span."""

    text: str
    det: str
    start: int
    end: int

    @property
    def head(self) -> str:
        return self.text.split()[-1].lower()

    @property
    def kind(self) -> str:
        """"place", "person" (capitalized names), "other" names, or "noun" (lower-case head)."""
        words = self.text.split()
        if not all(w[0].isupper() or w[0].isdigit() for w in words):
            return "noun"
        bare = {w.rstrip("'’s") if w.endswith(("'s", "’s")) else w for w in words}
        if bare & _PLACES:
            return "place"
        return "other" if bare & _NOT_PERSON or words[0].isdigit() else "person"

    @property
    def plural(self) -> bool:
        h = self.head
        return self.kind == "noun" and (h.endswith("s") and not h.endswith(("ss", "us", "is"))
                                        or h in {"people", "children", "men", "women"})

    @property
    def phrase(self) -> str:
        """The chunk as a definite noun phrase: "the troops", "Putin", "his visit"."""
        if self.det in {"the", "his", "her", "its", "their"} or self.kind != "noun":
            return f"{self.det} {self.text}".strip()
        return f"the {self.text}"


def _verbal(word: str) -> bool:
    """Whether a word reads as a verb or adverb rather than part of a noun phrase."""
    w = word.lower()
    if word[0].isupper():  # a name ("States", "Reed"), or a question word filtered elsewhere
        return False
    if w in _VERBS or w in _PAST or w in _FORMS or len(w) > 4 and w.endswith("ly"):
        return True
    if len(w) > 5 and w.endswith("ed") and not w.endswith("eed"):  # not "breed", "need"
        return True
    return w.endswith("s") and w[:-1] in _VERBS - _NOUNISH


def _chunks(text: str) -> list[_Chunk]:
    """Noun-like runs: "Kim", "Putin", "a present" in "What did Kim give Putin as a present?"."""
    out: list[_Chunk] = []
    run: list[re.Match[str]] = []
    det = ""
    for m in [*_TOKEN.finditer(text), None]:
        w = m.group(0) if m else ""
        nouny = bool(m and w[0].isalnum() and w.lower() not in STOPWORDS and not _verbal(w))
        if nouny:
            run.append(m)  # type: ignore[arg-type]
            continue
        if run:
            s, e = run[0].start(), run[-1].end()
            out.append(_Chunk(text[s:e], det, s, e))
        run, det = [], (w.lower() if w.lower() in _DETS | {"his", "her", "its", "their"} else "")
    return out


@dataclass(frozen=True)
class _Parse:
    """A question split as "<wh> <noun> <aux> <rest>" ("Which limousine | did | the two leaders
    drive") or "<wh> <noun> <verb> <rest>" ("Who | signed | the treaty"); wh is "" for yes/no."""

    wh: str
    noun: str
    aux: str
    verb: str
    rest: str


def _parse(question: str) -> _Parse | None:
    text = _LEADIN.sub("", question.strip()).rstrip(" ?!.")
    m = re.match(rf"({_WH})\b\s*(.*)", text, re.I)
    if not m:
        first, _, rest = text.partition(" ")
        return _Parse("", "", first.lower(), "", rest) if first.lower() in _AUXES else None
    wh, words = " ".join(m.group(1).lower().split()), m.group(2).split()
    for i, w in enumerate(words[:7]):
        low, noun, rest = w.lower(), " ".join(words[:i]), " ".join(words[i + 1:])
        if low in _AUXES:
            return _Parse(wh, noun, low, "", rest)
        if wh in _NOMINAL and (low in _PAST or low in _FORMS or not i and _verbal(w)
                               or len(low) > 5 and low.endswith("ed") and not low.endswith("eed")):
            return _Parse(wh, noun, "", w, rest)
    return None


def _split_subject(rest: str) -> tuple[str, str] | None:
    """("the two leaders", "drive") from "the two leaders drive"; None when `rest` starts with
    its verb (the question word was the subject)."""
    first, _, after = rest.partition(" ")
    if first.lower() in {"he", "she", "it", "they", "we", "you", "i"}:
        return first, after
    chunks = _chunks(rest)
    if not chunks:
        return None
    c = chunks[0]
    start = c.start - len(c.det) - 1 if c.det else c.start
    if rest[:max(start, 0)].strip() or c.det and c.det not in _DETS | {"his", "her", "its",
                                                                           "their"}:
        return None
    end = c.end
    if len(chunks) > 1 and rest[c.end:chunks[1].start].strip() == "and":
        end = chunks[1].end  # "Putin and Kim"
    return rest[:end].strip(), rest[end:].strip()


def _past(verb: str) -> str:
    v = verb.lower()
    if v in _IRREGULAR:
        return _IRREGULAR[v][0]
    if v.endswith("e"):
        return v + "d"
    return v[:-1] + "ied" if re.search(r"[^aeiou]y$", v) else v + "ed"


_FORMS = frozenset(_past(v) for v in _VERBS)


def _base(verb: str) -> str:
    v = verb.lower()
    if v in _PAST:
        return _PAST[v]
    for cut, add in ((1, ""), (2, ""), (3, "y")):
        if v.endswith("ed") and v[:-cut] + add in _VERBS:
            return v[:-cut] + add
    return re.sub(r"ied$", "y", v) if v.endswith("ied") else re.sub(r"e?d$", "", v)


def _declarative(aux: str, subject: str, after: str) -> str:
    """"Kim gave Putin" from ("did", "Kim", "give Putin")."""
    verb, _, rest = after.partition(" ")
    if aux == "did" and verb:
        return f"{subject} {_past(verb)} {rest}".strip()
    if aux == "does" and verb:
        return f"{subject} {verb}{'es' if verb.endswith(('s', 'sh', 'ch')) else 's'} {rest}".strip()
    return f"{subject} {after}".strip() if aux == "do" else f"{subject} {aux} {after}".strip()


def _answer(p: _Parse) -> tuple[str, bool] | None:
    """What the question asks for as a phrase, and whether it is a noun phrase that can stand
    for a pronoun ("the limousine the two leaders drove") or only a clause ("what Kim gave
    Putin")."""
    if p.wh not in _NOMINAL:
        return None
    split = _split_subject(p.rest) if p.aux else None
    if p.noun:
        head = "the " + re.sub(r"^(?:the|of the|of)\s+", "", p.noun)
        if p.wh.startswith("how"):  # "How many soldiers were sent …": they are the soldiers;
            return head, True       # the counted predicate is the old question's, not theirs
        if split:
            return f"{head} {_declarative(p.aux, *split)}", True
        if p.aux in {"is", "are", "was", "were"}:
            rest = " ".join(w for w in p.rest.split() if not (w.endswith("ly") and len(w) > 4))
            return f"{head} {rest}", True
        return f"{head} that {p.aux or p.verb} {p.rest}".strip(), True
    wh = "who" if p.wh in {"who", "whom"} else "what"
    if split:
        return f"{wh} {_declarative(p.aux, *split)}", False
    return f"{wh} {p.aux or p.verb} {p.rest}".strip(), False


def _context(question: str) -> str:
    """The previous question as a parenthetical: its answer phrase, else its own words."""
    question = _aside(question)[0]
    p = _parse(question)
    found = _answer(p) if p else None
    if found:
        return found[0]
    text = _LEADIN.sub("", question.strip()).rstrip(" ?!.")
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in _AUXES or re.fullmatch(
        _WH, first, re.I) else text


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
    frag = _ABOUT.sub("", _LEADIN.sub("", q)).rstrip(" ?!.")
    words = frag.split()
    if (not words or len(words) > 6 or re.match(rf"{_WH}\b", frag, re.I)
            or words[0].lower() in _AUXES | _CHATTER
            or any(_verbal(w) for w in words) or frag == q.rstrip(" ?!.") and len(words) > 3):
        return None
    pp = _PREP.fullmatch(frag)
    if pp:
        name = r"\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*"
        m = (re.search(rf"\b(?i:{pp.group(1)}){name}", prev)
             or re.search(rf"\b(?:in|at){name}", prev))
        if m:
            return prev[:m.start()] + frag + prev[m.end():]
        return f"{prev.rstrip(' ?!.')} {frag}?"
    new = _chunks(frag)
    if not new:
        return None
    kind, olds = new[0].kind, _chunks(prev)
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
    m = _BARE.fullmatch(_LEADIN.sub("", q))
    if not m:
        return None
    wh, p = m.group(1)[0].upper() + m.group(1)[1:], _parse(prev)
    if p is None:
        return _with_context(f"{wh}?", _context(prev))
    noun = "the " + re.sub(r"^(?:the|of the|of)\s+", "", p.noun)
    if not p.wh or p.aux and not (p.noun and p.wh in _NOMINAL):
        return f"{wh} {p.aux} {p.rest}?"
    if p.aux:  # "Which limousine did the two leaders drive" → "… drive the limousine"
        moved = f"{p.rest} {noun}" if _split_subject(p.rest) else f"{noun} {p.rest}"
        return f"{wh} {p.aux} {moved}?"
    if p.noun:
        return f"{wh} did {noun} {_base(p.verb)} {p.rest}?"
    split = _split_subject(p.rest)
    if split and split[0].split()[0].lower() in _DETS:  # "Who signed the treaty" → passive
        base = _base(p.verb)
        done = _IRREGULAR[base][1] if base in _IRREGULAR else p.verb.lower()
        be = "were" if _chunks(split[0])[-1].plural else "was"
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


def _substitute(q: str, past: Sequence[str]) -> str:
    """`q` with each referring word replaced by what it stands for (first mention only), plus a
    parenthetical context when a referent is only a clause or was not found."""
    out, pos, used, context, referring = [], 0, set(), "", False
    for m in _PRONOUN.finditer(q):
        kind = next(k for k in ("pair", "that", "dem", "person", "plural", "thing", "place")
                    if m[k])
        kind = "thing" if kind == "that" else kind
        end = m.end("noun") if kind == "dem" else m.end()
        word = q[m.start():end]
        if (m.start() < pos or _NOT_REFERRING.search(q[:end]) or _NOT_REFERRING.match(
                q[m.start():]) or kind == "dem" and (m["noun"] in STOPWORDS or _verbal(m["noun"]))):
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
    names = [c for c in _chunks(turn) if c.kind == "person" and c.text not in named]
    if names:
        return names[0].phrase, True
    p = _parse(turn)
    answer = _answer(p) if p else None
    return answer if recent and answer and p and p.wh in {"who", "whom"} else None


def _find(kind: str, noun: str, turn: str, recent: bool, named: str) -> tuple[str, bool] | None:
    """The referent in one earlier turn (see `_referent`)."""
    turn, aside = _aside(turn)
    if kind in {"person", "place"}:
        return _find_named(kind, turn, recent, named)
    chunks, p = _chunks(turn), _parse(turn)
    answer = _answer(p) if p else None
    asked = _chunks(p.noun) if p and p.noun and answer else []
    if kind == "dem":
        if asked and _same_head(asked[-1].head, noun):
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
    subject = _chunks(s[0]) if p and p.aux and (s := _split_subject(p.rest)) else []
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
