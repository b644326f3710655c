from django.apps import AppConfig


class CivisLocalConfig(AppConfig):
    name = "civis_local"
    verbose_name = "Local Civis API"
