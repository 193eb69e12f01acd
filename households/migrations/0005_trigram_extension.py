"""pg_trgm for spelling-tolerant name search. Django's operation does nothing on other databases (SQLite
searches with a rapidfuzz fallback instead)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("households", "0004_person_links_and_agreed_by")]

    operations = [TrigramExtension()]
