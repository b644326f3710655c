from django.apps import AppConfig


class CivisLocalApiConfig(AppConfig):
    """The local Civis API's models and views; installed only by civis_local.settings."""

    name = "civis_local.api"
    label = "civis_local_api"
    default_auto_field = "django.db.models.BigAutoField"
