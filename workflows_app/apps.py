from django.apps import AppConfig


class WorkflowsAppConfig(AppConfig):
    name = "workflows_app"
    verbose_name = "Workflows console"

    def ready(self) -> None:
        from workflows_app.audit import record as audit

        audit.install()
