"""类案参考: a BM25 index of the cases' title, description and summary, kept current as cases change.

Writing: `index_case` (run by the outbox handler after a case is registered, closed or reopened) segments the
case's de-identified text with jieba, keeps its best words as postings with their BM25 term weight, and the
words' document frequencies and the corpus size as counters. It is idempotent: a case whose text, state and
category did not change is left as it is.

Reading: a query (a case's own postings, or a text segmented on the spot) keeps its rarest words (highest
idf); for each it reads at most CANDIDATES_PER_TERM postings, best weight first, through the partial index
(term, weight DESC) WHERE closed; the database adds them up per case and boosts the same category. The work
per query is bounded by QUERY_TERMS × CANDIDATES_PER_TERM index entries, whatever the number of cases.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases import selectors as case_selectors
from cases.models import Case

from . import text as aids_text
from .models import SimilarDoc, SimilarPosting, SimilarStats, SimilarTerm

K1, B = 1.2, 0.75
TERMS_PER_CASE = 32
QUERY_TERMS = 16
CANDIDATES_PER_TERM = 800
CATEGORY_BOOST = 1.3


# --- writing -------------------------------------------------------------------------------------------


def case_text(case: Case) -> tuple[str, dict[str, str]]:
    """The case's text to index (de-identified) and its de-identified reference texts for display."""
    names = [party.name for party in case.parties.all()]
    addresses = [party.address for party in case.parties.all()]
    places = [case.division.name]
    agreement = getattr(case, "agreement", None)

    def clean(value: str) -> str:
        return aids_text.deidentify(value, names=names, addresses=addresses, places=places)

    reference = {"summary": clean(case.summary), "terms": clean(agreement.terms) if agreement else ""}
    body = clean(f"{case.title}\n{case.description}") + "\n" + reference["summary"]
    return body, reference


def _fingerprint(case: Case, body: str) -> str:
    closed = case.status == Case.Status.CLOSED
    return hashlib.sha1(f"{closed}|{case.category_id}|{case.division_id}|{body}".encode()).hexdigest()


def index_case(case_id: int) -> bool:
    """Bring one case's index rows in line with the case; True when something changed."""
    case = case_selectors.reference_cases([case_id]).first()
    if case is None:
        return False
    body, reference = case_text(case)
    closed = case.status == Case.Status.CLOSED
    fingerprint = _fingerprint(case, body)
    if SimilarDoc.objects.filter(pk=case_id, fingerprint=fingerprint).exists():
        return False
    counts = aids_text.terms(body)
    with transaction.atomic():
        stats = _locked_stats()
        old = SimilarDoc.objects.filter(pk=case_id).first()
        old_terms = set(SimilarPosting.objects.filter(case_id=case_id).values_list("term_id", flat=True))
        kept = _best_terms(counts, stats)
        term_ids = _term_ids(kept)
        length = sum(counts.values())
        new_terms = set(term_ids.values())
        SimilarTerm.objects.filter(id__in=new_terms - old_terms).update(df=F("df") + 1)
        SimilarTerm.objects.filter(id__in=old_terms - new_terms).update(df=F("df") - 1)
        stats.docs += 0 if old else 1
        stats.total_length += length - (old.length if old else 0)
        stats.save(update_fields=["docs", "total_length"])
        SimilarDoc.objects.update_or_create(
            case_id=case_id,
            defaults={
                "division_id": case.division_id, "category_id": case.category_id, "closed": closed,
                "length": length, "fingerprint": fingerprint, "summary": reference["summary"],
                "terms": reference["terms"], "indexed_at": timezone.now(),
            },
        )
        SimilarPosting.objects.filter(case_id=case_id).delete()
        average = stats.average_length
        SimilarPosting.objects.bulk_create(
            SimilarPosting(
                case_id=case_id, term_id=term_ids[word], weight=term_weight(kept[word], length, average),
                closed=closed, division_id=case.division_id, category_id=case.category_id,
            )
            for word in kept
        )
    return True


def index_missing(*, recheck: bool = False, batch: int = 200) -> int:
    """Index every case the index lacks (or, with recheck, every case whose text or state moved on)."""
    changed, last = 0, 0
    while True:
        ids = Case.objects.filter(pk__gt=last).order_by("pk")
        if not recheck:
            ids = ids.exclude(pk__in=SimilarDoc.objects.values("pk"))
        chunk = list(ids.values_list("pk", flat=True)[:batch])
        if not chunk:
            return changed
        changed += sum(index_case(case_id) for case_id in chunk) if recheck else index_new(chunk)
        last = chunk[-1]


