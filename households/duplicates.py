"""Likely duplicate people: scored on entry with rapidfuzz, and paired across a caseload for review.

rapidfuzz (kept, MIT, compiled) scores name similarity in microseconds, which an on-entry check needs; a
probabilistic linkage model such as splink is made for batch linkage of whole datasets and would bring a
DuckDB or Spark engine for what is here a comparison of one new record with a few hundred candidates.

Candidates are always drawn from the people the user may see (`Person.objects.visible_to`): the check never
reveals a record out of the user's scope. Pairs already linked, or marked as different people, are left out
of the review queue.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from rapidfuzz import fuzz, utils

from taskforce.org import scoping
from taskforce.org.validators import normalise_nino, normalise_postcode

from .models import Person, PersonLink, Residence

# A name at least this similar (0-100, rapidfuzz token sort ratio) with the same date of birth is a likely
# match; a closer one also matches on a shared postcode or a birth date a digit or a swap away.
SAME_BIRTH_NAME = 80
NEAR_NAME = 90
CANDIDATE_LIMIT = 500
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class Match:
    person: Person
    score: int
    reasons: tuple[str, ...]


def name_similarity(given: str, family: str, other_given: str, other_family: str) -> float:
    return fuzz.token_sort_ratio(
        f"{given} {family}", f"{other_given} {other_family}", processor=utils.default_process
    )


def _one_slip(x: int, y: int, width: int) -> bool:
    """Two numbers written with `width` digits one keystroke apart: one digit different, or two neighbouring
    digits swapped (1989 and 1998, 08 and 03; not 1943 and 1998)."""
    a, b = f"{x:0{width}d}", f"{y:0{width}d}"
    differ = [i for i in range(width) if a[i] != b[i]]
    if len(differ) == 1:
        return True
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and (a[differ[0]], a[differ[1]]) == (b[differ[1]], b[differ[0]])
    )


def _near_dates(a: date, b: date) -> bool:
    """One typing slip apart: day and month swapped, or one of day, month or year a keystroke different
    (`_one_slip`)."""
    if a == b:
        return True
    if (a.day, a.month, a.year) == (b.month, b.day, b.year):
        return True
    parts = [(a.day, b.day, 2), (a.month, b.month, 2), (a.year, b.year, 4)]
    different = [part for part in parts if part[0] != part[1]]
    return len(different) == 1 and _one_slip(*different[0])


def judge(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    nino: str | None,
    candidate: Person,
    shares_postcode: bool = False,
) -> Match | None:
    """The candidate as a likely match for the details, with the reasons, or None."""
    reasons: list[str] = []
    same_nino = bool(nino and candidate.nino and normalise_nino(nino) == candidate.nino)
    similarity = name_similarity(given_name, family_name, candidate.given_name, candidate.family_name)
    same_birth = candidate.date_of_birth == date_of_birth
    if same_nino:
        reasons.append("the same National Insurance number")
    if similarity >= SAME_BIRTH_NAME:
        reasons.append("the same name" if similarity == 100 else f"a similar name ({similarity:.0f}% alike)")
    if same_birth:
        reasons.append("the same date of birth")
    elif _near_dates(candidate.date_of_birth, date_of_birth):
        reasons.append("a date of birth one slip apart")
    if shares_postcode:
        reasons.append("a home at the same postcode")
    likely = (
        same_nino
        or (same_birth and similarity >= SAME_BIRTH_NAME)
        or (
            similarity >= NEAR_NAME
            and (shares_postcode or _near_dates(candidate.date_of_birth, date_of_birth))
        )
    )
    if not likely:
        return None
    score = round(similarity * 0.6 + (30 if same_birth else 0) + (10 if shares_postcode else 0))
    return Match(person=candidate, score=100 if same_nino else min(score, 99), reasons=tuple(reasons))


def likely_matches(
    *,
    user: scoping.User | None,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    nino: str | None = None,
    postcode: str | None = None,
    exclude: Iterable[int] = (),
    people: QuerySet[Person] | None = None,
) -> list[Match]:
    """People the user may see who are likely the person described, best first.

    The candidates are a bounded set (CANDIDATE_LIMIT) found by the database: the same date of birth, the
    same National Insurance number, a birth date in the same year with a family name of the same initial, or
    a home at the same postcode; rapidfuzz then scores each. `people` replaces the user's scope only for
    a caller that runs as no one (an import from the command line)."""
    given_name, family_name = given_name.strip(), family_name.strip()
    if not (given_name or family_name) or date_of_birth is None:
        return []
    initial = (family_name[:1] or given_name[:1]).upper()
    condition = Q(date_of_birth=date_of_birth) | (
        Q(date_of_birth__year=date_of_birth.year) & Q(family_name__istartswith=initial)
    )
    condition |= Q(date_of_birth__year__in=[date_of_birth.year - 1, date_of_birth.year + 1]) & Q(
        family_name__iexact=family_name
    )
    if nino:
        condition |= Q(nino=normalise_nino(nino))
    at_postcode: set[int] = set()
    if postcode:
        homes = Residence.objects.filter(
            property__postcode=normalise_postcode(postcode),
            household__memberships__person=OuterRef("pk"),
        )
        condition |= Q(Exists(homes)) & Q(family_name__istartswith=initial)
    scope = Person.objects.visible_to(user) if people is None else people
    candidates = list(scope.filter(condition).exclude(pk__in=list(exclude)).order_by("pk")[:CANDIDATE_LIMIT])
    if postcode and candidates:
        at_postcode = set(
            Residence.objects.filter(
                property__postcode=normalise_postcode(postcode),
                household__memberships__person__in=[c.pk for c in candidates],
            ).values_list("household__memberships__person", flat=True)
        )
    matches = [
        match
        for candidate in candidates
        if (
            match := judge(
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                nino=nino,
                candidate=candidate,
                shares_postcode=candidate.pk in at_postcode,
            )
        )
    ]
    return sorted(matches, key=lambda m: (-m.score, m.person.pk))


class PossibleDuplicates(ValidationError):
    """A new person resembles people already recorded; saving needs the user's confirmation."""

    def __init__(self, matches: list[Match]) -> None:
        self.matches = matches
        names = "; ".join(
            f"{m.person} born {m.person.date_of_birth:%-d %B %Y} ({', '.join(m.reasons)})"
            for m in matches[:5]
        )
        super().__init__(
            {
                "confirm_distinct": f"This may be someone already recorded: {names}. Check, then confirm "
                "that this is a different person, or link the records."
            }
        )


