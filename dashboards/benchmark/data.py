"""Bulk rows written with PostgreSQL's generate_series: a million cases in a minute, not an hour of ORM saves.

The rows are plausible, not pretty: every village, category, status and closure, five years of dates,
three timeline events per case, one party each, a whistle with two summoned departments on one joint case in
ten, and households with two years of visits. As in a real district, only cases of the last two months are
still open.
"""

from __future__ import annotations

import time

from django.db import connection

from cases import services, tally, tally_departments  # noqa: F401 - services first: the report's services import it
from cases.mediation_report.services import rebuild_tallies
from pinggu_center import freshness
from visits import tally as visit_tally

CASES_SQL = """
WITH villages AS (
    SELECT c.id AS center_id, c.division_id, row_number() OVER (ORDER BY c.id) - 1 AS n FROM pinggu_center_center c
), categories AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM cases_category
)
INSERT INTO cases_case (
    number, center_id, division_id, level, holder_id, status, source, kind, category_id, title, description,
    party_names, location_text, urgency, rights_informed, accepted_elsewhere, reserved_by_law, path, legal_method, legal_basis,
    closure, outcome, summary, closed_at, registered_at, level_since, responded_at, response_due, resolution_due,
    extension_consent, version, hotline_request_hash, public_token, escalated_at, satisfaction
)
SELECT
    'BM-' || i, v.center_id, v.division_id, 'village', v.division_id,
    CASE WHEN (i %% 1825 >= 60 OR i %% 20 < 17) THEN 'closed' WHEN i %% 20 = 17 THEN 'handling' WHEN i %% 20 = 18 THEN 'registered'
         ELSE 'transferred' END,
    (ARRAY['reception','visit','hotline','grid','petition','online','other'])[1 + i %% 7],
    'dispute', c.id, (ARRAY[%(titles)s])[1 + i %% 16] || ' ' || i,
    '双方因' || (ARRAY[%(titles)s])[1 + (i / 16) %% 16] || '到中心说事，第' || (i %% 997) || '号。',
    (ARRAY[%(surnames)s])[1 + i %% 20] || (ARRAY[%(given)s])[1 + (i / 20) %% 50], '', 'normal', true, false, false,
    CASE WHEN i %% 1825 < 60 AND i %% 20 = 18 THEN '' ELSE (ARRAY['direct','joint','legal'])[1 + i %% 3] END, '', '',
    CASE WHEN (i %% 1825 >= 60 OR i %% 20 < 17) THEN 'archive' WHEN i %% 20 = 19 THEN 'transfer' ELSE '' END,
    CASE WHEN (i %% 1825 >= 60 OR i %% 20 < 17) THEN (ARRAY['resolved','resolved','resolved','unresolved','withdrawn'])[1 + i %% 5]
         ELSE '' END,
    CASE WHEN (i %% 1825 >= 60 OR i %% 20 < 17) THEN '基准归档总结' ELSE '' END,
    CASE WHEN (i %% 1825 >= 60 OR i %% 20 < 17) THEN t.at + interval '5 days' END,
    t.at, t.at, t.at + interval '3 hours', t.at + interval '1 day', t.at + interval '14 days',
    '', 1, '', md5(i::text),
    CASE WHEN i %% 10 = 0 THEN t.at + interval '2 days' END,
    CASE WHEN (i %% 1825 >= 60 OR i %% 20 < 17) AND i %% 3 = 0 THEN (ARRAY['satisfied','satisfied','basically','unsatisfied'])[1 + i %% 4]
         ELSE '' END
FROM generate_series(1, %(cases)s) AS i
JOIN villages v ON v.n = i %% 311
JOIN categories c ON c.n = i %% (SELECT count(*) FROM cases_category)
CROSS JOIN LATERAL (SELECT now() - (i %% 1825) * interval '1 day' - (i %% 86400) * interval '1 second' AS at) t
"""

