"""English words for a Russian or Korean question, so BM25 can search the English articles too.

A Russian/Korean question shares no word with the English corpus: it was ranked by its dense
embedding alone, where the treaty's parties outweigh what is asked (`rag.scripts`). This is a
small bilingual glossary of the subject's vocabulary — the treaty, its provisions, the visit,
the reactions, the war — written from the corpus's frequent English words (each English entry is
a word the articles use), not from any question: each Russian stem or Korean word a question's
word starts with gives its English words, which BM25 then reads like an English question's
terms. Russian stems are written without endings (`договор` reads договора, договором …),
Korean words without particles (`조약` reads 조약은, 조약을 …); a short word whose beginning starts
other words is written whole, ending in "$" ("дума$" is not "думаете"). Names the dense view reads
well (Путин, 푸틴) are included too: BM25 weighs a rare name highly.

>>> english_words("Когда Ким Чен Ын ратифицировал договор?")
['treaty pact agreement', 'ratified ratifying ratification', 'kim jong un']
>>> english_words("북한군은 러시아 어느 지역에 배치됐어?")
['troops soldiers', 'deployed sent', 'region regional']
>>> english_words("Who signed the treaty?")  # English: BM25 reads it as it is
[]
"""

from __future__ import annotations

import re
from functools import lru_cache

