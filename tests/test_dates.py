"""`index.dates.find_dates` on invented sentences: what a reader of the timeline sees as the date
of each expression, and that nothing is resolved it cannot be sure of."""

from __future__ import annotations

import pytest

from treaty_qa.index.dates import find_dates

THU, FRI = "2024-06-20", "2024-06-21"  # a Thursday and a Friday


def dated(text: str, published: str | None) -> list[tuple[str, str | None, str]]:
    return [(m.as_written, m.date, m.resolution) for m in find_dates(text, published)]


@pytest.mark.parametrize(("text", "want"), [
    ("The talks ended on June 19, 2024, in Geneva.", ("on June 19, 2024", "2024-06-19")),
    ("The talks ended on 19 June 2024.", ("on 19 June 2024", "2024-06-19")),
    ("Filed 2024-06-19 by the clerk.", ("2024-06-19", "2024-06-19")),
    ("The plant opened in June 2024.", ("in June 2024", "2024-06")),
    ("The railway was founded in 1948.", ("in 1948", "1948")),
    ("It revives a 1961 treaty.", ("a 1961", "1961")),
    ("Sales have grown since 2009.", ("since 2009", "2009")),
    ("It peaked in mid-2023.", ("mid-2023", "2023")),
])
def test_absolute_dates_are_read_as_written_without_a_publication_date(
        text: str, want: tuple[str, str]) -> None:
    assert dated(text, None) == [(*want, "absolute")]


@pytest.mark.parametrize("text", [
    "About 2,000 troops crossed the border.",
    "The 2000 troops arrived by train.",
    "He scored 1999 points in his career.",
    "Room 2024 is on the second floor.",
    "The ship carried 1,948 passengers.",
    "Prices rose 2.5% over the 1990s.",
    "It may rain, and the soldiers march on.",
])
def test_counts_and_words_are_not_dates(text: str) -> None:
    assert find_dates(text, FRI) == []


@pytest.mark.parametrize(("text", "published", "date"), [
    ("The pact was signed on Wednesday.", FRI, "2024-06-19"),  # latest Wednesday before
    ("The pact was signed on Friday.", FRI, "2024-06-21"),  # the same day
    ("He left last Friday.", FRI, "2024-06-14"),  # strictly before
    ("Talks will resume on Tuesday.", FRI, "2024-06-25"),  # future tense: after
    ("The minister said today that talks went well.", FRI, "2024-06-21"),
    ("The envoy arrived yesterday.", FRI, "2024-06-20"),
    ("Growth slowed this year.", FRI, "2024"),
    ("Growth slowed last year.", FRI, "2023"),
    ("In March of this year, the talks began.", FRI, "2024-03"),
    ("It was his first visit to the country in 24 years.", THU, "2000"),
    ("The bridge collapsed 12 years ago.", FRI, "2012"),
    ("The decree was signed on May 30.", FRI, "2024-05-30"),  # within the window before
    ("The decree was signed on December 30.", "2025-01-04", "2024-12-30"),  # previous year
    ("Fighting resumed at the beginning of April.", FRI, "2024-04"),
])
def test_relative_dates_resolve_against_publication_and_are_marked_inferred(
        text: str, published: str, date: str) -> None:
    (m,) = find_dates(text, published)
    assert (m.date, m.resolution) == (date, "inferred")
    assert m.rule  # the reader is told how


@pytest.mark.parametrize(("text", "published", "why"), [
    ("The pact was signed on Wednesday.", None, "no publication date"),
    ("In June of this year, the leaders met.", None, "no publication date"),
    ("He ratified the deal on November 11.", None, "without a year"),
    ("Troops moved at the beginning of November.", None, "without a year"),
    ("Troops moved at the beginning of November.", FRI, "too far"),  # Nov 2023 or 2024?
    ("He ratified the deal on November 11.", FRI, "too far"),
    ("“The agreement signed today helps us,” he said.", FRI, "quoted speech"),
    ("Talks will resume on Friday.", FRI, "unclear"),  # this Friday or next?
    ("The pact was signed on Wednesday.", "2024", "only to the year"),
    ("It was his first visit to the country in 24 years.", None, "no publication date"),
])
def test_unsure_dates_stay_unresolved_with_the_reason(text: str, published: str | None,
                                                     why: str) -> None:
    (m,) = find_dates(text, published)
    assert m.date is None and m.precision is None and m.resolution == "unresolved"
    assert why in m.rule


def test_a_duration_is_not_a_date() -> None:
    assert find_dates("The lease runs for another 24 years.", FRI) == []
    assert find_dates("In 24 years the loan will be repaid.", FRI) == []


def test_offsets_point_at_the_expression_in_the_text() -> None:
    text = "Signed on Wednesday under a 1961 treaty and founded in 1948."
    for m in find_dates(text, FRI):
        assert text[m.start:m.end] == m.as_written
    assert [m.date for m in find_dates(text, FRI)] == ["2024-06-19", "1961", "1948"]


def test_a_full_date_is_one_mention_not_three() -> None:
    assert dated("Signed on 19 June 2024 in Pyongyang.", FRI) == [
        ("on 19 June 2024", "2024-06-19", "absolute")]
