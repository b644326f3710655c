"""Notification events for the API's outbox (nothing is sent).

``settings`` is the workflow's Civis ``notifications`` object. Every event is a dict::

    {"kind": "email" | "webhook", "reason": "success" | "failure" | "stall" | "cancelled",
     "at": ISO, "executionId", "workflowId", "state": Civis word,
     "to": [addresses] (email), "subject", "body" (email), "url" (webhook)}
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from civis_local.engine.state import civis_state, is_terminal, iso, parse_time


def terminal_events(
    state: dict[str, Any], settings: dict[str, Any] | None, moment: datetime
) -> list[dict[str, Any]]:
    """Success emails when ``successOn``, failure emails when ``failureOn``, and a POST to
    every URL at any terminal state (guess: cancelled too; no email for cancelled)."""
    if not settings:
        return []
    events = []
    word = civis_state(state["mistralState"])
    reason = {"success": "success", "error": "failure"}.get(state["mistralState"], "cancelled")
    # successOn / failureOn default to on, as the platform's form does (guess).
    if reason == "success" and settings.get("successOn", True):
        addresses = settings.get("successEmailAddresses") or []
        subject = settings.get("successEmailSubject") or _subject(state, "succeeded")
        body = settings.get("successEmailBody") or ""
        if addresses:
            events.append(_email(state, moment, "success", addresses, subject, body))
    if reason == "failure" and settings.get("failureOn", True):
        addresses = settings.get("failureEmailAddresses") or []
        body = state.get("mistralStateInfo") or ""
        if addresses:
            events.append(
                _email(state, moment, "failure", addresses, _subject(state, "failed"), body)
            )
    for url in settings.get("urls") or []:
        events.append(
            {**_base(state, moment, reason), "kind": "webhook", "url": url, "state": word}
        )
    return events


def stall_due_at(state: dict[str, Any], settings: dict[str, Any] | None) -> datetime | None:
    """When a stall warning is due: ``stallWarningMinutes`` after the start, once, if the
    execution has not ended by then. Wall-clock minutes, not shortened by the demo speed
    (guess)."""
    minutes = (settings or {}).get("stallWarningMinutes")
    if not minutes or state.get("stallNotified") or is_terminal(state):
        return None
    return parse_time(state["startedAt"]) + timedelta(minutes=minutes)


def stall_event(
    state: dict[str, Any], settings: dict[str, Any], moment: datetime
) -> dict[str, Any]:
    """Stall warnings go to the failure addresses (guess)."""
    minutes = settings.get("stallWarningMinutes")
    body = f"Execution {state['id']} has been running for more than {minutes} minutes."
    addresses = settings.get("failureEmailAddresses") or []
    return _email(state, moment, "stall", addresses, _subject(state, "is stalled"), body)


def _subject(state: dict[str, Any], verb: str) -> str:
    return f"Workflow execution {state['id']} {verb}"


def _base(state: dict[str, Any], moment: datetime, reason: str) -> dict[str, Any]:
    return {
        "reason": reason,
        "at": iso(moment),
        "executionId": state["id"],
        "workflowId": state.get("workflowId"),
        "state": civis_state(state["mistralState"]),
    }


def _email(state, moment, reason, addresses, subject, body) -> dict[str, Any]:
    return {
        **_base(state, moment, reason),
        "kind": "email",
        "to": list(addresses),
        "subject": subject,
        "body": body,
    }
