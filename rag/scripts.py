"""Russian and Korean words read in Latin letters, to tell whether an English name is one a
Russian or Korean question already holds ("Как зовут собак, подаренных Путину?" holds Putin):
Russian transliterated (Путину → putinu), Korean romanized syllable by syllable (Revised
Romanization, no sound changes: 푸틴 → putin), and the usual exonyms of the countries, capitals
and bodies a question about this region names (Россия → Russia, 북한 → North Korea), which
neither reading finds. A general list, not the corpus's.

>>> latin_readings("Как зовут президента Южной Кореи?")[-6:]
['prezidenta', 'yuzhnoy', 'korei', 'south', 'korea', 'korean']
>>> latin_readings("푸틴은 어디에 묵었나요?")[:1]
['putineun']
>>> holds_name("Как зовут собак, подаренных Путину?", "Putin"), holds_name("…Путину?", "Pungsan")
(True, False)

A Russian/Korean question naming a third country or body (not Russia, not North Korea) is about
that party: `others_named` gives, per party named, the English words any sentence about it uses.

>>> others_named("На какую статью Устава ООН опирается пакт?")
[('un',)]
>>> others_named("Как Токио отреагировал на договор России и КНДР?")
[('japan', 'japanes', 'tokyo')]

Nearly every sentence here names the treaty's two parties and the treaty itself (in the bundled
corpus "russia", "north" and "korea" are in 37-41% of the sentences, "pact" in 21%): BM25 leaves
such words out of an English question, but a Russian/Korean question is ranked by its dense
embedding alone, where they outweigh what is asked. `without_parties` gives the question without
them, for a second dense view:

>>> without_parties("북한군은 러시아 어느 지역에 배치됐어?")
'군은 어느 지역에 배치됐어?'
>>> without_parties("Когда Ким Чен Ын ратифицировал договор с Россией?")
'Когда Ким Чен Ын ратифицировал с?'
>>> without_parties("Who signed the pact with Russia?") is None  # English: BM25 does this
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from treaty_qa.rag.terms import terms

_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n",
                      "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y",
                      "", "e", "yu", "ya"], strict=True))
# Hangul syllable = initial (19) x vowel (21) x final (28)
_INITIAL = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_VOWEL = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
          "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
_EXONYMS = {
    "росси": "russia russian", "кндр": "dprk north korea korean", "северн": "north",
    "коре": "korea korean", "кита": "china chinese", "япони": "japan japanese",
    "сша": "us usa united states america american", "америк": "america american united states",
    "украин": "ukraine ukrainian", "южн": "south", "москв": "moscow", "пхеньян": "pyongyang",
    "сеул": "seoul", "пекин": "beijing", "токио": "tokyo", "киев": "kyiv kiev",
    "вашингтон": "washington", "кремл": "kremlin", "нато": "nato", "оон": "un united nations",
    "러시아": "russia russian", "북한": "north korea dprk korean", "한국": "south korea korean",
    "남한": "south korea korean", "중국": "china chinese", "일본": "japan japanese",
    "미국": "us usa united states america american", "우크라이나": "ukraine ukrainian",
    "모스크바": "moscow", "평양": "pyongyang", "서울": "seoul", "베이징": "beijing",
    "도쿄": "tokyo", "워싱턴": "washington", "크렘린": "kremlin", "나토": "nato",
    "유엔": "un united nations", "조선": "korea korean dprk",
}


def _romanized(word: str) -> str:
    out = []
    for ch in word:
        o = ord(ch) - 0xAC00
        if 0 <= o < 11172:
            initial = _INITIAL[o // 588]
            out.append((initial if initial != "-" else "") + _VOWEL[o % 588 // 28]
                       + _FINAL[o % 28])
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1024)
def latin_readings(question: str) -> list[str]:
    """The question's words in Latin letters (Latin words lower-cased as they are), then the
    English exonyms its Russian/Korean words start with."""
    words = re.findall(r"\w+", question.lower().replace("ё", "е"))
    out = ["".join(_CYRILLIC.get(c, c) for c in w) if re.search("[а-я]", w) else _romanized(w)
           for w in words]
    for w in words:
        out += [e for stem, names in _EXONYMS.items() if w.startswith(stem) for e in names.split()]
    return out


def holds_name(question: str, name: str) -> bool:
    """Whether every word of the English `name` is one of the question's words read in Latin
    letters (the first 4 letters of either starting the other)."""
    readings = [r for r in latin_readings(question) if len(r) >= 3]
    return all(any(r.startswith(w[:4]) or w.startswith(r[:4]) for r in readings)
               for w in (x.lower() for x in name.split()) if len(w) >= 3)


# a third country or body the treaty's coverage reports on → the Russian/Korean words (stems) for
# it, its capital included ("Токио отреагировал" is Japan's reaction)
_OTHERS = {
    "China Chinese Beijing": ("кита", "пекин", "중국", "베이징"),
    "Japan Japanese Tokyo": ("япони", "токио", "일본", "도쿄"),
    "U.S. America American Washington": ("сша", "америк", "вашингтон", "미국", "워싱턴"),
    "Ukraine Ukrainian Kyiv Kiev": ("украин", "киев", "우크라이나", "키이우"),
    "South Seoul": ("южн", "сеул", "남한", "서울", "한국"),
    "U.N.": ("оон", "유엔"),
    "NATO": ("нато", "나토"),
    # the Russian parliament's chambers, which approved the ratification
    "Duma Federation Council": ("госдум", "думой", "думы", "연방평의회", "두마", "상원", "하원"),
    # an act, named the same way: "Когда лидер КНДР ратифицировал договор?" asks of the
    # ratification, which the signing ("… signed the treaty in June") is not
    "ratified ratifying ratification": ("ратифиц", "ратифик", "비준"),
}


@lru_cache(maxsize=1024)
def others_named(question: str) -> list[tuple[str, ...]]:
    """Per third party the question names, the English terms (`rag.terms`) that name it."""
    words = re.findall(r"\w+", question.lower().replace("ё", "е"))
    return [tuple(sorted(set(terms(english)))) for english, stems in _OTHERS.items()
            if any(w.startswith(stem) for w in words for stem in stems)]


# the treaty's parties (their capitals as metonyms) and the treaty itself, in Russian and Korean
# (Korean words lose the stem only: 북한군은 → 군은, "troops")
_PARTIES = re.compile(
    r"\b(?:росси\w*|российск\w*|русск\w*|кндр|северокорейск\w*|северн\w+\s+коре\w*|москв\w*|"
    r"пхеньян\w*|договор\w*|соглашени\w*|пакт\w*)|러시아|북한|조선|모스크바|평양|조약|협정",
    re.IGNORECASE)


@lru_cache(maxsize=1024)
def without_parties(question: str) -> str | None:
    """The Russian/Korean question without the treaty's parties and its words for the treaty
    (`_PARTIES`), or None when it names none of them in Russian or Korean, or nothing else is
    left."""
    bare = re.sub(r"\s+", " ", _PARTIES.sub(" ", question)).strip()
    bare = re.sub(r"\s+([?!.,])", r"\1", bare)
    if bare == re.sub(r"\s+", " ", question).strip() or not re.search(r"[^\W\d_]{3}", bare):
        return None
    return bare