def index_new(case_ids: list[int]) -> int:
    """Index cases the index does not hold yet, a batch at a time (a backfill, the demo): a few statements per
    batch instead of a dozen per case. Cases indexed meanwhile are skipped."""
    cases = [c for c in case_selectors.reference_cases(case_ids) if c is not None]
    texts = {case.pk: case_text(case) for case in cases}
    counts = {case.pk: aids_text.terms(texts[case.pk][0]) for case in cases}
    with transaction.atomic():
        stats = _locked_stats()
        done = set(SimilarDoc.objects.filter(pk__in=case_ids).values_list("pk", flat=True))
        cases = [case for case in cases if case.pk not in done]
        if not cases:
            return 0
        kept = {case.pk: _best_terms(counts[case.pk], stats) for case in cases}
        term_ids = _term_ids({word for words in kept.values() for word in words})
        lengths = {case.pk: sum(counts[case.pk].values()) for case in cases}
        stats.docs += len(cases)
        stats.total_length += sum(lengths.values())
        stats.save(update_fields=["docs", "total_length"])
        average = stats.average_length
        SimilarDoc.objects.bulk_create(
            SimilarDoc(case_id=case.pk, division_id=case.division_id, category_id=case.category_id,
                       closed=case.status == Case.Status.CLOSED, length=lengths[case.pk],
                       fingerprint=_fingerprint(case, texts[case.pk][0]), summary=texts[case.pk][1]["summary"],
                       terms=texts[case.pk][1]["terms"])
            for case in cases
        )
        SimilarPosting.objects.bulk_create(
            SimilarPosting(case_id=case.pk, term_id=term_ids[word],
                           weight=term_weight(tf, lengths[case.pk], average),
                           closed=case.status == Case.Status.CLOSED, division_id=case.division_id,
                           category_id=case.category_id)
            for case in cases for word, tf in kept[case.pk].items()
        )
        uses = Counter(term_ids[word] for case in cases for word in kept[case.pk])
        by_increment: dict[int, list[int]] = {}
        for term_id, n in uses.items():
            by_increment.setdefault(n, []).append(term_id)
        for n, ids in by_increment.items():
            SimilarTerm.objects.filter(id__in=ids).update(df=F("df") + n)
    return len(cases)


def case_numbers(case_ids: list[int]) -> list[tuple[int, str]]:
    return list(case_selectors.reference_cases(case_ids).prefetch_related(None).values_list("pk", "number"))


def term_weight(tf: int, length: int, average: float) -> float:
    """BM25's term-frequency part, with document-length normalisation."""
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / max(average, 1.0)))


def idf(df: int, docs: int) -> float:
    return math.log(1 + (max(docs, df) - df + 0.5) / (df + 0.5))


def _locked_stats() -> SimilarStats:
    stats = SimilarStats.objects.select_for_update().filter(pk=1).first()
    if stats is None:
        SimilarStats.objects.get_or_create(pk=1)
        stats = SimilarStats.objects.select_for_update().get(pk=1)
    return stats


def _best_terms(counts: Counter[str], stats: SimilarStats) -> dict[str, int]:
    """The case's TERMS_PER_CASE most telling words: frequent in it, rare in the district."""
    known = dict(SimilarTerm.objects.filter(text__in=list(counts)).values_list("text", "df"))
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf(known.get(w, 0), stats.docs), w))
    return {word: counts[word] for word in ranked[:TERMS_PER_CASE]}


def _term_ids(words: Iterable[str]) -> dict[str, int]:
    words = list(words)
    SimilarTerm.objects.bulk_create([SimilarTerm(text=w) for w in words], ignore_conflicts=True)
    return dict(SimilarTerm.objects.filter(text__in=words).values_list("text", "id"))


# --- reading -------------------------------------------------------------------------------------------


@dataclass
class Match:
    case_id: int
    score: float
    shared: list[str] = field(default_factory=list)


@dataclass
class Query:
    """The words of a query with their weights (idf × how much the query uses them), best first."""

    weights: dict[int, float]
    words: dict[int, str]


