"""Date expressions in a text: absolute ones as written, relative ones resolved against the
article's own publication date (marked inferred, with the rule), or left unresolved with the reason.

The rules never guess: when a relative expression cannot be placed for certain it stays
unresolved (`date` None). Rules, for a publication date P:

- a weekday ("on Wednesday", "Wednesday's summit") is the latest such weekday on or before P (news
  reports past days; P itself when published that weekday); "last Wednesday" is strictly before
  P; "next Wednesday", or a weekday in a sentence in the future tense ("will"), the earliest such
  weekday strictly after P (same weekday as P then: unresolved, this week or next is unclear);
- "today" / "yesterday" / "tomorrow" are P, P-1, P+1, except inside quoted speech: the day the
  speaker spoke is not P (an article published on Friday quotes Wednesday's "signed today"), so
  unresolved;
- "this year" / "last year" / "next year" and "June of this year" use P's year;
- a day and month without a year ("November 11") take the year that puts them within 180 days
  before to 7 days after P (future tense: 0 to 180 days after); a month alone ("in June",
  "at the beginning of November") within 6 months before to the month of P (future: P's month
  to 6 after); outside those windows: unresolved;
- "N years ago" is P's year - N; "the first ... in N years" dates the previous one to P's year - N.

A bare four-digit year (1900-2099) counts only when it reads as a year: after a time preposition
("in 1948", "since 2009", "mid-2024") or an article before a singular noun ("a 1961 treaty"),
never as a count ("2,000 troops", "the 2000 troops").

>>> [(m.as_written, m.date, m.resolution) for m in find_dates(
...     "Signed on Wednesday under a 1961 treaty; 2,000 troops left.", "2024-06-21")]
[('on Wednesday', '2024-06-19', 'inferred'), ('a 1961', '1961', 'absolute')]
>>> m = find_dates("The pact was signed on Wednesday.", None)[0]
>>> (m.date, m.rule)
(None, 'no publication date; a weekday alone gives no date')
>>> [(m.date, m.precision) for m in find_dates("Founded in 1948; signed June 19, 2024.", None)]
[('1948', 'year'), ('2024-06-19', 'day')]
>>> [(m.as_written, m.date) for m in find_dates("His first visit in 24 years.", "2024-06-20")]
[('in 24 years', '2000')]
>>> [(m.as_written, m.date) for m in find_dates("He ratified it on November 11.", "2024-11-30")]
[('on November 11', '2024-11-11')]
>>> find_dates("He ratified it on November 11.", "2024-06-20")[0].resolution
'unresolved'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
         "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}

MONTH = "(?:" + "|".join(MONTHS) + ")"
MON = "(?:" + "|".join(MONTHS + sorted(_ABBR, key=len, reverse=True)) + r")\.?"
YEAR = r"(?:19|20)\d\d"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
NUM = r"(?:\d{1,3}|(?i:" + "|".join(_NUMBERS) + "))"
PREP = r"(?:(?i:on|in|since|by|until|from|during|before|after)\s+)?"
FUTURE = re.compile(r"\b(?:will|shall|is due|are due|is scheduled|are scheduled|plans? to|"
                    r"is expected to|are expected to|to be held)\b", re.I)


@dataclass(frozen=True)
class DateMention:
    as_written: str
    start: int
    end: int
    date: str | None  # YYYY-MM-DD | YYYY-MM | YYYY; None when unresolved
    precision: str | None  # "day" | "month" | "year"
    resolution: str  # "absolute" | "inferred" | "unresolved"
    rule: str  # absolute: what was stated; inferred: the rule; unresolved: why


@dataclass(frozen=True)
class _Pub:
    day: dt.date
    precision: str  # how much of the publication date is known: "day" | "month" | "year"


def _pub(published: str | None) -> _Pub | None:
    """
    >>> _pub("2024-06"), _pub(None) is None
    (_Pub(day=datetime.date(2024, 6, 1), precision='month'), True)
    """
    if not published or not re.fullmatch(r"\d{4}(-\d\d){0,2}", published.strip()):
        return None
    parts = [int(p) for p in published.strip().split("-")] + [1, 1]
    return _Pub(dt.date(*parts[:3]), ("year", "month", "day")[published.count("-")])


def _month(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.index(name) + 1 if name in MONTHS else _ABBR[name]


def _iso(d: dt.date, precision: str) -> str:
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year)}[precision]


def _future(text: str, start: int) -> bool:
    """Is the sentence holding position `start` in the future tense?"""
    begin = max(text.rfind(c, 0, start) for c in ".!?")
    ends = [i for i in (text.find(c, start) for c in ".!?") if i >= 0]
    return bool(FUTURE.search(text[begin + 1: min(ends, default=len(text))]))


def _quoted(text: str, start: int) -> bool:
    """Is `start` inside quoted speech (curly or straight quotes, or a closing quote follows)?

    >>> _quoted("“The deal signed today helps,” he said.", 16), _quoted("Signed today.", 7)
    (True, False)
    """
    before = text[:start]
    if before.rfind("“") > before.rfind("”") or before.count('"') % 2 == 1:
        return True
    after = re.search(r"[“”]", text[start:])
    return bool(after and after.group() == "”")


Make = Callable[[re.Match[str], str, _Pub | None], DateMention | None]


def _mention(m: re.Match[str], date: str | None, precision: str | None, resolution: str,
             rule: str) -> DateMention:
    return DateMention(m.group(0), m.start(), m.end(), date, precision, resolution, rule)


def _absolute(m: re.Match[str], y: int, mo: int | None = None, d: int | None = None
              ) -> DateMention | None:
    try:
        day = dt.date(y, mo or 1, d or 1)
    except ValueError:
        return None
    precision = "day" if d else "month" if mo else "year"
    return _mention(m, _iso(day, precision), precision, "absolute", f"{precision} stated")


def _unresolved(m: re.Match[str], why: str) -> DateMention:
    return _mention(m, None, None, "unresolved", why)


def _need(pub: _Pub | None, precision: str) -> str | None:
    """Why `pub` cannot resolve at `precision`, or None if it can."""
    if pub is None:
        return "no publication date"
    order = ["year", "month", "day"]
    if order.index(pub.precision) < order.index(precision):
        return f"publication date known only to the {pub.precision}"
    return None


def _year_of_day(pub: dt.date, mo: int, d: int, future: bool) -> dt.date | None:
    """The day `mo`/`d` in the year that puts it in the window around `pub` (see module doc)."""
    lo, hi = (0, 180) if future else (-180, 7)
    for y in (pub.year - 1, pub.year, pub.year + 1):
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            continue
        if lo <= (day - pub).days <= hi:
            return day
    return None


def _year_of_month(pub: dt.date, mo: int, future: bool) -> dt.date | None:
    lo, hi = (0, 6) if future else (-6, 0)
    for y in (pub.year - 1, pub.year, pub.year + 1):
        if lo <= (y * 12 + mo) - (pub.year * 12 + pub.month) <= hi:
            return dt.date(y, mo, 1)
    return None


def _full_date(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    g = m.groupdict()
    mo = int(g["mo"]) if g.get("mo") else _month(g["mon"])
    return _absolute(m, int(g["y"]), mo, int(re.sub(r"\D", "", g["d"])))


def _month_year(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    return _absolute(m, int(m["y"]), _month(m["mon"]))


def _this_year(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention:
    shift = {"this": 0, "last": -1, "next": 1}[m["which"].lower()]
    precision = "month" if m["mon"] else "year"
    if why := _need(pub, "year"):
        stated = f"the month ({m['mon']}) is stated but " if m["mon"] else ""
        return _unresolved(m, f"{why}; {stated}'{m['which']} year' has no year to resolve to")
    assert pub is not None
    day = dt.date(pub.day.year + shift, _month(m["mon"]) if m["mon"] else 1, 1)
    return _mention(m, _iso(day, precision), precision, "inferred",
                    f"'{m['which'].lower()} year' is publication year {pub.day.year}"
                    + (f" {shift:+d}" if shift else ""))


def _day_month(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    mo, d = _month(m["mon"]), int(re.sub(r"\D", "", m["d"]))
    if d > (29 if mo == 2 else 30 if mo in (4, 6, 9, 11) else 31):
        return None
    if why := _need(pub, "day"):
        return _unresolved(m, f"{why}; day and month stated without a year")
    assert pub is not None
    future = _future(text, m.start())
    day = _year_of_day(pub.day, mo, d, future)
    if day is None:
        return _unresolved(m, f"day and month without a year, too far from publication "
                              f"{pub.day} to pick the year")
    span = "0 to 180 days after" if future else "180 days before to 7 days after"
    return _mention(m, day.isoformat(), "day", "inferred",
                    f"year-less date taken in the year placing it {span} publication {pub.day}")


def _bare_month(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    if why := _need(pub, "month"):
        return _unresolved(m, f"{why}; month stated without a year")
    assert pub is not None
    future = _future(text, m.start())
    day = _year_of_month(pub.day, _month(m["mon"]), future)
    if day is None:
        return _unresolved(m, f"month without a year, too far from publication {pub.day} "
                              "to pick the year")
    span = "the 6 months after" if future else "the 6 months up to"
    return _mention(m, _iso(day, "month"), "month", "inferred",
                    f"year-less month taken within {span} publication month "
                    f"{_iso(pub.day, 'month')}")


def _ago(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"].lower()]
    unit = m["unit"].lower().rstrip("s")
    precision = {"year": "year", "month": "month", "day": "day"}[unit]
    if why := _need(pub, precision):
        return _unresolved(m, f"{why}; '{m.group(0)}' counts back from an unknown date")
    assert pub is not None
    p = pub.day
    if unit == "year":
        day, what = dt.date(p.year - n, 1, 1), f"publication year {p.year} minus {n} years"
    elif unit == "month":
        k = p.year * 12 + p.month - 1 - n
        day, what = dt.date(k // 12, k % 12 + 1, 1), f"publication month minus {n} months"
    else:
        day, what = p - dt.timedelta(days=n), f"publication date {p} minus {n} days"
    return _mention(m, _iso(day, precision), precision, "inferred", what)


def _first_in_years(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    begin = max(text.rfind(c, 0, m.start()) for c in ".!?")
    if not re.search(r"\bfirst\b", text[begin + 1: m.start()], re.I):
        return None  # "in 24 years" alone may be a duration or the future: not a date
    n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"].lower()]
    if why := _need(pub, "year"):
        return _unresolved(m, f"{why}; 'the first ... in {n} years' counts back from it")
    assert pub is not None
    return _mention(m, str(pub.day.year - n), "year", "inferred",
                    f"the first in {n} years: the previous one in publication year "
                    f"{pub.day.year} ({pub.day}) minus {n} years")


def _weekday(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    wd, which = WEEKDAYS.index(m["wd"]), (m["which"] or "").lower()
    if why := _need(pub, "day"):
        return _unresolved(m, f"{why}; a weekday alone gives no date")
    assert pub is not None
    back = (pub.day.weekday() - wd) % 7
    if which == "next" or (which != "last" and _future(text, m.start())):
        if back == 0:
            return _unresolved(m, f"future {m['wd']} said on a {m['wd']}: this week or next "
                                  "is unclear")
        day, rule = pub.day + dt.timedelta(days=7 - back), "the earliest {} after"
    elif which == "last":
        day, rule = pub.day - dt.timedelta(days=back or 7), "the latest {} before"
    else:
        day, rule = pub.day - dt.timedelta(days=back), "the latest {} on or before"
    return _mention(m, day.isoformat(), "day", "inferred",
                    f"{rule.format(m['wd'])} publication date {pub.day} "
                    f"(a {WEEKDAYS[pub.day.weekday()]})")


def _today(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    word = m["w"].lower()
    if why := _need(pub, "day"):
        return _unresolved(m, f"{why}; '{word}' is relative to it")
    assert pub is not None
    if _quoted(text, m.start()):
        return _unresolved(m, f"'{word}' inside quoted speech is the day the speaker spoke, "
                              "not the publication date")
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[word]
    day = pub.day + dt.timedelta(days=shift)
    return _mention(m, day.isoformat(), "day", "inferred",
                    f"'{word}' is publication date {pub.day}"
                    + (f" {shift:+d} day" if shift else ""))


_NOT_PLURAL = {"was", "is", "has", "as", "its", "this", "his", "us", "marks", "saw"}
_YEAR_CUE = re.compile(r"(?i:\b(?:of|to|year|spring|summer|autumn|fall|winter|and|through)\s+"
                       r"|\()$")  # cues not kept in `as_written` (prepositions are: see _FINDERS)


def _bare_year(m: re.Match[str], text: str, pub: _Pub | None) -> DateMention | None:
    nxt = re.match(r"\s*([A-Za-z]+)", text[m.end():])
    word = nxt.group(1) if nxt else ""
    plural = word.islower() and len(word) > 3 and word.endswith("s") and word not in _NOT_PLURAL
    if plural or word.lower() in {"people", "men", "women", "children", "personnel"}:
        return None  # "2000 troops": a count
    if m["cue"] or m["art"] or _YEAR_CUE.search(text[: m.start()]):
        return _absolute(m, int(m["y"]))
    return None


_OPT_DAY_END = r"(?!\d)"
_FINDERS: list[tuple[re.Pattern[str], Make]] = [(re.compile(p), f) for p, f in [
    (rf"\b(?P<y>{YEAR})-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b", _full_date),
    (rf"{PREP}\b(?P<mon>{MON})\s+(?P<d>{DAY}),?\s+(?P<y>{YEAR})\b", _full_date),
    (rf"{PREP}\b(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MON}),?\s+(?P<y>{YEAR})\b", _full_date),
    (rf"{PREP}\b(?P<mon>{MONTH})(?:\s+of)?,?\s+(?P<y>{YEAR})\b", _month_year),
    (rf"(?:(?i:in|during|since|by)\s+)?(?:\b(?P<mon>{MONTH})\s+(?:of\s+)?)?"
     rf"\b(?P<which>(?i:this|last|next))\s+year\b", _this_year),
    (rf"{PREP}\b(?P<mon>{MON})\s+(?P<d>{DAY})\b{_OPT_DAY_END}", _day_month),
    (rf"{PREP}\b(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MONTH})\b", _day_month),
    (rf"\b(?P<n>{NUM})\s+(?P<unit>years?|months?|days?)\s+ago\b", _ago),
    (rf"\b(?i:in)\s+(?P<n>{NUM})\s+years\b", _first_in_years),
    (r"(?<!Ash )(?<!Good )(?<!Black )(?<!Holy )(?<!Cyber )(?<!Super )(?<!Maundy )"
     r"(?:(?P<which>(?i:on|last|this|next|since|until|by))\s+)?\b(?P<wd>"
     + "|".join(WEEKDAYS) + r")\b", _weekday),
    (r"\b(?P<w>(?i:today|yesterday|tomorrow))\b", _today),
    (r"(?:(?i:(?:in|during|since|until|by|through|from)\s+(?:early\s+|mid-?\s*|late\s+)?"
     r"|(?:at|by|in|towards?)\s+the\s+(?:beginning|start|end|middle)\s+of\s+"
     r"|(?:early|mid|late)[- ]))" rf"\b(?P<mon>{MONTH})\b", _bare_month),
    (r"(?:(?P<cue>\b(?i:in|since|by|until|till|from|between|before|after|during|early|late|"
     r"around|circa)\s+|\b(?i:mid)-\s*)|(?P<art>\b(?i:an?|the)\s+))?"
     rf"(?<![\d,.$£€#])\b(?P<y>{YEAR})\b(?![,.]\d|%|-\d)",
     _bare_year),
]]


_MAYBE = re.compile(r"\d|\b(?:" + "|".join(MONTHS + WEEKDAYS + list(_ABBR)) + r"|(?i:today|"
                    r"yesterday|tomorrow|years?|ago))\b")  # quick test: may it hold a date?


def find_dates(text: str, published: str | None) -> list[DateMention]:
    """Every date expression in `text`, in order; `published` (ISO, possibly YYYY or YYYY-MM) is
    the article's publication date that relative expressions resolve against."""
    if not _MAYBE.search(text):
        return []
    pub = _pub(published)
    found: list[DateMention] = []
    for pattern, make in _FINDERS:
        for match in pattern.finditer(text):
            if any(match.start() < f.end and f.start < match.end() for f in found):
                continue
            mention = make(match, text, pub)
            if mention is not None:
                found.append(mention)
    return sorted(found, key=lambda f: f.start)


def iter_dated(texts: list[str], published: list[str | None]
               ) -> Iterator[tuple[int, DateMention]]:
    """(index, mention) for every date mention in `texts`, each against its own date."""
    for i, (text, pub) in enumerate(zip(texts, published, strict=True)):
        for mention in find_dates(text, pub):
            yield i, mention
