"""Answers that must be a name: "What is the name of X?" / "What is X called?" (`name_spans`),
"Which agency / outlet / alliance / unit …?" (an organization) and "Which city / region …?" (a
locality, `named_spans`). Like a date for "when", the quoted sentence must hold such a name, or
the question is not answered directly: "according to intelligence reports" names no agency,
"within their country" no city, "the city's main square" no square.

Which names are places is read from the corpus itself (`placed_names`: a name some sentence puts
after "in/at/to/from …"), so "North Korea" in "North Korea may have sent …" does not name an
agency.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from treaty_qa.rag.cues import MONTH, WHAT_IS
from treaty_qa.rag.scripts import holds_name
from treaty_qa.rag.terms import terms

_CALENDAR = re.compile(rf"{MONTH}|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                       r"Sunday)$")
_NAME_OF = re.compile(r"\bnames? (?:of|(?:is|was|are|were) given to) (?:the |a |an )?"
                      # X ends in its (lower-case) head noun, not a number or determiner
                      r"([^?]*?\b(?!(?:two|three|four|five|both|these|those|its|their|his|her)\b)"
                      r"[a-z][\w'’-]*)"
                      r"(?=\s+(?:where|that|which|who|whose|when|used|given|in|at|on|for|did|does|"
                      # or a participle ("the treaty signed in Pyongyang"; not "breed")
                      r"do|is|was|are|were|[a-z]+[^e\W]ed)\b|\s+[A-Z]|\s*\?|$)")
_CALLED = re.compile(rf"\b{WHAT_IS} (?:the |a |an )?([^?]+?) called\b", re.I)
# "the dogs' names", "the treaty's full name"
_NAME_OWNED = re.compile(r"\b([a-z][\w-]*)['’]s?\s+(?:full |official |real )?names?\b")
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
# a capitalized run past a sentence's first word ("… gifted Putin a pair of Pungsan dogs")
_NAME_PAST_FIRST = re.compile(r"(?<=\w )[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def names_in(sentence: str) -> list[str]:
    """Capitalized runs of `sentence` after a word and a space: names, not a sentence's capital.

    >>> names_in("The dictator gifted Putin a pair of Pungsan dogs.")
    ['Putin', 'Pungsan']
    """
    return [m.group(0) for m in _NAME_PAST_FIRST.finditer(sentence)]


# a person named with a title or role ("President Vladimir Putin", "leader Kim Jong Un")
_TITLED = re.compile(r"\b(?:President|Premier|Minister|leader|dictator|revolutionary|Chairman|"
                     r"General|chief|official|spokes(?:man|woman|person)|photographer|Mr\.|Ms\.)\s+"
                     r"([A-Z][a-z]+(?:-[a-z]+)?(?:\s+[A-Z][a-z]+(?:-[a-z]+)?){0,2})")
# a Russian/Korean name question about a person: "Как зовут лидера …?", "대통령의 이름은?"
_PERSON_NOUN = re.compile(r"лидер|президент|руководител|глав[аыуе]\b|министр|сотрудник|чиновник|"
                          r"человек|посол|генерал|диктатор|основател|переводчик|представител|"
                          r"фотограф|журналист|автор|\bкто\b|지도자|대통령|장관|사람|직원|관리|관계자|"
                          r"대사|장군|독재자|창시자|통역|대변인|인물|사진작가|기자|누구", re.I)
# an English name question about a person: "What is the name of the official …?" — a country
# is no person's name
_PERSON_HEAD = frozenset("""official officials person people individual spokesman spokeswoman
    spokesperson leader leaders president minister ministers aide aides diplomat diplomats
    ambassador envoy general commander officer officers interpreter translator photographer
    journalist reporter author founder dictator man woman chief head adviser advisor secretary
    deputy senator lawmaker negotiator representative staffer employee""".split())
# a capitalized name right before a lower-case plural classifies it: "a pair of Pungsan dogs"
_BEFORE_PLURAL = re.compile(r"\s+[a-z][a-z-]*[^s\W]s\b")


def _bare(name: str) -> str:
    """`name` without a possessive ending ("Yeol’s" → "Yeol")."""
    return re.sub(r"['’]s?$", "", name)


def _run_words(run: str) -> set[str]:
    """The lower-case words of a capitalized run, possessives dropped."""
    return {_bare(w).lower() for w in run.split()}


_FUNCTION_WORDS = frozenset("the a an of and or in on at to for by with from".split())


def _own_words(question: str) -> set[str]:
    """The question's own names, lower-cased: its capitalized words past the first, or, typed
    all in lower case ("what's the name of the square where putin was welcomed"), its words
    but function words.

    >>> sorted(_own_words("What did Putin say?")), sorted(_own_words("where did putin go"))
    (['putin'], ['did', 'go', 'putin', 'where'])
    """
    if re.search(r"(?<=\s)[A-Z]", question):
        return {w.lower() for w in re.findall(r"(?<=\s)[A-Z][\w-]+", question)}
    return {w for w in re.findall(r"[\w'’-]+", question.lower())} - _FUNCTION_WORDS


def titled_names(sentence: str) -> set[str]:
    """Names `sentence` gives a title or role: gathered over the corpus, they tell a person.

    >>> sorted(titled_names("North Korean leader Kim Jong Un met President Vladimir Putin."))
    ['Kim Jong Un', 'Vladimir Putin']
    """
    return {m.group(1) for m in _TITLED.finditer(sentence)}


# words that put another thing between X and a name: "the treaty *between* the Democratic
# People's Republic …" names a party, not the treaty ("the state ideology *of* Juche" names it)
_OTHER = frozenset("between with by against from to among for after before than".split())
_LINKING = frozenset("of on the a an called named dubbed known as".split())


def name_spans(question: str, sentence: str, persons: frozenset[str] = frozenset(),
               at_head: bool = False) -> list[str]:
    """Names in `sentence` that can answer "What is the name of X?" / "What is X called?":
    capitalized runs the question does not hold — next to X's head noun (within 3 words, no
    punctuation between) when the sentence mentions it, anywhere otherwise (a paraphrase).
    A Russian/Korean question's head noun cannot be read here, so for it a country, a person
    the corpus titles (`persons`: "leader Kim Jong Un"; unless the question asks for a person)
    and a name right before a lower-case plural ("Pungsan dogs") name nothing asked.

    >>> q = "What is the name of the city's main square?"
    >>> name_spans(q, "Putin was welcomed in the city's main square.")
    []
    >>> name_spans(q, "Crowds filled Kim Il Sung Square.")
    ['Kim Il Sung Square']
    >>> name_spans("What is the state ideology called?", "It follows the state ideology of Juche.")
    ['Juche']
    >>> name_spans("What is the name of North Korea's state ideology?",
    ...            "North Korea follows the state ideology of Juche.")
    ['Juche']
    >>> name_spans("What is the treaty called?", "The treaty between the Russian Federation and "
    ...            "the DPRK includes an obligation."), name_spans("What is the treaty called?",
    ...            'They signed the "Treaty on Comprehensive Strategic Partnership".')
    ([], ['Comprehensive Strategic Partnership'])
    >>> name_spans("What names were given to the dogs Kim gifted Putin?",
    ...            "Kim gifted Putin a pair of dogs on Thursday.")
    []
    >>> name_spans("What are the dogs' names?", "Kim gifted Putin a pair of Pungsan dogs.")
    []
    >>> name_spans("What are the names of the two Pungsan dogs?",
    ...            "Kim gifted Putin a pair of Pungsan dogs on Thursday.")
    []
    >>> name_spans("What is the square's name?", "Crowds filled Kim Il Sung Square.")
    ['Kim Il Sung Square']
    >>> name_spans("What is the name of the agreement?", "This agreement solidifies the emerging "
    ...            "anti-West power bloc.")
    []
    >>> name_spans("What is the name of the square where Putin was hailed?",
    ...            "Crowds chanted “Welcome Putin” and waved flags.")
    []
    >>> name_spans("Как назывался гостевой дом, где ночевал Путин?",
    ...            "After a night at a state guest house, Putin was welcomed.")
    []
    >>> s = "Kim Jong Un gifted Putin a pair of Pungsan dogs, a breed native to North Korea."
    >>> titled = frozenset({"Kim Jong Un", "Vladimir Putin"})
    >>> name_spans("Как зовут собак?", s, titled), name_spans("Как зовут собак?", s)
    ([], ['Kim Jong Un', 'Putin'])
    >>> name_spans("Как зовут лидера?", s, titled)
    ['Kim Jong Un', 'Putin']

    A country is no person's name ("What is the name of the official …?"):

    >>> s = "An aide of President Yoon said South Korea will consider providing arms to Ukraine."
    >>> name_spans("What is the name of the official who said Seoul would arm Kyiv?", s)
    ['President Yoon']
    >>> name_spans("What is the name of the official in Yoon's office?", s)
    []
    >>> name_spans("What is the name of the official in Yoon Suk Yeol's office?", "An individual "
    ...            "in South Korean President Yoon Suk Yeol’s office said so.")
    []

    `at_head` keeps only a name next to X's head noun (none when the sentence does not mention
    it): the sentence itself names X.

    >>> q = "What is the full official name of the treaty?"
    >>> name_spans(q, 'They signed the "Treaty on Comprehensive Strategic Partnership".',
    ...            at_head=True)
    ['Comprehensive Strategic Partnership']
    >>> name_spans(q, "The Russian State Duma approved the bill.", at_head=True)
    []
    >>> name_spans("What is the name of the official in Yoon's office?", "South Korean "
    ...            "officials have been critical of the pact.", at_head=True)
    []
    >>> name_spans("What is the name of the official in Yoon's office?", "North Korea, "
    ...            "officially known as the DPRK, was founded in 1948.", at_head=True)
    []
    >>> name_spans("What is the name of the agreement?", "Russian President Vladimir Putin "
    ...            "signed the landmark agreement on Wednesday.", at_head=True)
    []
    >>> name_spans("What is the name of the treaty signed in Pyongyang?", "Kim Jong Un signed "
    ...            "a decree ratifying the treaty with Russia.", at_head=True)
    []
    """
    m = _NAME_OF.search(question) or _CALLED.search(question) or _NAME_OWNED.search(question)
    head = m.group(1).split()[-1].lower() if m else ""
    head = re.sub(r"['’]s?$", "", head)
    asked = question.lower()
    other_script = bool(re.search(r"[А-Яа-яЁё가-힣]", question))
    runs = [r for r in _NAME_RUN.finditer(sentence)
            if r.group(0).lower() not in asked and not (r.start() == 0 and " " not in r.group(0))
            and not _CALENDAR.match(r.group(0))  # "… dogs on Thursday" names no dog
            # the capitalized half of a hyphenated word ("anti-West") names nothing
            and not (r.start() > 0 and sentence[r.start() - 1] in "-‐")
            # a Russian/Korean question holds "Putin" as "Путину", "Russia" as "России"
            and not (other_script and holds_name(question, r.group(0)))]
    own = _own_words(question) if head else set()
    if head in _PERSON_HEAD:  # "the name of the official in Yoon's office": a country names
        # no one, and a name the question holds is someone else ("Yoon" owns the office)
        runs = [r for r in runs if _bare(r.group(0)) not in countries()
                and not own & _run_words(r.group(0))]
    if other_script:
        person = bool(_PERSON_NOUN.search(question))
        runs = [r for r in runs if r.group(0) not in countries()
                and not _BEFORE_PLURAL.match(sentence, r.end())
                and (person or not any(r.group(0) == p or p.endswith(" " + r.group(0))
                                       or r.group(0).endswith(" " + p) for p in persons))]
    words = list(re.finditer(r"[\w'’-]+|[^\w\s]", sentence))
    at = [i for i, w in enumerate(words) if head and w.group(0).lower().startswith(head[:5])]
    if at_head:  # the head noun itself ("officially" is not "official"), not a person's: "South
        # Korean officials" gives their country, not a name
        at = [i for i in at if terms(words[i].group(0)) == terms(head)
              and head not in _PERSON_HEAD]
    if not at:  # a paraphrase: any name, but not one partly the question's own ("Welcome Putin")
        if at_head:
            return []
        return [r.group(0) for r in runs if not own & _run_words(r.group(0))]
    out = []
    for r in runs:
        # the words the run overlaps ("anti-West" holds the run "West")
        idx = [i for i, w in enumerate(words) if w.start() < r.end() and w.end() > r.start()]
        for h in at:
            lo, hi = sorted((h, idx[0] if idx[0] > h else idx[-1]))
            between = words[lo + 1:hi]
            if (len(between) <= 3 and all(re.match(r"\w", w.group(0)) for w in between)
                    and not any(w.group(0).lower() in _OTHER for w in between)
                    # a name right before a plural head classifies them ("a pair of Pungsan
                    # dogs"): it is no name of theirs
                    and not (head.endswith("s") and h == idx[-1] + 1)
                    # next to the head itself: before it, or after it and a linking word ("the
                    # state ideology of Juche"), not across a verb ("Kim signed the agreement")
                    and not (at_head and not all(w.group(0).lower() in _LINKING
                                                 for w in between))):
                out.append(r.group(0))
                break
    return out


_LOCALITY = re.compile(r"\b(?:in|at|near|outside|inside|into)\s+(?:the\s+)?"
                       r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)|"
                       r"\b([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+(?:city|region|province|"
                       r"district|oblast)\b|"
                       r"\b(?:city|region|province|town|port) of\s+([A-Z][\w'’-]*"
                       r"(?:\s+[A-Z][\w'’-]*)*)")

_PLACED = re.compile(r"\b(?:in|at|near|to|from|into|inside|outside|across|within)\s+(?:the\s+)?"
                     r"([A-Z])")


def placed_names(sentence: str) -> set[str]:
    """Capitalized names `sentence` places as localities ("a visit to North Korea"): gathered over
    the corpus, they tell a country from an organization.

    >>> sorted(placed_names("Putin's first visit to North Korea in 24 years, in the Amur region"))
    ['Amur', 'North Korea']
    """
    return {m.group(0) for p in _PLACED.finditer(sentence)
            for m in [_NAME_RUN.match(sentence, p.start(1))] if m}


@cache
def countries() -> frozenset[str]:
    """English country names (CLDR's two-letter territories, with and without a leading "the"):
    a country does not answer "which city / region / town …".

    >>> {"Russia", "Ukraine", "North Korea", "United States"} <= countries()
    True
    """
    names = {name for code, name in Locale("en").territories.items() if len(code) == 2
             and code.isalpha()}
    return frozenset(names | {re.sub(r"^the\s+", "", n, flags=re.I) for n in names})


@cache
def world_regions() -> frozenset[str]:
    """CLDR's English names of continents and world regions: "in Asia" does not answer "which
    city / town …" (it may answer "which region …").

    >>> {"Asia", "Europe", "Eastern Asia"} <= world_regions()
    True
    """
    return frozenset(name for code, name in Locale("en").territories.items() if code.isdigit())


_SETTLEMENT = re.compile(r"\b(?:city|town|village|capital|port)\b|город|도시", re.I)


def named_spans(kind: str, question: str, sentence: str,
                places: frozenset[str] = frozenset()) -> list[str]:
    """Names in `sentence` that can answer a "which city …" (`locality`: a name placed as one —
    after "in/at/near", or before "region/city") or a "which agency/outlet …" (`organization`:
    any capitalized name but a place: one placed as a locality here or anywhere in the corpus,
    `places`) question: never one the question holds, a month or weekday, or a single
    capitalized word opening the sentence.

    >>> q = "In which Ukrainian city was the debris found?"
    >>> named_spans("locality", q, "Ukrainian officials found debris, though Russia denies it.")
    []
    >>> named_spans("locality", "Which city hosted it?", "In June, in Pyongyang, they met.")
    ['Pyongyang']
    >>> named_spans("locality", "Which region?", "They fought in Ukraine, in Kursk region.")
    ['Kursk']
    >>> bold = "It is one of Moscow's boldest moves in Asia in years."
    >>> named_spans("locality", "In which city was it signed?", bold), named_spans(
    ...     "locality", "In which region does it shift the balance?", bold)
    ([], ['Asia'])
    >>> named_spans("organization", "Which agency reported it?",
    ...             "According to intelligence reports, troops went to Russia.")
    []
    >>> named_spans("organization", "Which alliance?", "The US and other NATO countries agreed.")
    ['US', 'NATO']
    >>> named_spans("organization", "Which alliance agreed?", "The US and NATO agreed.", {"US"})
    ['NATO']
    """
    asked = question.lower()
    if kind == "locality":  # "in Ukraine" names a country, not a city or a region
        settlement = bool(_SETTLEMENT.search(question))  # "which city / town": no continent
        found = [(m.start(), name) for m in _LOCALITY.finditer(sentence)
                 for name in [next(g for g in m.groups() if g)] if name not in countries()
                 and not (settlement and name in world_regions())]
    else:  # a name placed as a locality ("to Russia", "in Ukraine") is not an organization
        placed_here = {m.start(1) for m in _PLACED.finditer(sentence)}
        runs = [(m.start(), m.group(0)) for m in _NAME_RUN.finditer(sentence)
                if m.start() not in placed_here]
        found = [(at + len(run) - len(name), name) for at, run in runs
                 for name in [re.sub(r"^(?:The|A|An)\s+", "", run)] if name not in places]
    return [name for at, name in found
            if name.lower() not in asked and not _CALENDAR.match(name)
            and not (at == 0 and " " not in name)]
