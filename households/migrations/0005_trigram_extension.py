"""pg_trgm for spelling-tolerant name search, on PostgreSQL only (SQLite searches with a rapidfuzz fallback
instead). Django's operation skips other databases going forwards but asks pg_extension going backwards, so
this one skips them both ways."""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgresTrigramExtension(TrigramExtension):
    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("households", "0004_person_links_and_agreed_by")]

    operations = [PostgresTrigramExtension()]
