"""Writes the audit log: the service module reports every mutating upstream call here."""

from .civis import audit as civis_audit
from .models import AuditEntry, CivisAccount

OUTCOMES = {"success": AuditEntry.Outcome.SUCCEEDED, "failure": AuditEntry.Outcome.FAILED}


def write_entry(event: civis_audit.AuditEvent) -> None:
    account = (
        CivisAccount.objects.filter(civis_user_id=event.actor_id).select_related("user").first()
        if event.actor_id is not None
        else None
    )
    AuditEntry.objects.create(
        actor=account.user if account else None,
        actor_civis_id=event.actor_id,
        actor_name=account.name if account else "",
        action=event.action,
        object_type=event.object_type,
        object_id="" if event.object_id is None else str(event.object_id),
        outcome=OUTCOMES[event.outcome],
        upstream_status=event.upstream_status,
        detail=", ".join(f"{name}: {value}" for name, value in sorted(event.detail.items()))[:2000],
    )


def install() -> None:
    civis_audit.set_recorder(write_entry)
