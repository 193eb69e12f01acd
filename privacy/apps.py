from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The data protection officer's workspace: the access log and its probing alert, break-glass reviews,
    subject access requests, retention (erasure and anonymisation) and information-sharing agreements."""

    name = "privacy"
    verbose_name = "Data protection"
