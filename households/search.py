"""What the caseload search understands beyond exact references: a date of birth, part of a postcode, and
names spelt a little differently.

Spelling-tolerant names use trigram similarity (pg_trgm, enabled by migration 0004) on PostgreSQL. On
SQLite, which has no trigram support, rapidfuzz scores a bounded candidate set instead: the people of the
households searched whose given or family name starts with the same letter as a word searched for, at most
FALLBACK_CANDIDATES of them.
"""

import re
from datetime import date, datetime

from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Greatest
from rapidfuzz import fuzz, utils

# Trigram similarity (0-1) above which a name matches a word searched for; rapidfuzz ratio (0-100) likewise.
TRIGRAM_THRESHOLD = 0.3  # pg_trgm's own default for the % operator
FUZZY_THRESHOLD = 80
FALLBACK_CANDIDATES = 5000
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")
# An outward code (CT9), or it and the start of an inward code (CT9 2, CT9 2A).
PARTIAL_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?( \d[A-Z]?)?$")
NAME_WORD_RE = re.compile(r"^[^\W\d_][\w'\-]*$")


def as_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007  a calendar date, no time
        except ValueError:
            continue
    return None


def partial_postcode(text: str) -> str | None:
    """The start of a postcode to match (`CT9 ` for CT9, so that CT90 is not matched), or None."""
    candidate = " ".join(text.upper().split())
    if not PARTIAL_POSTCODE_RE.match(candidate):
        return None
    return candidate if " " in candidate else f"{candidate} "


def name_words(text: str) -> list[str]:
    words = text.split()
    return words if words and all(NAME_WORD_RE.match(w) and len(w) >= 3 for w in words) else []


def similar_people(people: models.QuerySet, words: list[str]) -> models.QuerySet | list[int]:
    """People whose names match every word, spelt a little differently: a QuerySet on PostgreSQL, ids on
    other databases."""
    if connections[people.db].vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        for i, word in enumerate(words):
            similarity = Greatest(
                TrigramSimilarity("given_name", word), TrigramSimilarity("family_name", word)
            )
            people = people.annotate(**{f"similarity_{i}": similarity}).filter(
                **{f"similarity_{i}__gte": TRIGRAM_THRESHOLD}
            )
        return people.values("pk")
    initials = Q()
    for word in words:
        initials |= Q(given_name__istartswith=word[0]) | Q(family_name__istartswith=word[0])
    candidates = people.filter(initials).values_list("pk", "given_name", "family_name")[:FALLBACK_CANDIDATES]
    return [
        pk
        for pk, given, family in candidates
        if all(
            max(
                fuzz.ratio(word, given, processor=utils.default_process),
                fuzz.ratio(word, family, processor=utils.default_process),
            )
            >= FUZZY_THRESHOLD
            for word in words
        )
    ]