def check_new_person(
    *,
    user: scoping.User | None,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    nino: str | None = None,
    postcode: str | None = None,
    confirm_distinct: bool = False,
) -> list[Match]:
    """Raise PossibleDuplicates when the details match people already recorded, unless the user has
    confirmed that the person is a different one; return the matches either way."""
    matches = likely_matches(
        user=user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        nino=nino,
        postcode=postcode,
    )
    if matches and not confirm_distinct:
        raise PossibleDuplicates(matches)
    return matches


@dataclass(frozen=True)
class Pair:
    person: Person
    other: Person
    score: int
    reasons: tuple[str, ...]


def _blocks(person: Person, family: str) -> list[tuple]:
    """The keys under which a person is compared with others in the review queue: a pair is judged when it
    shares one. The same date of birth and, for the same family name, the dates that may be one slip apart
    (`_near_dates`): two dates one part apart share the other two parts, and two with day and month
    swapped share the year and the pair of them. `family` is the family name as rapidfuzz compares it
    (`utils.default_process`). No key is needed for the National Insurance number: no two records share
    one."""
    born = person.date_of_birth
    keys: list[tuple] = [("born", born)]
    if family:
        keys += [
            ("family-month-day", family, born.month, born.day),
            ("family-year-day", family, born.year, born.day),
            ("family-year-month", family, born.year, born.month),
        ]
        if born.day <= 12 and born.day != born.month:  # else no date has them the other way round
            keys.append(
                (
                    "family-year-swapped",
                    family,
                    born.year,
                    min(born.day, born.month),
                    max(born.day, born.month),
                )
            )
    return keys


def review_queue(user: scoping.User | None, *, limit: int = QUEUE_LIMIT) -> list[Pair]:
    """Likely duplicate pairs among the people the user may see, best first, leaving out pairs already
    linked or marked as different people. People are blocked (`_blocks`: the same date of birth, or the
    same family name with a birth date one slip apart), then each pair
    sharing a block is judged once, as on entry (`judge`)."""
    visible = Person.objects.visible_to(user)
    people = list(visible.only("pk", "given_name", "family_name", "date_of_birth", "nino").order_by("pk"))
    decided = set(
        PersonLink.objects.current()
        .filter(person__in=visible.values("pk"))
        .values_list("person_id", "other_id")
    )
    blocks: dict[tuple, list[int]] = defaultdict(list)
    family_names = {p.family_name: utils.default_process(p.family_name) for p in people}
    for position, person in enumerate(people):
        for key in _blocks(person, family_names[person.family_name]):
            blocks[key].append(position)
    ids = [person.id for person in people]
    judged: set[tuple[int, int]] = set()
    pairs: list[Pair] = []
    for group in blocks.values():
        for i, j in combinations(group, 2):  # in id order, as `people` is
            pair = (ids[i], ids[j])
            if pair in decided or pair in judged:
                continue
            judged.add(pair)
            a, b = people[i], people[j]
            match = judge(
                given_name=a.given_name,
                family_name=a.family_name,
                date_of_birth=a.date_of_birth,
                nino=a.nino,
                candidate=b,
            )
            if match is not None:
                pairs.append(Pair(person=a, other=b, score=match.score, reasons=match.reasons))
    pairs.sort(key=lambda p: (-p.score, p.person.id, p.other.id))
    return pairs[:limit]
