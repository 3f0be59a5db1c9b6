"""Answer-type cues: what kind of thing a question asks for, and whether a sentence has one.

Question words in English, Russian and Korean map to a type; each type has a detector over the
candidate sentence. A count ("how many") must be a quantity ("10,000 soldiers", "24 years"), not an
identifier ("Article 4"); a date question needs a date, a year or a weekday; "which year" needs a
year, not a month; "on which day" a day ("on Thursday", "June 19"), not a month or a year.

>>> answer_type("When does the treaty expire?"), answer_type("Сколько солдат?")
('date', 'count')
>>> answer_type("In which year was the earlier pact signed?"), find_typed("year", "In June 1961.")
('year', ['1961'])
>>> find_typed("article", "It follows Article 51 of the U.N. Charter.")
['Article 51']
>>> answer_type("On which day did he hand them over?"), find_typed("day", "In June, on Thursday.")
('day', ['Thursday'])
>>> find_typed("date", "Troops were deployed at the beginning of November, in 2024.")
['beginning of November', '2024']
>>> find_typed("date", "Islamabad, 21 June 2024: signed on June 19, 2024, in Pyongyang.")
['21 June 2024', 'June 19, 2024']
"""

from __future__ import annotations

import re
from functools import lru_cache

# "what is / was / are / were", and the contraction a user types: "what's the name of …"
WHAT_IS = r"what(?:['’]s|\s+(?:is|was|are|were))"

