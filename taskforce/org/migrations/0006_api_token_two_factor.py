from django.db import migrations, models

# Tokens made before the flag existed: the roles that already had to pass two-factor sign-in (and
# administrators) could only make them from a verified session; the data protection officer could not, so
# their tokens stop working and they make new ones after two-factor sign-in.
VERIFIED_ROLES = ["caseworker", "housing_officer", "ward_manager"]


def mark_tokens_made_after_two_factor(apps, schema_editor):
    ApiToken = apps.get_model("taskforce", "ApiToken")
    ApiToken.objects.filter(
        models.Q(user__staff_profile__role__in=VERIFIED_ROLES) | models.Q(user__is_staff=True)
    ).update(two_factor=True)


class Migration(migrations.Migration):
    dependencies = [
        ("taskforce", "0005_access_log_outcome"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="two_factor",
            field=models.BooleanField(
                default=False,
                help_text="Made by a session that proved a second factor, or by a token that was. A role that "
                "must use two-factor sign-in can use only such tokens.",
                verbose_name="made after two-factor sign-in",
            ),
        ),
        migrations.RunPython(mark_tokens_made_after_two_factor, migrations.RunPython.noop),
    ]
