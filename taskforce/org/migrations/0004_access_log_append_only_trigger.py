"""On PostgreSQL, refuse UPDATE and DELETE of access-log rows in the database itself.

TRUNCATE (used by test database flushes) fires no row trigger and stays possible for the database owner.
"""

from django.db import migrations

TABLES = ["taskforce_accesslog", "taskforce_accesslogsubject"]

FUNCTION = """
CREATE OR REPLACE FUNCTION taskforce_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION taskforce_access_log_append_only();"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS taskforce_access_log_append_only();")


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0003_access_log_break_glass_api_tokens")]

    operations = [migrations.RunPython(create, drop)]