_ATTRIBUTE_CUES: list[tuple[str, re.Pattern[str]]] = [
    # an attribute of something the articles may well mention: only a value of that kind answers
    ("money", re.compile(r"\bhow much\b.{0,60}?\b(?:cost|costs|pay|paid|spend|spent|worth|charge)|"
                         r"\b(?:what|which) (?:is|was|were|are) the (?:\w+ )?(?:price|cost|value|"
                         r"fee|sum)\b|\bhow much money\b|\bwhat did .{0,40}?\bcost\b|"
                         r"сколько\s+(?:\w+\s+)?стои(?:т|л|ла|ло|ли)\b|стоимост|\bцен[аеуы]\b|"
                         r"сколько денег|얼마(?!나)|가격|비용|금액", re.I)),
    ("colour", re.compile(r"\b(?:what|which) colou?rs?\b|цвет|무슨 색|어떤 색|색깔|색상", re.I)),
    ("age", re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b|в каком возрасте|"
                       r"сколько лет (?:было|исполнилось)|몇\s*살|나이", re.I)),
    ("clock", re.compile(r"\b(?:what|which) time\b|\bat what hour\b|в котором часу|"
                         r"во сколько|몇\s*시(?!간)", re.I)),
    # "What areas / fields does the partnership cover?": what it spans, which a sentence lists
    # ("… encompassing security, trade, investment, and cultural and humanitarian ties");
    # "Which areas of Russia …" asks for places
    ("areas", re.compile(r"\b(?:what|which)\s+(?:[\w-]+\s+){0,2}?(?:areas|fields|spheres|sectors|"
                         r"domains|aspects|dimensions)\b(?!\s+of\s+(?-i:[A-Z]))|"
                         r"как(?:ие|ую|ой|ая)\s+(?:\w+\s+)?сфер\w*|(?:어떤|어느|무슨)\s*분야",
                         re.I)),
    # "How quickly must one side help …?", "How fast is the limousine?": how soon (without
    # delay, promptly) or a speed; "must provide military assistance" says neither
    ("speed", re.compile(r"\bhow\s+(?:quickly|fast|soon|promptly|rapidly|swiftly|speedily)\b|"
                         r"\b(?:top|maximum|what)\s+speed\b|\bhow\s+long\s+(?:do|does|did|would|"
                         r"will)\s+\w+\s+have\s+to\s+(?:help|respond|react|act)\b|"
                         r"(?:как|насколько)\s+(?:быстро|скоро|срочно)|скорост|"
                         r"얼마나\s*(?:빨리|신속|빠르)|속도", re.I)),
    ("measure", re.compile(r"\b(?:what|how)\b.{0,30}?\b(?:weight|weigh|heavy|length|height|tall|"
                           r"distance|how far|area|wide|width)\b|"
                           # "How much does a full-grown Pungsan dog usually weigh?"
                           r"\bhow much\b.{0,60}?\bweigh\b", re.I)),
    # "Which city / region …": a named locality, placed as one ("in Pyongyang", "the Kursk
    # region"); a sentence saying "within their country" does not name the city
    ("locality", re.compile(r"^\W*(?:(?:and|so|also|then)\s+)?(?:in\s+|at\s+|from\s+|to\s+)?"
                            r"(?:which|what)\s+(?:(?!(?:is|was|are|were|do|does|did)\b)[\w-]+\s+)?"
                            r"(?:city|town|village|capital|region|"
                            r"province|port|district)\b|"
                            r"в как(?:ой|ом|ую) (?:област|город|регион|район)|"
                            r"как(?:ой|ая|ую) (?:город|област|регион)|"
                            r"(?:어느|어떤|무슨)\s*(?:지역|도시)", re.I)),
    # "Which countries are worried …?": a country (or its capital, or its people's adjective)
    # the question does not name; "neither country will sign treaties with third countries"
    # names none. The singular ("In which country …") is a place: it only ranks
    ("country", re.compile(r"^\W*(?:(?:and|so|also|then)\s+)?(?:in\s+|to\s+|from\s+)?"
                           r"(?:which|what)\s+(?:(?!(?:is|was|are|were|do|does|did)\b)[\w-]+\s+)?"
                           r"(?:countries|nations)\b", re.I)),
    # "Which agency / outlet / alliance …": a name the question does not hold; "according to
    # intelligence reports" or "state media outlets" name no one
    ("organization", re.compile(r"^\W*(?:(?:and|so|also|then)\s+)?(?:which|what)\s+"
                                r"(?:(?!(?:is|was|are|were|do|does|did|must|can|could|should|"
                                r"would|will|may|might|has|have|had)\b)[\w-]+\s+){0,3}(?:agency|agencies|outlets?|newspapers?|"
                                r"broadcasters?|channels?|magazines?|organi[sz]ations?|"
                                r"compan(?:y|ies)|firms?|ministr(?:y|ies)|alliances?|blocs?|"
                                r"institutions?|bodies|body|media|services?|councils?|committees?|"
                                r"part(?:y|ies)|units?|divisions?|brigades?|regiments?|"
                                r"battalions?|corps)\b", re.I)),
    # "What is the name of X?", "What is X called?": only a name answers (`name_spans`)
    ("name", re.compile(rf"\b{WHAT_IS} the (?:[a-z]+ ){{0,2}}names? of\b|"
                        rf"\b{WHAT_IS} [^?]{{1,60}}? called\b|"
                        r"\bwhat names? (?:is|was|are|were) given to\b|"
                        # a document's title is its name ("What is the full title of the pact?")
                        rf"\b{WHAT_IS} the (?:[a-z]+ ){{0,2}}titles? of (?:the |this |that )?"
                        r"(?:[\w-]+ ){0,3}?(?:treat(?:y|ies)|pacts?|agreements?|deals?|accords?|"
                        r"charters?|documents?|reports?|articles?|laws?|bills?|decrees?|"
                        r"conventions?)\b|"
                        rf"\b{WHAT_IS} (?:the |a |an )?[^?]{{1,40}}?['’]s?\s+"
                        r"(?:full |official |real )?names?\b|"
                        # "Как называется …", "Как зовут …", "… 이름 / 명칭", "무엇이라고 부르나요"
                        r"как\s+(?:\w+\s+){0,3}?(?:зовут|звали|называ\w*|назван\w*)|"
                        r"название|\bимя\b|\bимена\b|이름|명칭|"
                        r"(?:뭐|무엇)(?:이)?라고\s*(?:부르|불리|불러)", re.I)),
]
_TYPE_CUES: list[tuple[str, re.Pattern[str]]] = [
    # "What does Article 4 say?" names its article: it asks what the article says, not which
    ("article", re.compile(r"\b(?:which|what)\s+(?:\w+\s+){0,3}(?:article|section|clause)s?\b"
                           r"(?!\s+(?:\d+|[IVXLC]+)\b)"
                           # "What part of the U.N.'s founding document …?": a document's part
                           # (not "what part of the world / city")
                           r"|\b(?:which|what)\s+(?:part|provision|paragraph)s?\s+of\s+"
                           r"(?:\S+\s+){0,4}?(?:charter|treaty|pact|agreement|deal|accord|document"
                           r"|constitution|convention|law)\b"
                           r"|какая статья|какой статьи|какую статью|몇\s*조|어떤 조항|몇 조항",
                           re.I)),
    # "How big is the contingent / was the crowd?": the size of a group is a number of people;
    # "What was the vote count / death toll?" asks a number too
    ("count", re.compile(r"\bhow\s+(?:many|much|long)\b|\bnumber of\b|"
                         rf"^\W*(?:{WHAT_IS}|which\s+(?:is|was|were|are))\s+the\s+(?:[\w-]+\s+){{0,2}}?"
                         r"(?:(?:vote|head|body|death|casualty)\s*(?:count|toll)|tally)\b|"
                         r"\bhow\s+(?:big|large|strong)\s+(?:(?:is|was|are|were|will\s+be)\s+"
                         r"(?:the\s+|that\s+|this\s+|their\s+|its\s+)?|an?\s+)(?:[\w-]+\s+){0,3}"
                         r"(?:crowds?|forces?|contingents?|army|armies|delegations?|groups?|"
                         rf"deployments?|troops?|units?)\b|\b{WHAT_IS}\s+the\s+"
                         r"size\s+of\b|сколько|"
                         r"몇\s*(?!년도|년에|월|시(?!간)|살|조)\w|얼마나|"
                         # for how long: "На какой срок …?", "얼마 동안 …?", "… 기간"
                         r"на какой срок|как долго|얼마\s*동안|기간", re.I)),
    ("year", re.compile(r"\b(?:what|which|in what|in which)\s+year\b|в каком году|какого года|"
                        r"몇\s*년(?:도|에)", re.I)),
    # "What day of the week …": a weekday; "June 19" is a date, and says no weekday
    ("weekday", re.compile(r"\bday of the week\b|\b(?:what|which)\s+weekday\b|день недели|요일",
                           re.I)),
    # "On which day / what date …": a day (a weekday, "June 19"), not a month or a year
    ("day", re.compile(r"\b(?:what|which)\s+(?:date|day)\b|какого числа|в какой день|며칠",
                       re.I)),
    ("date", re.compile(r"\bwhen\b|\bwhat (?:year|month)\b|\bwhich (?:year|month)\b|когда|"
                        r"в каком году|언제|몇\s*월", re.I)),
    ("person", re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:leader|president|official|person)\b|кто|"
                          r"누가|누구", re.I)),
    ("place", re.compile(r"\bwhere\b|\bin which (?:city|country|region|place)\b|где|куда|어디",
                         re.I)),
]
MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DAY_ONLY = (rf"\b{MONTH}\s+\d{{1,2}}(?:,\s*(?:19|20)\d{{2}})?\b|"  # with its year: one span
             rf"\b\d{{1,2}}\s+{MONTH}(?:,?\s+(?:19|20)\d{{2}})?\b|"
             r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
             r"\b(?:today|yesterday)\b")