# English words (as the articles write them) → Russian stems, Korean words
_GLOSSARY: dict[str, tuple[str, ...]] = {
    # the treaty and its acts
    "treaty pact agreement": ("договор", "пакт", "соглашени", "조약", "협정", "합의"),
    "signed sign signing": ("подпис", "서명", "체결"),
    "ratified ratifying ratification": ("ратифиц", "ратифик", "비준"),
    "decree": ("указ$", "указа$", "указом$", "указе$", "법령", "정령"),
    "bill": ("законопроект", "법안"),
    "approved": ("одобр", "승인"),
    "duma": ("госдум", "дума$", "думы$", "думе$", "думу$", "думой$", "두마", "하원"),
    "federation council": ("совет федерац", "상원"),
    "force": ("вступ", "발효"),
    "title named": ("назван", "명칭", "이름"),
    "official": ("официальн", "공식"),
    "comprehensive": ("всеобъемлющ", "всесторонн", "포괄"),
    "strategic": ("стратегическ", "전략"),
    "partnership": ("партнерств", "партнёрств", "동반자", "파트너"),
    "article": ("стать", "조항"),
    "clause provision": ("пункт", "положени", "условие", "조항", "규정"),
    "charter": ("устав", "헌장"),
    "self-defense": ("самооборон", "자위"),
    "collective individual": ("коллективн", "индивидуальн", "집단", "개별"),
    "obligates obligation requires": ("обязыва", "обязательств", "обязан", "의무"),
    "immediately immediate delay": ("немедленн", "незамедлительн", "промедлени", "즉시", "지체"),
    "means available": ("средств", "수단"),
    "third": ("трет", "제3국", "제3"),
    "sovereignty": ("суверенитет", "주권"),
    "territories territory": ("территори", "영토"),
    # defence and war
    "mutual": ("взаимн", "상호"),
    "defense defend defending": ("оборон", "защит", "방위", "방어"),
    "military": ("военн", "군사"),
    "assistance help aid support": ("помощ", "помога", "поддерж", "지원", "원조", "도움"),
    "attack aggression invasion invaded": ("нападени", "агресси", "вторжени", "атак", "공격",
                                           "침략", "침공"),
    "war": ("войн", "전쟁"),
    "troops soldiers": ("войск", "солдат", "военнослужащ", "군대", "병력", "군인", "병사",
                        "파병", "북한군", "러시아군"),
    "deployed sent": ("разверн", "дислоци", "направ", "отправ", "배치", "파견"),
    "fight fighting": ("сража", "воева", "боев", "전투", "싸우"),
    "weapons arms": ("оружи", "вооружени", "무기"),
    "munitions ammunition": ("боеприпас", "снаряд", "탄약", "포탄"),
    "missile": ("ракет", "미사일"),
    "debris": ("обломк", "잔해"),
    "nuclear": ("ядерн", "핵무기", "핵개발", "핵프로그램", "핵미사일", "핵무장"),
    "capabilities": ("возможност", "потенциал", "능력"),
    "joint": ("совместн", "공동"),
    "security": ("безопасност", "안보", "안전"),
    "peace": ("мир$", "мира$", "миру$", "миром$", "мирн", "평화"),
    "alliance allies": ("союз", "동맹"),
    "cold war": ("холодн", "냉전"),
    "soviet": ("советск", "ссср", "소련"),
    "kursk": ("курск", "쿠르스크"),
    "intelligence": ("разведк", "정보"),
    # trade and sanctions
    "trade": ("торгов", "무역", "교역"),
    "economic": ("экономическ", "경제"),
    "technology": ("технолог", "기술"),
    "supplying supply provide": ("постав", "предостав", "공급", "제공"),
    "sanctions": ("санкци", "제재"),
    "violation": ("нарушени", "위반"),
    "resolutions": ("резолюци", "결의"),
    "deny denied": ("отрица", "부인"),
    # reactions and relations
    "concerns concern alarmed": ("обеспокоен", "озабоченност", "тревог", "опасени", "우려",
                                 "걱정"),
    "threat": ("угроз", "위협"),
    "response reaction responded": ("реакци", "отреагир", "ответ", "반응", "대응"),
    "condemned criticized": ("осуд", "критик", "비판", "규탄"),
    "cooperation": ("сотрудничеств", "협력"),
    "relations ties": ("отношени", "связ", "관계"),
    "western west": ("запад", "서방", "서구"),
    "region regional": ("регион", "지역"),
    "asia": ("азия$", "азии$", "азию$", "азиат", "아시아"),
    "opposition": ("противосто", "оппозиц", "반대", "대항"),
    "hegemony imperialism": ("гегемон", "империал", "패권", "제국주의"),
    "isolation isolated": ("изоляц", "고립"),
    "legitimacy": ("легитимн", "정당성"),
    "human rights": ("прав человек", "인권"),
    "considering consider": ("рассматрива", "검토"),
    "reported reports": ("сообщ", "доклад", "보도", "보고"),
    # people and the state
    "leader leaders": ("лидер", "руководител", "지도자"),
    "president": ("президент", "대통령"),
    "dictator": ("диктатор", "독재"),
    "putin": ("путин", "푸틴"),
    "kim jong un": ("ким$", "김정은"),
    "kim il sung": ("ким ир", "김일성"),
    "yoon": ("юн$", "юна$", "윤석열"),
    "office": ("администрац", "офис", "대통령실"),
    "founded established": ("основа", "создан", "건국", "설립", "창건"),
    "ideology juche": ("идеолог", "чучхе", "이념", "사상", "주체"),
    "cult personality": ("культ$", "культа$", "культом$", "우상화", "숭배"),
    "bloodline hereditary": ("династ", "наследствен", "혈통", "세습"),
    "paektu": ("пэкту", "백두"),
    # the visit
    "visit": ("визит", "посещени", "посет", "방문"),
    "first": ("перв", "처음", "첫"),
    "summit talks": ("саммит", "переговор", "정상회담", "회담"),
    "ceremony": ("церемони", "행사", "의식", "환영식"),
    "welcomed welcome": ("встреча", "приветств", "환영"),
    "square": ("площад", "광장"),
    "spectators crowds": ("толп", "зрител", "군중", "인파", "관중"),
    "flowers flags balloons": ("цветы$", "цветов$", "цветами$", "флаг", "шары$", "шаров$",
                               "шарами$", "шарик", "꽃", "깃발", "풍선"),
    "children": ("дети$", "детей$", "детьми$", "детям$", "어린이", "아이"),
    "guest house": ("резиденци", "гостев", "영빈관", "숙소"),
    "dogs pungsan breed": ("собак", "пхунсан", "пород", "풍산", "강아지", "품종"),
    "gifted gift": ("подар", "선물"),
    "photographed": ("сфотограф", "фотограф", "снимк", "사진", "촬영"),
    "limousine automobiles": ("лимузин", "автомобил", "машин", "리무진", "자동차", "차량"),
    "aurus": ("аурус", "아우루스"),
    "driver": ("водит", "руль", "운전"),
    "manufactured": ("производ", "제조", "생산"),
    "media": ("сми$", "медиа", "매체", "언론", "관영"),
    "june": ("июн", "6월"),
    "november": ("ноябр", "11월"),
    "thursday": ("четверг", "목요일"),
    "wednesday": ("среду", "среда", "수요일"),
    "vietnam": ("вьетнам", "베트남"),
    "city": ("город", "도시"),
}


@lru_cache(maxsize=1024)
def english_words(question: str) -> list[str]:
    """The English words of every glossary entry a Russian/Korean word of `question` starts
    with (a two-word stem: two consecutive words), in glossary order; none for a question in
    Latin letters."""
    if not re.search(r"[а-яё가-힣]", question, re.I):
        return []
    words = re.findall(r"\w+", question.lower().replace("ё", "е"))
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return [english for english, stems in _GLOSSARY.items()
            if any(_reads(w, stem.replace("ё", "е")) for stem in stems
                   for w in (pairs if " " in stem else words))]


def _reads(word: str, stem: str) -> bool:
    """`word` starts with `stem`, or is it, for a stem ending in "$" (a short word whose
    beginning starts other words: "дума$" is not "думаете")."""
    return word == stem[:-1] if stem.endswith("$") else word.startswith(stem)
