"""Reading an English question: noun chunks, its "<wh> <noun> <aux> <rest>" parse, and the
phrase it asks for — what `rag.chat` needs to resolve a follow-up against an earlier question.

>>> [c.text for c in noun_chunks("What did Kim give Putin as a present?")]
['Kim', 'Putin', 'present']
>>> answer_phrase(parse_question("Which limousine did the two leaders drive?"))
('the limousine the two leaders drove', True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from treaty_qa.rag.terms import STOPWORDS

WH = r"(?:what|which|who|whom|whose|when|where|why|how(?:\s+(?:many|much|long|often|far|soon))?)"
AUXES = frozenset("did does do is are was were has have had will would can could should may might "
                   "must".split())
NOMINAL = frozenset({"what", "which", "who", "whom", "how many", "how much"})
LEADIN = re.compile(r"^(?:(?:and|but|also|so|ok|okay|well)\b[,\s]*)+", re.I)
TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
DETS = frozenset("the a an this that these those both".split())
IRREGULAR = {  # base: (past, participle)
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
VERBS = frozenset(IRREGULAR) | frozenset("""
    accept agree allow announce arrive ask attack attend back call cite claim condemn criticize
    criticise declare defend deliver deny deploy describe discuss end expire follow gift greet
    hand help host include invade invoke join launch mean mention oblige offer oppose permit pledge
    promise protect provide ratify react receive reject release reply report require respond
    return serve share show state suggest supply support threaten tour travel use violate visit
    vow want warn watch welcome withdraw work
    accuse urge seek strengthen bolster intend insist characterize characterise consider expect
    believe approve accompany""".split())
PAST = {past: base for base, (past, _) in IRREGULAR.items()}
NOUNISH = frozenset("""attack call claim end gift hand help offer pledge promise report return
    share show state supply support tour use visit vow watch work""".split())  # "the visits"
PLACES = frozenset("""Russia Korea Japan China Ukraine America US USA Pyongyang Moscow Seoul
    Tokyo Beijing Kyiv Kursk Washington Europe Vladivostok Vostochny Kremlin""".split())
NOT_PERSON = PLACES | frozenset("""UN NATO EU United Nations States Union Security Council
    Charter Article Treaty Assembly Ministry Russian Korean Japanese Chinese Ukrainian American
    Soviet Western European January February March April May June July August September October
    November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())



@dataclass(frozen=True)
class Chunk:
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
        if bare & PLACES:
            return "place"
        return "other" if bare & NOT_PERSON or words[0].isdigit() else "person"

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


def is_verbal(word: str) -> bool:
    """Whether a word reads as a verb or adverb rather than part of a noun phrase."""
    w = word.lower()
    if word[0].isupper():  # a name ("States", "Reed"), or a question word filtered elsewhere
        return False
    if w in VERBS or w in PAST or w in FORMS or len(w) > 4 and w.endswith("ly"):
        return True
    if len(w) > 5 and w.endswith("ed") and not w.endswith("eed"):  # not "breed", "need"
        return True
    return w.endswith("s") and w[:-1] in VERBS - NOUNISH


def noun_chunks(text: str) -> list[Chunk]:
    """Noun-like runs: "Kim", "Putin", "a present" in "What did Kim give Putin as a present?".
    A name after an inflected lower-case word starts a run of its own: a verb the lexicon lacks
    ("blames", "praised") is not glued to it; "two Russian bodies" stays one.

    >>> [c.text for c in noun_chunks("Who blames Russia and North Korea for trading arms?")]
    ['blames', 'Russia', 'North Korea', 'trading arms']
    >>> [c.text for c in noun_chunks("And the US?")]
    ['US']
    """
    out: list[Chunk] = []
    run: list[re.Match[str]] = []
    det = ""
    for m in [*TOKEN.finditer(text), None]:
        w = m.group(0) if m else ""
        # an all-capital name is one even when its letters spell a stop word ("the US")
        nouny = bool(m and w[0].isalnum() and (w.lower() not in STOPWORDS or len(w) > 1
                                               and w.isupper()) and not is_verbal(w))
        # "accuses Russia": an inflected lower-case word before a name is a verb
        verb_before = bool(run and w[:1].isupper()
                           and re.fullmatch(r"[a-z]+(?:[^s]s|ed)", run[-1].group(0)))
        if nouny and not verb_before:
            run.append(m)  # type: ignore[arg-type]
            continue
        if run:
            s, e = run[0].start(), run[-1].end()
            out.append(Chunk(text[s:e], det, s, e))
        if nouny:
            run, det = [m], ""  # type: ignore[list-item]
            continue
        run, det = [], (w.lower() if w.lower() in DETS | {"his", "her", "its", "their"} else "")
    return out


@dataclass(frozen=True)
class Parse:
    """A question split as "<wh> <noun> <aux> <rest>" ("Which limousine | did | the two leaders
    drive") or "<wh> <noun> <verb> <rest>" ("Who | signed | the treaty"); wh is "" for yes/no."""

    wh: str
    noun: str
    aux: str
    verb: str
    rest: str


@lru_cache(maxsize=4096)  # asked once per retrieved sentence by the checks in rag.support
def parse_question(question: str) -> Parse | None:
    text = LEADIN.sub("", question.strip()).rstrip(" ?!.")
    m = re.match(rf"({WH})\b\s*(.*)", text, re.I)
    if not m:
        first, _, rest = text.partition(" ")
        return Parse("", "", first.lower(), "", rest) if first.lower() in AUXES else None
    wh, words = " ".join(m.group(1).lower().split()), m.group(2).split()
    for i, w in enumerate(words[:7]):
        low, noun, rest = w.lower(), " ".join(words[:i]), " ".join(words[i + 1:])
        if low in AUXES:
            return Parse(wh, noun, low, "", rest)
        if wh in NOMINAL and (low in PAST or low in FORMS or not i and is_verbal(w)
                               or len(low) > 5 and low.endswith("ed") and not low.endswith("eed")):
            return Parse(wh, noun, "", w, rest)
    return None