_DAY = re.compile(_DAY_ONLY)
_WEEKDAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_DATE = re.compile(rf"\b(?:beginning|start|end|middle) of {MONTH}\b|{_DAY_ONLY}|"
                   rf"\b(?:19|20)\d{{2}}\b|\b(?:[Ii]n|since|by|of)\s+{MONTH}\b")
_NUMBER_WORDS = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                 r"hundreds?|thousands?|dozens?|millions?|pair)")
_COUNT = re.compile(rf"(?<!Article )(?<!Section )(?<!No\. )\b(?:\d[\d,.]*|{_NUMBER_WORDS})"
                    # up to two names before the counted noun: "a pair of Pungsan dogs"
                    r"(?:\s+(?:of\s+)?(?:(?-i:[A-Z])[\w-]+\s+){0,2}?(?-i:[a-z])[\w-]+)", re.I)
# three or more lower-case items (the first one word, the rest up to three): "security, trade,
# investment, and …"
_ITEM = r"[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}"
_LISTED = re.compile(rf"\b[a-z][\w-]*(?:,\s+{_ITEM})+,?\s+(?:and|or)\s+{_ITEM}")
_ARTICLE = re.compile(r"\b(?:Article|Section|Clause|Chapter)\s+\d+\b")
_YEAR_LABEL = re.compile(r"(?:19|20)\d\d\s+[a-z][\w-]*[^s\W]")  # "1961 treaty", not "1961 troops"
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_TITLES = (r"(?:(?:Russian|North|South|Korean|American|Chinese|Japanese|Ukrainian|Soviet|"
           r"President|Premier|Prime|Minister|Foreign|Supreme|Leader|Chairman|General|Mr\.|"
           r"Ms\.|Dr\.)\s+)*")