def query_for_case(case_id: int) -> Query | None:
    """The query of an indexed case: its own postings."""
    rows = list(
        SimilarPosting.objects.filter(case_id=case_id).values_list("term_id", "term__text", "term__df", "weight")
    )
    if not rows:
        return None
    docs = _docs()
    weights = {term_id: idf(df, docs) * weight for term_id, _text, df, weight in rows}
    return _trim(weights, {term_id: word for term_id, word, _df, _weight in rows})


def query_for_text(value: str) -> Query | None:
    """The query of a free text (the intake form, the command), segmented now."""
    counts = aids_text.terms(value)
    if not counts:
        return None
    rows = list(SimilarTerm.objects.filter(text__in=list(counts), df__gt=0).values_list("id", "text", "df"))
    docs = _docs()
    weights = {term_id: idf(df, docs) * (1 + math.log(counts[word])) for term_id, word, df in rows}
    return _trim(weights, {term_id: word for term_id, word, _df in rows}) if rows else None


def _docs() -> int:
    return SimilarStats.objects.filter(pk=1).values_list("docs", flat=True).first() or 0


def _trim(weights: dict[int, float], words: dict[int, str]) -> Query:
    best = sorted(weights, key=lambda t: (-weights[t], t))[:QUERY_TERMS]
    return Query(weights={t: weights[t] for t in best}, words={t: words[t] for t in best})


def similar_closed(query: Query, *, category_id: int | None, top: int = 5, exclude: int | None = None) -> list[Match]:
    """The closed cases of the whole district that best match the query."""
    return _ranked(query, closed=True, division_id=None, category_id=category_id, top=top, exclude=exclude)


def similar_open_in_village(query: Query, *, division_id: int, category_id: int | None, top: int = 5) -> list[Match]:
    """The open cases of one village that best match the query (the intake's second duplicate check)."""
    return _ranked(query, closed=False, division_id=division_id, category_id=category_id, top=top, exclude=None)


def _ranked(query: Query, *, closed: bool, division_id: int | None, category_id: int | None, top: int,
            exclude: int | None) -> list[Match]:
    sql, params = ranking_sql(query, closed=closed, division_id=division_id, category_id=category_id, top=top,
                              exclude=exclude)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        matches = [Match(case_id=row[0], score=float(row[1])) for row in cursor.fetchall()]
    _add_shared_words(matches, query)
    return matches


def ranking_sql(query: Query, *, closed: bool, division_id: int | None, category_id: int | None, top: int,
                exclude: int | None) -> tuple[str, list]:
    """One statement: per query word a capped, best-first read of its postings; summed per case, boosted."""
    table = SimilarPosting._meta.db_table
    parts, params = [], []
    for index, (term_id, weight) in enumerate(query.weights.items()):
        where = "term_id = %s AND closed = %s" + (" AND division_id = %s" if division_id is not None else "")
        parts.append(
            f"SELECT * FROM (SELECT case_id, category_id, weight * %s AS score FROM {table} "
            f"WHERE {where} ORDER BY weight DESC LIMIT %s) AS t{index}"
        )
        params += [weight, term_id, closed, *([division_id] if division_id is not None else []), CANDIDATES_PER_TERM]
    sql = (
        "SELECT case_id, SUM(score) * CASE WHEN MAX(category_id) = %s THEN %s ELSE 1.0 END AS total "
        f"FROM ({' UNION ALL '.join(parts)}) AS candidates "
        + ("WHERE case_id <> %s " if exclude is not None else "")
        + "GROUP BY case_id ORDER BY total DESC, case_id DESC LIMIT %s"
    )
    params = [category_id or 0, CATEGORY_BOOST, *params, *([exclude] if exclude is not None else []), top]
    return sql, params


def _add_shared_words(matches: list[Match], query: Query) -> None:
    """The query's words each match uses, most telling first: why it matched."""
    if not matches:
        return
    by_case: dict[int, list[int]] = {}
    for case_id, term_id in SimilarPosting.objects.filter(
        case_id__in=[m.case_id for m in matches], term_id__in=list(query.weights)
    ).values_list("case_id", "term_id"):
        by_case.setdefault(case_id, []).append(term_id)
    for match in matches:
        ids = sorted(by_case.get(match.case_id, []), key=lambda t: -query.weights[t])
        match.shared = _without_sub_words([query.words[t] for t in ids])[:8]


def _without_sub_words(words: list[str]) -> list[str]:
    """卫生间 rather than 卫生间 and 卫生: cut_for_search indexes both, a reader needs one."""
    return [w for w in words if not any(w != other and w in other for other in words)]