# Plausible text for the keyword search: a matter per category, and 1,000 different party names.
TITLES = ["楼上漏水纠纷", "宅基地边界争议", "土地承包纠纷", "邻里噪音扰民", "婚姻家庭矛盾", "劳务欠薪", "合同货款纠纷",
          "道路交通事故赔偿", "物业服务费争议", "环境污染投诉", "消费退货纠纷", "医疗费用争议", "山林权属争议",
          "征地补偿诉求", "村务公开诉求", "其他矛盾"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
GIVEN = ["秀兰", "桂英", "建国", "国强", "淑珍", "志强", "玉兰", "明", "伟", "芳", "秀英", "建华", "红梅", "海燕",
         "丽", "军", "勇", "艳", "杰", "娟", "涛", "超", "敏", "静", "磊", "洋", "强", "平", "刚", "桂兰",
         "德明", "文华", "春生", "金凤", "永福", "长林", "凤兰", "树林", "玉珍", "宝山",
         "振华", "桂珍", "福生", "秀珍", "学文", "庆丰", "翠花", "国华", "瑞芳", "海涛"]


def _array(words: list[str]) -> str:
    return ", ".join("'" + word + "'" for word in words)


CASES_SQL = (
    CASES_SQL.replace("%(titles)s", _array(TITLES))
    .replace("%(surnames)s", _array(SURNAMES)).replace("%(given)s", _array(GIVEN))
)

EVENTS_SQL = """
INSERT INTO cases_caseevent (case_id, kind, at, level, from_status, to_status, from_level, to_level, note, automatic)
SELECT c.id, k.kind, c.registered_at + k.n * interval '1 day', 'village', '', '', '', '', '', false
FROM cases_case c
CROSS JOIN (VALUES (0, 'registered'), (1, 'path_chosen'), (5, 'archived')) AS k(n, kind)
WHERE c.number LIKE 'BM-%%' AND c.registered_at + k.n * interval '1 day' < now()
"""

PARTIES_SQL = """
INSERT INTO cases_party (case_id, role, name, phone, id_number, address)
SELECT c.id, 'applicant', c.party_names, '138' || lpad((c.id %% 100000000)::text, 8, '0'), '', ''
FROM cases_case c WHERE c.number LIKE 'BM-%%'
"""

# The people's-mediation report fields of every archived, mediated dispute, counted where and when it closed.
MEDIATION_SQL = """
INSERT INTO mediation_report_mediationrecord (
    case_id, succeeded, agreement_form, oral_terms, amount, people, suicide, suicide_people, criminal,
    criminal_people, fight, fight_people, petition, petition_people, counted, unit_id, town_id, month, category_id,
    updated_at
)
SELECT c.id, c.outcome = 'resolved',
    CASE WHEN c.outcome <> 'resolved' THEN 'none' WHEN c.id %% 3 = 0 THEN 'oral' ELSE 'written' END,
    CASE WHEN c.outcome = 'resolved' AND c.id %% 3 = 0 THEN '口头约定赔偿。' ELSE '' END,
    CASE WHEN c.id %% 4 = 0 THEN NULL ELSE (c.id %% 500) * 100 END, 1 + c.id %% 5,
    c.id %% 97 = 0, CASE WHEN c.id %% 97 = 0 THEN 1 ELSE 0 END,
    c.id %% 29 = 0, CASE WHEN c.id %% 29 = 0 THEN 1 ELSE 0 END,
    c.id %% 211 = 0, CASE WHEN c.id %% 211 = 0 THEN 1 ELSE 0 END,
    c.id %% 101 = 0, CASE WHEN c.id %% 101 = 0 THEN 1 ELSE 0 END,
    true, c.holder_id, d.parent_id, date_trunc('month', c.closed_at AT TIME ZONE 'Asia/Shanghai')::date,
    c.category_id, now()
FROM cases_case c JOIN pinggu_center_division d ON d.id = c.holder_id
WHERE c.number LIKE 'BM-%%' AND c.status = 'closed' AND c.closure = 'archive' AND c.kind = 'dispute'
  AND c.outcome IN ('resolved', 'unresolved')
"""

# One joint case in ten blew the whistle (the demo's first user blew it) and summoned two departments, which
# reported in and were rated once the case closed: tens of thousands of summonses for the department filter and
# the departments' ranking to be read at scale.
WHISTLES_SQL = """
INSERT INTO cases_whistle (case_id, matter, report_in_due, blown_at, blown_by_id)
SELECT c.id, '基准吹哨', c.registered_at + interval '3 days', c.registered_at + interval '1 day',
       (SELECT min(id) FROM pinggu_center_user)
FROM cases_case c WHERE c.number LIKE 'BM-%%' AND c.path = 'joint' AND c.id %% 10 = 1
"""

SUMMONS_SQL = """
WITH departments AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM pinggu_center_department
), total AS (SELECT count(*) AS n FROM pinggu_center_department)
INSERT INTO cases_summons (
    whistle_id, department_id, reported_at, reported_by_id, report_note, attended, rating, rating_comment, rated_at
)
SELECT w.id, d.id,
       CASE WHEN c.status = 'closed' THEN w.blown_at + (w.id %% 72) * interval '1 hour' END, NULL, '',
       c.status = 'closed', CASE WHEN c.status = 'closed' THEN 1 + (w.id + k) %% 5 END, '',
       CASE WHEN c.status = 'closed' THEN w.blown_at + interval '4 days' END
FROM cases_whistle w JOIN cases_case c ON c.id = w.case_id
CROSS JOIN total CROSS JOIN generate_series(0, 1) AS k
JOIN departments d ON d.n = (w.id + k * 7) %% total.n
WHERE c.number LIKE 'BM-%%' AND total.n > 7
"""

HOUSEHOLDS_SQL = """
INSERT INTO visits_household (division_id, address, head_name, name_initials, phone, members_count, tags, created_at)
SELECT d.id, '基准地址' || h, '户主' || h, 'hz' || h, '', 3, '[]'::jsonb, now()
FROM pinggu_center_division d CROSS JOIN generate_series(1, %(per_village)s) AS h
WHERE d.level = 'village'
ON CONFLICT DO NOTHING
"""

VISITS_SQL = """
WITH households AS (
    SELECT id, division_id, row_number() OVER (ORDER BY id) - 1 AS n FROM visits_household
), total AS (SELECT count(*) AS n FROM visits_household)
INSERT INTO visits_visit (household_id, division_id, visited_on, mode, raised, category_id, needs_action, created_at)
SELECT h.id, h.division_id, (now() - (i %% 730) * interval '1 day')::date, 'home', '基准走访', NULL, false, now()
FROM generate_series(1, %(visits)s) AS i
CROSS JOIN total
JOIN households h ON h.n = i %% total.n
"""


# The similar-case index of the bulk cases (aids/similar.py): 16 words each from a vocabulary of 20,000 with a
# Zipf-like spread (word rank log-uniform, so the commonest words are in one case in ten or more, as 调解 or 赔偿
# would be), weights as BM25 gives them. The j-th word of a case is drawn from the ranks ≡ j (mod 16), so a case
# never gets a word twice; words get contiguous ids, so a rank maps to an id without a join. The table's indexes
# are dropped for the bulk insert and built again after it, as a restore would.
SIMILAR_VOCABULARY = 20_000
SIMILAR_WORDS_PER_CASE = 16
SIMILAR_TERMS_SQL = """
INSERT INTO aids_similarterm (text, df) SELECT 'bm' || n, 0 FROM generate_series(1, %(vocabulary)s) AS n
ON CONFLICT (text) DO NOTHING
"""
SIMILAR_DOCS_SQL = """
INSERT INTO aids_similardoc (case_id, division_id, category_id, closed, length, fingerprint, summary, terms, indexed_at)
SELECT id, division_id, category_id, status = 'closed', 40, '', summary, '', now() FROM cases_case
WHERE number LIKE 'BM-%%' ON CONFLICT DO NOTHING
"""
SIMILAR_POSTINGS_SQL = """
INSERT INTO aids_similarposting (case_id, term_id, weight, closed, division_id, category_id)
SELECT d.case_id,
       %(first_id)s + (floor(exp(random() * ln(%(vocabulary)s / %(per_case)s)))::int - 1) * %(per_case)s + j,
       0.5 + random() * 1.5, d.closed, d.division_id, d.category_id
FROM aids_similardoc d CROSS JOIN generate_series(0, %(per_case)s - 1) AS j
WHERE d.fingerprint = ''
"""
SIMILAR_COUNTS_SQL = """
UPDATE aids_similarterm t SET df = c.n
FROM (SELECT term_id, count(*) AS n FROM aids_similarposting GROUP BY term_id) c WHERE t.id = c.term_id
"""
SIMILAR_STATS_SQL = """
INSERT INTO aids_similarstats (id, docs, total_length) SELECT 1, count(*), coalesce(sum(length), 0) FROM aids_similardoc
ON CONFLICT (id) DO UPDATE SET docs = EXCLUDED.docs, total_length = EXCLUDED.total_length
"""


def generate_similar_index(stdout) -> None:
    with connection.cursor() as cursor:
        cursor.execute(SIMILAR_TERMS_SQL, {"vocabulary": SIMILAR_VOCABULARY})
        cursor.execute("SELECT min(id), max(id) FROM aids_similarterm WHERE text IN ('bm1', %s)",
                       [f"bm{SIMILAR_VOCABULARY}"])
        first_id, last_id = cursor.fetchone()
        assert last_id - first_id == SIMILAR_VOCABULARY - 1, "bench words must have contiguous ids"
        rebuild = _drop_posting_indexes(cursor)
        for label, sql, params in [
            ("similar-case index rows", SIMILAR_DOCS_SQL, {}),
            ("similar-case postings", SIMILAR_POSTINGS_SQL,
             {"first_id": first_id, "vocabulary": SIMILAR_VOCABULARY, "per_case": SIMILAR_WORDS_PER_CASE}),
            ("similar-case posting indexes", rebuild, {}),
            ("similar-case word counts", SIMILAR_COUNTS_SQL, {}),
            ("similar-case corpus", SIMILAR_STATS_SQL, {}),
        ]:
            started = time.monotonic()
            for statement in sql if isinstance(sql, list) else [sql]:
                cursor.execute(statement, params)
            stdout.write(f"  {label}: {max(cursor.rowcount, 0):,} rows in {time.monotonic() - started:.0f} s")
        # Sets the visibility map too, so the ranking's index-only scans need not visit the table.
        cursor.execute("VACUUM ANALYZE aids_similarposting")
        cursor.execute("ANALYZE aids_similarterm")

LAST_VISIT_SQL = """
UPDATE visits_household h SET last_visited_on = v.latest
FROM (SELECT household_id, max(visited_on) AS latest FROM visits_visit GROUP BY household_id) v
WHERE v.household_id = h.id
"""


def _drop_posting_indexes(cursor) -> list[str]:
    """Drop the postings' primary key and indexes; return the statements that build them again."""
    table = "aids_similarposting"
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints] + [
        definition for _name, definition in indexes
    ]