_PERSON = re.compile(rf"\b{_TITLES}((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){{1,2}})\b")
# a place: a name after in/at/to/from, or a venue named by its kind ("at a state guest house",
# "in the city's main square": where someone stayed or was welcomed)
_PLACE = re.compile(r"\b(?:in|at|to|from)\s+(?:the\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*|"
                    r"(?:(?:the|a|an)\s+)?(?:[\w’'-]+\s+){0,3}?(?:guest\s*house|hotel|residence|palace|square|"
                    r"airport|station|stadium|hall|embassy|compound|headquarters|villa|mansion|"
                    r"dacha|cosmodrome)\b)")


_COLOUR = re.compile(r"\b(?:red|white|blue|black|green|yellow|grey|gray|silver|gold(?:en)?|brown|"
                     r"orange|purple|pink|beige|maroon|navy)\b", re.I)
_AGE = re.compile(r"\b\d+[- ](?:years?|months?|weeks?)[- ]old\b|\baged \d+\b|\bage of \d+\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d{2}\b|\bnoon\b|"
                    r"\bmidnight\b|\bat (?:dawn|dusk|night)\b|"
                    r"\b(?:in the|this|that|early|late) (?:morning|afternoon|evening)\b", re.I)
_MEASURE = re.compile(r"\b\d[\d,.]*\s*(?:kg|kilo(?:gram)?s?|tonnes?|tons?|pounds?|lbs?|grams?|km|"
                      r"kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|foot|inch(?:es)?|square)\b",
                      re.I)
# how soon, or a speed — not "were not immediately clear"
_SPEED = re.compile(r"\bwithout (?:any )?delay\b|(?<!not )\bimmediate(?:ly)?\b|\bat once\b|"
                    r"\bright away\b|\bpromptly\b|\bswift(?:ly)?\b|\bquick(?:ly)?\b|"
                    r"\brapid(?:ly)?\b|\binstant(?:ly)?\b|\bas soon as\b|"
                    r"\bwithin\s+(?:\d+|a|an|one|two|three|24|48|72)\s+(?:hours?|days?|weeks?|minutes?)\b|"
                    r"\b\d[\d,.]*\s*(?:km/h|kph|mph|knots|kilomet(?:er|re)s? (?:per|an) hour|"
                    r"miles (?:per|an) hour)", re.I)
ATTRIBUTE_TYPES = frozenset(name for name, _ in _ATTRIBUTE_CUES)


_CUE_NOUN = re.compile(r"\b((?:what|which|how)\s+)(day\s+of\s+the\s+week|weekday|date|day|year|"
                       r"month|time|long|city|town|"
                       r"country|region|province|place|number)\b", re.I)


def without_cue_words(question: str) -> str:
    """The question without the noun of its answer-type cue: in "In which year …" or "How long
    …", "year" and "long" say what kind of answer is wanted, not what it is about (the sentence
    that answers says "in 1948", not "year").

    >>> without_cue_words("In which city did Putin and Kim sign the treaty?")
    'In which did Putin and Kim sign the treaty?'
    """
    return _CUE_NOUN.sub(lambda m: m.group(1).rstrip() + "", question)


_SENTENCE_START = re.compile(r"[.?!]\s+(?=[A-Z])")
_LEAD = re.compile(r"\W*(?:(?:and|so|but|also|then|ok|okay),?\s+)?(?:\w+\s+){0,2}", re.I)


