"""Service tests keep the audit events in memory: the console's recorder (the audit-log model)
is tested with the audit page; here we only check what the service module reports."""

import pytest

from workflows_app.civis import audit


@pytest.fixture(autouse=True)
def audit_events():
    recorded: list[audit.AuditEvent] = []
    previous = audit.set_recorder(recorded.append)
    yield recorded
    audit.set_recorder(previous)
