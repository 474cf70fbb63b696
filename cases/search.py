"""Keyword search of the ledger: case number (exact or prefix), title, description and party names.

Chinese has no spaces between words, so PostgreSQL indexes every one- and two-character gram of the text
(the stored column `search_grams` = `case_grams(title || ' ' || party_names, description)`, GIN-indexed,
migrations 0009 and 0019; the case keeps its parties' names in `party_names`): a word is looked up as
the grams it is made of — one gram for a word of one or two characters, its bigrams for a longer one — and
rechecked with LIKE. Unlike pg_trgm it serves words of one and two characters, the most common length in
Chinese, and it does not depend on the database's locale (pg_trgm finds no trigrams at all in Chinese text
under the C locale). Elsewhere (SQLite, the embedded default) the same filter runs as plain LIKEs.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Case

MAX_LENGTH = 50
NUMBER = re.compile(r"[A-Za-z]{2,}-[A-Za-z0-9-]*")


def grams(word: str) -> list[str]:
    """The grams that every text holding `word` holds too."""
    if len(word) <= 2:
        found = {word}
    else:
        found = {word[i : i + 2] for i in range(len(word) - 1)}
    return sorted(gram for gram in found if not any(char.isspace() for char in gram))  # as the index keeps them


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def ids_any(*querysets: QuerySet, column: str = "case_id") -> RawSQL:
    """`cases_case.id = ANY(ARRAY(<ids>))`, the ids of all the querysets together: unlike IN (subquery) it is served
    by the primary key inside an OR, and one array is probed by the primary key's index alone (a count reads no
    case row)."""
    parts = [queryset.values(column).order_by().query.sql_with_params() for queryset in querysets]  # sets: no sort
    sql = " UNION ALL ".join(f"({part_sql})" for part_sql, _params in parts)
    params = tuple(param for _sql, part_params in parts for param in part_params)
    table = Case._meta.db_table
    return RawSQL(f'"{table}"."id" = ANY(ARRAY({sql}))', params, output_field=BooleanField())


def search(queryset: QuerySet[Case], keyword: str, *, one_village: bool = False) -> QuerySet[Case]:
    """The cases matching `keyword`, in the queryset's own order (the ledger's: most recent first).

    `one_village`: the queryset holds one village's cases (a few thousand at most). The village's own index then
    serves the search better than the grams, which for a common word list a tenth of the district's cases.
    """
    word = keyword.strip()[:MAX_LENGTH]
    if not word:
        return queryset
    number = word.upper()
    if NUMBER.fullmatch(word):  # "PG-YK-2026-0004": a case number or its beginning, nothing else
        return queryset.filter(number__startswith=number)
    if connection.vendor != "postgresql":
        return queryset.filter(
            Q(number__startswith=number) | Q(title__contains=word) | Q(description__contains=word)
            | Q(party_names__contains=word)
        )
    table = Case._meta.db_table
    like = _like(word)
    prefix = _like(number)[1:]  # "PG-YK%": a prefix, served by the number's pattern index
    texts = f'("{table}"."title" LIKE %s OR "{table}"."description" LIKE %s OR "{table}"."party_names" LIKE %s)'
    if one_village:
        # Every case of the village is read, in the ledger's order, until enough match.
        sql = f'("{table}"."number" LIKE %s OR {texts})'
        params = [prefix, like, like, like]
    else:
        # Each arm of the OR has its own index, so PostgreSQL can OR the bitmaps, or walk the recency index for a
        # word so common that the first matches come soon. The LIKEs recheck the rows the grams found: as a CASE
        # the planner gives them a constant share instead of multiplying the grams' share by their own as if they
        # were independent, which took a surname on one case in twenty for one in four hundred and read all its
        # thousands of cases through a bitmap (17 ms at 100,000 cases, 2 ms in the recency order).
        sql = (
            f'("{table}"."number" LIKE %s OR CASE WHEN {texts} THEN true ELSE false END'
            f' AND "{table}"."search_grams" @> %s::text[])'
        )
        params = [prefix, like, like, like, grams(word)]
    return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))