@lru_cache(maxsize=4096)  # a pure function of the question, asked once per retrieved hit
def answer_type(question: str) -> str | None:
    """The first matching type: an attribute (money, colour, age, clock, measure), then
    article, count, year, day, date, person, place; None for open questions.

    English cues count only near the start ("When did …", "And how many …"), so a clause like
    "what did crowds chant when Putin arrived" is not a date question.

    >>> answer_type("What did crowds chant when Putin arrived?") is None
    True
    >>> answer_type("The pact is said to revive a Cold War one. From which year?")
    'year'
    >>> [answer_type(q) for q in ("How much did the car cost?", "What colour was it?",
    ...  "How old were the dogs?", "At what time did it start?", "How heavy was it?",
    ...  "What would they be paid with?", "In which Russian region did they meet?",
    ...  "Which news agency reported it?", "What must bodies that keep Asia stable do?")]
    ['money', 'colour', 'age', 'clock', 'measure', None, 'locality', 'organization', None]
    >>> [answer_type(q) for q in ("How big is the force they sent?", "How big was the deal?",
    ...  "What was the vote count in the Duma?", "What is the death toll?")]
    ['count', None, 'count', 'count']
    >>> [answer_type(q) for q in ("Which article covers aid?", "What does Article 4 say?")]
    ['article', None]
    >>> [answer_type(q) for q in ("What are the dogs' names?", "What is the treaty's full name?")]
    ['name', 'name']
    >>> [answer_type(q) for q in ("What areas does the partnership cover?",
    ...  "Besides security, which fields does it span?", "Какие сферы затрагивает договор?",
    ...  "In which areas of Russia are they?")]
    ['areas', 'areas', 'areas', None]
    >>> [answer_type(q) for q in ("Which weekday did they sign it on?", "On which day was it?")]
    ['weekday', 'day']
    >>> find_typed("weekday", "On June 19, a Wednesday."), find_typed("weekday", "On June 19.")
    (['Wednesday'], [])
    >>> [answer_type(q) for q in ("Сколько стоил лимузин?", "풍산개는 몇 살이었나요?",
    ...  "В какую область послали солдат?", "몇 년에 맺어진 조약인가요?",
    ...  "푸틴이 몇 년 만에 왔나요?", "조약 문서는 몇 페이지인가요?", "В какой день недели?",
    ...  "На какой срок заключён договор?")]
    ['money', 'age', 'locality', 'year', 'count', 'count', 'weekday', 'count']
    """
    for name, cue in _ATTRIBUTE_CUES:  # "how much did it cost" is money before a count
        if cue.search(question):
            return name
    # each sentence's start: "The pact revives a Cold War one. From which year?" asks a year
    starts = [0, *(m.end() for m in _SENTENCE_START.finditer(question))]
    leads = [(i, i + len(_LEAD.match(question, i).group(0)) + 1)  # type: ignore[union-attr]
             for i in starts]
    for name, cue in _TYPE_CUES:
        for m in cue.finditer(question):
            if not m.group(0).isascii() or any(a <= m.start() <= b for a, b in leads):
                return name
    return None


def find_typed(kind: str | None, sentence: str) -> list[str]:
    """Spans in `sentence` that can answer a question of type `kind` ([] when none).

    >>> find_typed("place", "After a night at a state guest house, he was welcomed in Pyongyang.")
    ['a state guest house', 'Pyongyang']
    >>> find_typed("place", "He was welcomed with a ceremony.")
    []
    >>> find_typed("count", "It revives a 1961 treaty; 1500 troops and 24 years.")
    ['1500 troops', '24 years']
    >>> find_typed("areas", "It spans security, trade, investment, and cultural ties.")
    ['security, trade, investment, and cultural ties']
    >>> find_typed("areas", "South Korea, Ukraine, and Western countries objected.")
    []
    >>> find_typed("speed", "The other side provides assistance without delay."), find_typed(
    ...     "speed", "The details were not immediately clear; the other must provide assistance.")
    (['without delay'], [])
    """
    if kind is None:
        return []
    if kind == "money":
        return find_money(sentence)
    if kind == "areas":
        return [m.group(0) for m in _LISTED.finditer(sentence)]
    if kind in ("name", "locality", "organization", "country"):  # depend on the question:
        return []  # `rag.names`
    pattern = {"article": _ARTICLE, "count": _COUNT, "date": _DATE, "day": _DAY,
               "weekday": _WEEKDAY, "year": _YEAR, "person": _PERSON, "place": _PLACE,
               "colour": _COLOUR, "age": _AGE, "clock": _CLOCK, "measure": _MEASURE,
               "speed": _SPEED}[kind]
    out = []
    for m in pattern.finditer(sentence):
        span = (m.group(1) if kind in ("place", "person") else m.group(0)).strip()
        if kind == "count" and _YEAR_LABEL.fullmatch(span):
            continue  # "a 1961 treaty" labels one treaty, it counts none
        if kind == "date":  # "in June" → "June", "of November" → "November"
            span = re.sub(r"^(?:[Ii]n|of)\s+", "", span)
        if kind == "person" and re.fullmatch(_TITLES, span + " "):
            continue  # "North Korean" is a title word run, not a name
        out.append(span)
    return out


