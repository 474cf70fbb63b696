"""Indexes for every filter of the ledger, and the keyword search's gram indexes (PostgreSQL only; see cases/search.py)."""

from django.conf import settings
from django.db import migrations, models


GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION case_grams(a text, b text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT coalesce(a, '') || ' ' || coalesce(b, '') AS t) s,
         LATERAL (SELECT substr(s.t, i, 1) FROM generate_series(1, length(s.t)) i
                  UNION ALL SELECT substr(s.t, i, 2) FROM generate_series(1, length(s.t) - 1) i) AS grams(g)
    WHERE g NOT LIKE '%% %%'
$$
"""
FORWARD = [
    GRAMS_FUNCTION,
    # Stored, so that rechecking a row reads the grams instead of computing them again.
    "ALTER TABLE cases_case ADD COLUMN search_grams text[] GENERATED ALWAYS AS (case_grams(title, description)) STORED",
    "CREATE INDEX IF NOT EXISTS case_text_grams ON cases_case USING gin (search_grams)",
    "ALTER TABLE cases_party ADD COLUMN search_grams text[] GENERATED ALWAYS AS (case_grams(name, '')) STORED",
    "CREATE INDEX IF NOT EXISTS party_name_grams ON cases_party USING gin (search_grams)",
    "CREATE INDEX IF NOT EXISTS case_number_prefix ON cases_case (number varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS case_number_prefix",
    "DROP INDEX IF EXISTS party_name_grams",
    "ALTER TABLE cases_party DROP COLUMN IF EXISTS search_grams",
    "DROP INDEX IF EXISTS case_text_grams",
    "ALTER TABLE cases_case DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS case_grams(text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite: the search runs as plain LIKEs (cases/search.py)
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_caseevent_kind_note'),
        ('pinggu_center', '0004_second_factor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['level', '-registered_at', '-id'], name='case_level_recent'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['status', '-registered_at', '-id'], name='case_status_recent'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['closure', '-registered_at', '-id'], name='case_closure_recent'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['source', '-registered_at', '-id'], name='case_source_recent'),
        ),
    ]
