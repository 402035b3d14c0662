"""Finding organisations by name: likely duplicates when creating one, and the search when joining one.

Names are compared after normalisation: lower case, accents and punctuation removed, and common
legal-form or filler words dropped ("Ltd", "Inc", "Foundation", "the", "of", …), so that
"Kijiji Telecom Ltd." and "kijiji telecom" are the same name. Two names are then "close" when
difflib's ratio or the overlap of their character trigrams is high; equal acronyms, or a name
equal to the other's acronym, count as close too. Every entity is compared (a few thousand
names take milliseconds); only ids, names and acronyms are read.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from p2c.entities.models import Entity

# Words that say what kind of body an organisation is, not which one.
_ARTICLES = ("the", "of", "and", "for", "a", "an", "de", "des", "du", "la", "le", "les", "el", "los", "las", "y", "et")
_ARTICLES_DE = ("und", "der", "die", "das")
_LEGAL_FORMS = ("ltd", "limited", "inc", "incorporated", "llc", "llp", "plc", "corp", "corporation", "co", "company")
_LEGAL_FORMS_INTL = ("cie", "sa", "sas", "sarl", "ag", "gmbh", "bv", "nv", "pty", "pvt")
_FOUNDATIONS = ("foundation", "fondation", "fundacion", "fundacao", "stiftung", "trust")
FILLER_WORDS = frozenset(_ARTICLES + _ARTICLES_DE + _LEGAL_FORMS + _LEGAL_FORMS_INTL + _FOUNDATIONS)
DUPLICATE_THRESHOLD = 0.82
SEARCH_THRESHOLD = 0.6
MAX_CANDIDATES = 5


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(name: str) -> str:
    """``"Fundación Kijiji-Telecom, Ltd."`` → ``"kijiji telecom"``."""
    text = _strip_accents(name).casefold().replace("&", " and ")
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    kept = [word for word in words if word not in FILLER_WORDS]
    return " ".join(kept or words)


def normalise_acronym(acronym: str) -> str:
    return re.sub(r"[^\w]|_", "", _strip_accents(acronym).casefold())


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _similarity(a: str, ta: set[str], b: str, tb: set[str], at_least: float) -> float:
    """Trigram overlap, or difflib's ratio when it is better; difflib only runs when it could reach ``at_least``."""
    trigram = 2 * len(ta & tb) / (len(ta) + len(tb))
    if trigram >= at_least > 0:
        return trigram
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < at_least:  # difflib's ratio cannot be higher than this
        return trigram
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < at_least:
        return trigram
    return max(trigram, matcher.ratio())


def name_similarity(a: str, b: str, *, at_least: float = 0.0) -> float:
    """How alike two normalised names are, from 0 to 1: the better of trigram overlap and difflib's ratio.

    With ``at_least``, difflib's (slower) ratio is only computed when its cheap upper bounds
    could still reach that value; below it the result is only a lower bound.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return _similarity(a, _trigrams(a), b, _trigrams(b), at_least)


@dataclass(frozen=True)
class Match:
    """An existing entity that resembles what was typed, and why."""

    entity: Entity
    score: float
    reason: str


class _Typed:
    """What was typed, normalised once, scored against each entity in turn."""

    def __init__(self, name: str, acronym: str) -> None:
        self.name = normalise_name(name)
        self.compact = self.name.replace(" ", "")
        self.acronym = normalise_acronym(acronym)
        self.trigrams = _trigrams(self.name)

    def score(self, candidate_name: str, candidate_acronym: str, threshold: float = 0.0) -> tuple[float, str]:
        """The similarity to one entity, and a short reason code."""
        other, other_acr = normalise_name(candidate_name), normalise_acronym(candidate_acronym)
        if self.name and self.name == other:
            return 1.0, "same_name"
        if self.acronym and self.acronym == other_acr:
            return 0.95, "same_acronym"
        if (other_acr and self.compact == other_acr) or (self.acronym and other.replace(" ", "") == self.acronym):
            return 0.9, "name_is_acronym"
        if not self.name or not other:
            return 0.0, "similar_name"
        return _similarity(self.name, self.trigrams, other, _trigrams(other), threshold), "similar_name"


def _ranked(name: str, acronym: str, threshold: float, exclude_pk: int | None = None) -> list[Match]:
    typed = _Typed(name, acronym)
    rows = Entity.objects.values_list("pk", "name", "acronym")
    scored = []
    for pk, candidate_name, candidate_acronym in rows.iterator(chunk_size=2000):
        if pk == exclude_pk:
            continue
        score, reason = typed.score(candidate_name, candidate_acronym, threshold)
        if score >= threshold:
            scored.append((score, candidate_name, pk, reason))
    scored.sort(key=lambda row: (-row[0], row[1]))
    top = scored[:MAX_CANDIDATES]
    entities = Entity.objects.select_related("entity_type", "home_country").in_bulk([pk for _s, _n, pk, _r in top])
    return [Match(entities[pk], score, reason) for score, _n, pk, reason in top if pk in entities]


def likely_duplicates(*, name: str, acronym: str = "", exclude_pk: int | None = None) -> list[Match]:
    """Existing entities that are probably the organisation being created (best first, at most five)."""
    return _ranked(name, acronym, DUPLICATE_THRESHOLD, exclude_pk)


def exact_name_taken(name: str, *, exclude_pk: int | None = None) -> Entity | None:
    """The entity that already has this name, ignoring case (names are unique that way)."""
    entities = Entity.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        entities = entities.exclude(pk=exclude_pk)
    return entities.first()


def entity_search(query: str, *, limit: int = 20) -> list[Entity]:
    """Entities to join: names or acronyms containing the words typed, then names that look alike."""
    query = " ".join(query.split())[:100]
    if not query:
        return []
    contains: QuerySet[Entity] = Entity.objects.select_related("entity_type", "home_country")
    for word in query.split():
        contains = contains.filter(Q(name__icontains=word) | Q(acronym__iexact=word))
    found = list(contains.order_by("name")[:limit])
    seen = {entity.pk for entity in found}
    for match in _ranked(query, query if len(query) <= 12 else "", SEARCH_THRESHOLD):
        if match.entity.pk not in seen and len(found) < limit:
            found.append(match.entity)
            seen.add(match.entity.pk)
    return found