def generate(*, cases: int, visits: int, households_per_village: int, stdout) -> None:
    with connection.cursor() as cursor:
        for label, sql, params in [
            ("cases", CASES_SQL, {"cases": cases}),
            ("case events", EVENTS_SQL, {}),
            ("parties", PARTIES_SQL, {}),
            ("mediation report records", MEDIATION_SQL, {}),
            ("whistles", WHISTLES_SQL, {}),
            ("summonses", SUMMONS_SQL, {}),
            ("households", HOUSEHOLDS_SQL, {"per_village": households_per_village}),
            ("visits", VISITS_SQL, {"visits": visits}),
            ("households' latest visits", LAST_VISIT_SQL, {}),
        ]:
            cursor.execute(sql, params)
            stdout.write(f"  {label}: {cursor.rowcount:,} rows")
        stdout.write(f"  mediation report counters: {rebuild_tallies():,} rows")
        cursor.execute("ANALYZE")
    generate_similar_index(stdout)
    # The bulk rows bypassed the services, so the counters are rebuilt from scratch (as after an upgrade).
    started = time.monotonic()
    rows = tally.rebuild(log=stdout.write)
    stdout.write(f"  counters: {rows:,} rows rebuilt in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    rows = tally_departments.rebuild() + visit_tally.rebuild(log=stdout.write)
    stdout.write(f"  department and visit counters: {rows:,} rows rebuilt in {time.monotonic() - started:.0f} s")
    freshness.forget_everything()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_casetally")
        cursor.execute("ANALYZE cases_departmenttally")
