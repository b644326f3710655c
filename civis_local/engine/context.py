"""What every step of the engine needs at hand while it works on one execution."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from civis_local.engine.graph import Graph, build_graph
from civis_local.engine.host import Host
from civis_local.engine.state import iso

# Mistral shows task states in capitals in ``task()``.
_MISTRAL_WORD = {"success": "SUCCESS", "error": "ERROR", "cancelled": "CANCELLED",
                 "running": "RUNNING", "delayed": "RUNNING_DELAYED", "idle": "IDLE",
                 "waiting": "WAITING"}  # fmt: skip


@dataclass
class Execution:
    state: dict[str, Any]
    host: Host
    graph: Graph
    _settings: dict[str, Any] | None = field(default=None, init=False)
    _settings_loaded: bool = field(default=False, init=False)

    @classmethod
    def of(cls, state: dict[str, Any], host: Host) -> Execution:
        graph = build_graph(
            state["definition"], state.get("targetTask"), tuple(state.get("includedTasks") or ())
        )
        return cls(state=state, host=host, graph=graph)

    @property
    def speed(self) -> float:
        return float(self.state.get("speed") or 1.0)

    @property
    def variables(self) -> dict[str, Any]:
        """What ``$.name`` refers to in expressions: the execution input."""
        return self.state.get("input") or {}

    @property
    def paused(self) -> bool:
        return self.state["mistralState"] == "paused"

    @property
    def running(self) -> bool:
        return self.state["mistralState"] == "running"

    def notification_settings(self) -> dict[str, Any] | None:
        if not self._settings_loaded:
            self._settings = self.host.notification_settings(self.state.get("workflowId"))
            self._settings_loaded = True
        return self._settings

    def touch(self, moment: datetime) -> None:
        self.state["updatedAt"] = iso(moment)


def task_view(task: dict[str, Any]) -> dict[str, Any]:
    """What ``task(name)`` gives in an expression (without Mistral's ids and spec)."""
    return {
        "name": task["name"],
        "state": _MISTRAL_WORD.get(task["mistralState"], task["mistralState"].upper()),
        "state_info": task["mistralStateInfo"],
        "result": task.get("result"),
        "published": task.get("published") or {},
    }


def outbound(task: dict[str, Any]) -> dict[str, Any]:
    """A finished task's outbound context: what it saw, plus what it published."""
    return {**(task.get("inContext") or {}), **(task.get("published") or {})}


def expression_scope(ex: Execution, current: dict[str, Any], state: str | None = None):
    """(``$`` data, ``task()`` look-up) for expressions evaluated on behalf of ``current``:
    its outbound context; ``task()`` alone is ``current``, ``task(name)`` the latest task
    execution of that name. ``state`` overrides how ``current`` shows its state."""

    def lookup(name: str | None) -> dict[str, Any] | None:
        if name is None or name == current["name"]:
            view = task_view(current)
            if state:
                view["state"] = state
            return view
        for task in reversed(ex.state["tasks"]):
            if task["name"] == name:
                return task_view(task)
        return None

    return outbound(current), lookup