_MONEY = re.compile(r"(?:[$€£₽₩]\s?\d[\d,.]*(?:\s+(?:million|billion|trillion))?|\b\d[\d,.]*\s*"
                    r"(?:million|billion|trillion)?\s*(?:dollars|rubles|roubles|won|euros|USD|"
                    r"yuan)\b)", re.I)
_FUTURE_Q = re.compile(r"\bwill\b|\bnext\b|\bgoing to\b|\bupcoming\b|\bfuture\b|"
                       r"\bplan(?:s|ned)? to\b|\bbe held\b|"
                       # Russian: будет/будут, пройдёт, состоится, следующий, планирует;
                       # Korean: 다음 번/회담/방문/만남, 예정, 앞으로, 향후
                       r"\b(?:будет|будут|пройд[её]т|состоится|следующ\w*|планиру\w*)\b|"
                       r"다음\s*(?:번|회담|방문|만남|정상)|예정|앞으로|향후", re.I)
_FUTURE_S = re.compile(r"\bwill\b|\bis (?:due|set|scheduled|expected|planned) to\b|\bnext\b|"
                       r"\bupcoming\b|\bplans? to\b", re.I)
_DURATION_UNITS = {"second", "minut", "hour", "day", "week", "month", "year", "decad", "centuri"}


def find_money(sentence: str) -> list[str]:
    """Money amounts in `sentence`.

    >>> find_money("It cost $1.5 million, or 90 million rubles.")
    ['$1.5 million', '90 million rubles']
    """
    return [m.group(0).strip() for m in _MONEY.finditer(sentence)]


# advice: what is best, what to do or buy ("Which dog breeds are best for a small flat?", "How
# do I …?", "What should I …?"): news reports state events, they recommend nothing
_ADVICE = re.compile(r"\b(?:is|are|be)\s+best\s+(?:for|to)\b|"
                     r"\bthe\s+best\s+\w+(?:\s+\w+)?\s+(?:for|to)\b|"
                     r"\bbest\s+(?:way|time|place|option|choice)s?\b|\brecommend|"
                     r"\b(?:should|can|could|do|must)\s+I\b|\btips?\s+(?:for|on)\b", re.I)


def asks_advice(question: str) -> bool:
    """The question asks for advice, which news coverage never gives: its direct answer would be
    a sentence sharing its words ("a pair of Pungsan dogs, a breed native to North Korea" for
    "Which dog breed is best for families?").

    >>> [asks_advice(q) for q in ("Which dog breed is best for families?",
    ...  "What's the best way to fill balloons with helium?", "How do I learn Korean?",
    ...  "What should I feed a puppy?", "Can you recommend a car?")]
    [True, True, True, True, True]
    >>> [asks_advice(q) for q in ("Which dog breed did Kim give Putin?",
    ...  "What is the best-known clause of the treaty?", "Is the pact the best deal for Russia?",
    ...  "Who is best placed to mediate?", "What did Kim do?")]
    [False, False, True, False, False]
    """
    return bool(_ADVICE.search(question))


@lru_cache(maxsize=4096)  # a pure function of the question, asked per hit
def asks_future(question: str) -> bool:
    """The question is about something still to happen ("When will Kim visit Moscow?").

    >>> asks_future("When will Kim visit Moscow next?"), asks_future("When did Kim visit?")
    (True, False)
    >>> asks_future("Когда состоится встреча?"), asks_future("다음 정상회담은 언제 열리나요?")
    (True, True)
    >>> asks_future("Когда Ким ратифицировал договор?"), asks_future("조약은 언제 서명됐나요?")
    (False, False)
    """
    return bool(_FUTURE_Q.search(question))


