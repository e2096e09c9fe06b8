"""Dates read relative to the article's publication: "on Thursday", "on 31 August", "last week".

dateparser does the reading (no network: it parses locally; PREFER_DATES_FROM "past" and RELATIVE_BASE the
publication); the lexicon says which words are weekdays, months and relative phrases, so that only those
spans are handed to it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser
from spacy.tokens import Doc
from text_to_num import text2num

from .lexicon import Lexicon
from .pipeline import starts_with


@dataclass
class When:
    start: int  # token range, end exclusive
    end: int
    first: date
    last: date | None
    precision: str  # day, week, month, approximate


@lru_cache(maxsize=2048)
def _parse(words: str, base: date, language: str) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = dateparser.parse(words, languages=[language], settings=settings)
    except Exception:  # dateparser raises a variety of errors on odd input; an odd date is simply no date
        return None
    return found.date() if found is not None else None


def _window(precision: str, day: date) -> tuple[date, date]:
    if precision == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


class DateReader:
    def __init__(self, lexicon: Lexicon, published: date):
        self.lexicon, self.published = lexicon, published
        self.weekdays = list(lexicon.data.get("weekdays", []))
        self.months = lexicon.words("months")
        self.relative = {k: lexicon.phrases_from(v) for k, v in lexicon.table("relative_dates").items()}

    def find(self, doc: Doc, start: int, end: int, windows: list[tuple[int, int]]) -> list[When]:
        found: list[When] = []
        i = start
        taken: set[int] = set()
        for first, last in windows:
            when = self._window(doc, first, last)
            if when is not None:
                found.append(when)
                taken.update(range(first, last))
        while i < end:
            if i in taken:
                i += 1
                continue
            when = self._at(doc, i, end)
            if when is None:
                i += 1
                continue
            found.append(when)
            i = when.end
        return sorted(found, key=lambda w: w.start)

    def _at(self, doc: Doc, i: int, end: int) -> When | None:
        word = doc[i].lower_
        language = self.lexicon.language
        for precision, phrases in self.relative.items():
            for phrase in phrases:
                if starts_with(doc, i, phrase):
                    day = _parse(" ".join(phrase), self.published, language)
                    if day is None:
                        return None
                    if precision == "day":
                        return When(i, i + len(phrase), day, None, "day")
                    first, last = _window(precision, day)
                    return When(i, i + len(phrase), first, last, precision)
        if word in self.weekdays:
            stop = i + 1
            if stop < end and doc[stop].lower_ in self.lexicon.words("day_parts"):
                stop += 1
            day = _parse(doc[i].text, self.published, language)
            if day is None:
                return None
            before = doc[i - 1].lower_ if i else ""
            if self.published.weekday() == self.weekdays.index(word) % 7 and before not in self.lexicon.words(
                "last_words"
            ):
                day = self.published  # "on Sunday" in a Sunday paper is that day
            return When(i, stop, day, None, "day")
        if word in self.months or (doc[i].is_digit and i + 1 < end and doc[i + 1].lower_ in self.months):
            stop = i + 1
            while (
                stop < end
                and stop - i < 4
                and (doc[stop].is_digit or doc[stop].lower_ in self.months or doc[stop].text == ",")
            ):
                stop += 1
            while stop > i + 1 and doc[stop - 1].text == ",":
                stop -= 1
            span = doc[i:stop]
            if not any(t.is_digit for t in span):
                return None
            day = _parse(span.text, self.published, language)
            return When(i, stop, day, None, "day") if day is not None else None
        return None

    def _window(self, doc: Doc, first: int, last: int) -> When | None:
        """ "over the past two days": the days before publication."""
        words = [t.lower_ for t in doc[first:last]]
        unit = words[-1]
        amount = " ".join(w for w in words[:-1] if w not in self.lexicon.words("window_words"))
        try:
            number = int(amount) if amount.isdigit() else text2num(amount, self.lexicon.language)
        except (ValueError, KeyError, IndexError, TypeError):
            return None
        units = self.lexicon.table("window_units")  # word -> days (a day is 1, a week 7, an hour 1/24)
        days = max(1, round(number * units.get(unit, 1)))
        return When(first, last, self.published - timedelta(days=days), self.published - timedelta(days=1), "day")
