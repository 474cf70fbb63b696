"""The parties' names on the case, and in the case's search grams: a party's name is found in the case's own row.

Before, a name was looked up in the parties' own gram index and its cases then fetched one by one by key, all of
them, to put them in the ledger's order: a common name cost a thousand fetches, a common surname fifty thousand.
Now the case's grams cover its title, description and parties' names, and one index serves the whole search.

On PostgreSQL the stored column `search_grams` cannot change its expression in place: it is dropped, the names are
written, and it is added again with the names in it (one pass over the case table, grams computed once).
"""

from django.db import migrations, models

NAMES_OF_PARTIES = "SELECT case_id, string_agg(name, ' ' ORDER BY id) AS names FROM cases_party GROUP BY case_id"

FORWARD = [
    "DROP INDEX IF EXISTS case_text_grams",
    "ALTER TABLE cases_case DROP COLUMN IF EXISTS search_grams",
    f"UPDATE cases_case c SET party_names = p.names FROM ({NAMES_OF_PARTIES}) p WHERE p.case_id = c.id",
    "ALTER TABLE cases_case ADD COLUMN search_grams text[]"
    " GENERATED ALWAYS AS (case_grams(title || ' ' || party_names, description)) STORED",
    "CREATE INDEX case_text_grams ON cases_case USING gin (search_grams)",
    "DROP INDEX IF EXISTS party_name_grams",
    "ALTER TABLE cases_party DROP COLUMN IF EXISTS search_grams",
]
BACKWARD = [
    "ALTER TABLE cases_party ADD COLUMN search_grams text[] GENERATED ALWAYS AS (case_grams(name, '')) STORED",
    "CREATE INDEX party_name_grams ON cases_party USING gin (search_grams)",
    "DROP INDEX IF EXISTS case_text_grams",
    "ALTER TABLE cases_case DROP COLUMN IF EXISTS search_grams",
    "ALTER TABLE cases_case ADD COLUMN search_grams text[] GENERATED ALWAYS AS (case_grams(title, description)) STORED",
    "CREATE INDEX case_text_grams ON cases_case USING gin (search_grams)",
]


def _run(statements):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            if statements is FORWARD:
                schema_editor.execute(
                    "UPDATE cases_case SET party_names = coalesce("
                    "(SELECT group_concat(name, ' ') FROM cases_party WHERE case_id = cases_case.id), '')"
                )
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0018_department_filter_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='party_names',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='当事人姓名'),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