@lru_cache(maxsize=16384)
def states_future(sentence: str) -> bool:
    """The sentence speaks of something to come (so its date can answer a "when will")."""
    return bool(_FUTURE_S.search(sentence))


# "How long has the Kim family ruled?": a duration up to now, which "since <a time or an
# event>" gives as well as a number of years
_UP_TO_NOW = re.compile(r"\bhow\s+long\s+(?:has|have)\b", re.I)
_SINCE = re.compile(r"\bsince\s+(?:(?:its|the|their|his|her|a|an)\s+)?(?:\d{4}\b|[\w-]+)")


def since_spans(question: str, sentence: str) -> list[str]:
    """For a question asking how long something has gone on, the "since …" spans of `sentence`.

    >>> s = "The Kim family has ruled North Korea since its founding by Kim Il Sung."
    >>> since_spans("How long has the Kim family ruled?", s), since_spans("How long did it last?",
    ...                                                                   s)
    (['since its founding'], [])
    """
    return [m.group(0) for m in _SINCE.finditer(sentence)] if _UP_TO_NOW.search(question) else []


def quantity_noun(span: str) -> str:
    """The counted noun of a quantity span, lower-cased ("10,000 soldiers" → "soldiers")."""
    return span.split()[-1].lower() if span.split() else ""


def is_duration_unit(stem: str) -> bool:
    """A stemmed time unit ("year", "hour", …): what "how long" asks for."""
    return stem in _DURATION_UNITS


_LIST_NOUN = re.compile(
    r"^\W*(?:(?:and|so|also|then)\s+)?(?:in\s+|on\s+|from\s+|to\s+)?(?:which|what)\s+"
    r"(?:[A-Za-z-]+\s+)?(?!(?:is|was|has|does|news|press|focus|status|us)\b)"
    r"([a-z]+(?:ies|[^su\s]s))\b", re.I)
_LIST_REACT = re.compile(r"^\W*(?:and\s+)?how\s+(?:did|do|does|have|has)\s+.+?\b(?:respond|react)",
                         re.I)
_TWO_PARTS = re.compile(r"\w.*?(?:,\s*|\s+)and\s+(?:when|where|who|what|which|how)\b", re.I)
_BOTH = re.compile(r"\beach (?:side|party|country|other)\b|\bboth\b", re.I)
# the English words for a pact, shared by the follow-up resolver (`rag.chat`), the checks
# (`rag.support`) and the cues here
PACT_NOUNS = ("treaty", "pact", "agreement", "deal", "accord")
_PACT = (r"(?:the\s+|this\s+|that\s+)?(?:(?!of\b|name\b|title\b)[\w-]+\s+){0,3}?"
         rf"(?:{'|'.join(PACT_NOUNS)})")
# what the pact holds, asked whole: "What does the treaty say?", "What is the pact about?",
# "What are the main points of the agreement?", "Summarize the treaty"
_CONTENTS = re.compile(
    rf"^\W*(?:and\s+|so\s+)?(?:what\s+(?:does|did|do)\s+{_PACT}\s+(?:say|cover|include|contain|"
    rf"provide|stipulate|entail|involve)|what(?:\s+is|'s|’s)\s+(?:in\s+)?{_PACT}(?:\s+about)?|"
    rf"what\s+are\s+the\s+(?:main\s+|key\s+)?(?:points|provisions|terms|clauses)"
    rf"(?:\s+of\s+{_PACT})?|"
    rf"(?:(?:please|can\s+you|could\s+you)\s+)?(?:summari[sz]e|explain|describe|tell\s+me\s+"
    rf"(?:about|more\s+about))\s+{_PACT})\W*$", re.I)


@lru_cache(maxsize=4096)  # a pure function of the question, asked per hit
def asks_for_list(question: str) -> bool:
    """The question asks for several items: a plural "which/what" noun ("Which countries …",
    "What areas …"), how someone responded or reacted, two questions in one ("When was it
    signed, and when ratified?"), what each side / both do, or what the pact holds, asked whole
    ("What does the treaty say?", "What is it about?": its provisions).

    >>> [asks_for_list(q) for q in ("Which countries voiced concern?", "What areas does it cover?",
    ...  "How did Japan react?", "When was it signed, and when was it ratified?",
    ...  "What is the state ideology?", "Which article is cited?", "What did Kim give Putin?")]
    [True, True, True, True, False, False, False]
    >>> [asks_for_list(q) for q in ("What does the treaty cover?", "What is the pact about?",
    ...  "Summarize the agreement", "What does the treaty say about Ukraine?",
    ...  "What is the name of the treaty?", "What are the key points?",
    ...  "Tell me about the treaty", "Tell me about the treaty's critics")]
    [True, True, True, False, False, True, True, False]
    """
    return bool(_LIST_NOUN.search(question) or _LIST_REACT.search(question)
                or _TWO_PARTS.search(question) or _BOTH.search(question)
                or _CONTENTS.match(question))


