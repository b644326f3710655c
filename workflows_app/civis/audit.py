"""The audit hook: every mutating call of the client reports here, whether it worked or not.

The client calls `record(...)`; by default that does nothing. The console points it at the
audit-log model once, at start-up (e.g. in an `AppConfig.ready`)::

    from workflows_app.civis import audit
    audit.set_recorder(write_audit_row)   # write_audit_row(event: AuditEvent) -> None

A recorder that raises is logged and ignored, so a broken audit write never turns an upstream
success into an error page (and never hides an upstream failure either).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

logger = logging.getLogger(__name__)

Outcome = Literal["success", "failure"]


@dataclass(frozen=True)
class AuditEvent:
    """Who did what to which object, and how it went upstream.

    `action` is the reference method name (`put_transfer`, `post_executions_cancel`, ...);
    `upstream_status` is None when no answer came back (timeout, connection error);
    `detail` holds ids and levels, and of a workflow edit the fields named and the values of
    its schedule, time zone and email recipients (never the key, never free text from the
    person such as a name, a definition or an email's body).
    `object_name` is the object's name when the change was made, and `names` the names of the
    people and groups the detail's ids point at ("user:5" -> "Dmitri Volkov"), as far as the
    client has seen them (from the call itself or an earlier answer); empty when not known.
    """

    action: str
    object_type: str
    object_id: int | None
    outcome: Outcome
    upstream_status: int | None
    actor_id: int | None
    detail: Mapping[str, Any] = field(default_factory=dict)
    object_name: str = ""
    names: Mapping[str, str] = field(default_factory=dict)


Recorder = Callable[[AuditEvent], None]


def _no_op(event: AuditEvent) -> None:
    """The default recorder, until the console installs the audit-log model's."""


_recorder: Recorder = _no_op


def set_recorder(recorder: Recorder | None) -> Recorder:
    """Install `recorder` (None restores the no-op); returns the previous one (for tests)."""
    global _recorder
    previous = _recorder
    _recorder = recorder or _no_op
    return previous


def record(
    action: str,
    object_type: str,
    object_id: int | None,
    outcome: Outcome,
    upstream_status: int | None,
    actor_id: int | None,
    detail: Mapping[str, Any] | None = None,
    *,
    object_name: str = "",
    names: Mapping[str, str] | None = None,
) -> None:
    """Hand one event to the installed recorder; never raises."""
    event = AuditEvent(
        action,
        object_type,
        object_id,
        outcome,
        upstream_status,
        actor_id,
        dict(detail or {}),
        object_name,
        dict(names or {}),
    )
    try:
        _recorder(event)
    except Exception:
        logger.exception("audit recorder failed for %s on %s %s", action, object_type, object_id)