def split_subject(rest: str) -> tuple[str, str] | None:
    """("the two leaders", "drive") from "the two leaders drive"; None when `rest` starts with
    its verb (the question word was the subject)."""
    first, _, after = rest.partition(" ")
    if first.lower() in {"he", "she", "it", "they", "we", "you", "i"}:
        return first, after
    chunks = noun_chunks(rest)
    if not chunks:
        return None
    c = chunks[0]
    start = c.start - len(c.det) - 1 if c.det else c.start
    if rest[:max(start, 0)].strip() or c.det and c.det not in DETS | {"his", "her", "its",
                                                                           "their"}:
        return None
    end = c.end
    if len(chunks) > 1 and rest[c.end:chunks[1].start].strip() == "and":
        end = chunks[1].end  # "Putin and Kim"
    return rest[:end].strip(), rest[end:].strip()


def past_tense(verb: str) -> str:
    v = verb.lower()
    if v in IRREGULAR:
        return IRREGULAR[v][0]
    if v.endswith("e"):
        return v + "d"
    return v[:-1] + "ied" if re.search(r"[^aeiou]y$", v) else v + "ed"


FORMS = frozenset(past_tense(v) for v in VERBS)


def base_form(verb: str) -> str:
    v = verb.lower()
    if v in PAST:
        return PAST[v]
    for cut, add in ((1, ""), (2, ""), (3, "y")):
        if v.endswith("ed") and v[:-cut] + add in VERBS:
            return v[:-cut] + add
    return re.sub(r"ied$", "y", v) if v.endswith("ied") else re.sub(r"e?d$", "", v)


_ADVERBS = frozenset("have has had been be being actually reportedly already really also".split())


def asked_verb(question: str) -> str | None:
    """The main verb of a question, as written: "captured" in "How many soldiers has Ukraine
    captured?", "send" in "How many soldiers did North Korea send to Russia?"; None when it
    cannot be read.

    >>> asked_verb("How many soldiers has Ukraine captured?"), asked_verb("Who signed it?")
    ('captured', 'signed')
    >>> asked_verb("How many troops may have gone to Russia?"), asked_verb("Why?")
    ('gone', None)
    """
    p = parse_question(question)
    if p is None or p.verb:
        return p.verb.lower() if p else None
    split = split_subject(p.rest) if p.aux else None
    words = [w for w in (split[1] if split else p.rest if p.noun else "").split()
             if w.lower() not in _ADVERBS]
    return words[0] if words and words[0].isalpha() and words[0].islower() else None


@lru_cache(maxsize=4096)
def verb_forms(verb: str) -> frozenset[str]:
    """The forms a text may use for `verb`: base, past and participle ("send": sent; "gone": go,
    went).

    >>> sorted(verb_forms("send")), sorted(verb_forms("gone"))
    (['send', 'sent'], ['go', 'gone', 'went'])
    """
    v = verb.lower()
    participles = {part: base for base, (_, part) in IRREGULAR.items()}
    base = v if v in IRREGULAR or v in VERBS else participles.get(v) or base_form(v)
    return frozenset({v, base, past_tense(base), *IRREGULAR.get(base, ())})


def declarative(aux: str, subject: str, after: str) -> str:
    """"Kim gave Putin" from ("did", "Kim", "give Putin"); an adverb before the verb stays
    where it is.

    >>> declarative("does", "Pyongyang", "reportedly supply munitions")
    'Pyongyang reportedly supplies munitions'
    """
    first, _, tail = after.partition(" ")
    adverb = f"{first} " if first.endswith("ly") and first not in LY_VERBS and tail else ""
    verb, _, rest = after[len(adverb):].partition(" ")
    if aux == "did" and verb:
        return f"{subject} {adverb}{past_tense(verb)} {rest}".strip()
    if aux == "does" and verb:
        return f"{subject} {adverb}{third_person(verb)} {rest}".strip()
    return f"{subject} {after}".strip() if aux == "do" else f"{subject} {aux} {after}".strip()


LY_VERBS = frozenset({"supply", "apply", "reply", "rely", "fly", "ally", "comply", "imply"})


def third_person(verb: str) -> str:
    """The verb's third person singular.

    >>> [third_person(v) for v in ("give", "supply", "reach", "say")]
    ['gives', 'supplies', 'reaches', 'says']
    """
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "z")) else "s")


def answer_phrase(p: Parse) -> tuple[str, bool] | None:
    """What the question asks for as a phrase, and whether it is a noun phrase that can stand
    for a pronoun ("the limousine the two leaders drove") or only a clause ("what Kim gave
    Putin")."""
    if p.wh not in NOMINAL:
        return None
    split = split_subject(p.rest) if p.aux else None
    if p.noun:
        head = "the " + re.sub(r"^(?:the|of the|of)\s+", "", p.noun)
        if p.wh.startswith("how"):  # "How many soldiers were sent …": they are the soldiers;
            return head, True       # the counted predicate is the old question's, not theirs
        if split:
            return f"{head} {declarative(p.aux, *split)}", True
        if p.aux in {"is", "are", "was", "were"}:
            rest = " ".join(w for w in p.rest.split() if not (w.endswith("ly") and len(w) > 4))
            return f"{head} {rest}", True
        return f"{head} that {p.aux or p.verb} {p.rest}".strip(), True
    wh = "who" if p.wh in {"who", "whom"} else "what"
    if split:
        return f"{wh} {declarative(p.aux, *split)}", False
    return f"{wh} {p.aux or p.verb} {p.rest}".strip(), False