def asks_contents(question: str) -> bool:
    """The question asks what the pact holds, whole ("What does the treaty cover?", "Tell me
    about the treaty"): its items are the sentences stating a provision (`states_provision`).

    >>> asks_contents("Tell me about the treaty"), asks_contents("Who signed the treaty?")
    (True, False)
    """
    return bool(_CONTENTS.match(question))


# a sentence stating what the pact provides: "includes a clause", "obligates both parties",
# "provides … for mutual assistance", "the pact states that", "encompassing security, trade …"
_PROVISION = re.compile(r"\b(?:includ(?:es|ing)|provid(?:es|ing)|stipulat\w+|obligat\w+|requir\w+|"
                        r"commit(?:s|ting)?|pledg\w+|encompass\w*|covers?|(?:states|says) that|"
                        r"clause|provision|under which|agrees? to|will undertake)\b", re.I)


def states_provision(sentence: str) -> bool:
    """`sentence` states something the pact provides.

    >>> states_provision("The agreement also includes a clause that neither country will sign")
    True
    >>> states_provision("The pact marks Putin's first visit to North Korea in 24 years.")
    False
    """
    return bool(_PROVISION.search(sentence))


_AUX = (r"(?:is|was|are|were|does|did|do|has|have|had|would|will|can|could|should|might|must|"
        r"may)")
_GENERIC_NOUNS = {"kind", "kinds", "type", "types", "sort", "thing", "things", "part", "way",
                  "ways", "one", "ones", "role", "else", "exactly", "happened"}
_ASKED = [
    re.compile(rf"^\W*(?:and\s+)?(?:what|which)\s+{_AUX}\s+the\s+(?:[\w-]+\s+){{0,2}}?([\w-]+)\s+"
               r"(?:of|for|that|which|given|paid)\b", re.I),
    re.compile(r"^\W*(?:and\s+)?(?:what|which)\s+([\w-]+)\s+of\b", re.I),
    re.compile(rf"^\W*(?:and\s+)?(?:what|which)\s+(?:[\w-]+\s+){{0,2}}?([\w-]+)\s+{_AUX}\b", re.I),
    re.compile(rf"^\W*(?:and\s+)?how\s+many\s+(?:[\w-]+\s+){{0,2}}?([\w-]+)\s+(?:{_AUX}|in|of)\b",
               re.I),
]


@lru_cache(maxsize=4096)  # a pure function of the question, asked per hit
def asked_noun(question: str) -> str | None:
    """The noun a "what/which N …", "what is the N of …" or "how many N …" question asks for
    (the slot the answer must fill), None when there is none or it is generic ("kind").

    >>> [asked_noun(q) for q in ("What is the name of the guest house?", "What breed were they?",
    ...  "What brand of limousine did they drive?", "How many North Korean soldiers were killed?",
    ...  "What kind of dogs?", "Who signed it?", "What did Kim give Putin?",
    ...  "Talks went on; which venue was chosen?")]
    ['name', 'breed', 'brand', 'soldiers', None, None, None, 'venue']
    """
    clauses = re.split(r"[;:,]\s+(?=(?:and\s+)?(?:what|which|how)\b)", question, flags=re.I)
    question = clauses[-1]  # "Officials met; what code …": the clause that asks
    for pattern in _ASKED:
        m = pattern.match(question)
        if m:
            noun = m.group(1).lower()
            if noun in _GENERIC_NOUNS or re.fullmatch(_AUX, noun):
                return None
            return noun
    return None


def numbers(text: str) -> set[str]:
    """Digit strings in text, thousands separators removed.

    >>> sorted(numbers("Article 4 and 10,000 troops"))
    ['10000', '4']
    """
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*\d|\d", text)}
