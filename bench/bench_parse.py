"""How long the service module takes to turn the upstream's JSON into typed objects: a 50-row
`GET /workflows` page, and (for the detail pages) one `GET /workflows/{id}` plus one
`GET /workflows/{id}/executions/{id}` with its tasks and their runs.

The JSON is civis_local's own answers on the demo seed, captured once into
`bench/parse_answers.json` (`--capture` refreshes it from a fresh civis_local). Prints the
median of several rounds:

    parse_50_workflows_ms     the 50-row list page
    parse_detail_ms           one workflow in full plus one execution with its tasks

    .venv/bin/python bench/bench_parse.py [--rounds 30] [--types path/to/types.py] [--capture]

`--types` times another copy of the typed results (for example the previous commit's
`git show HEAD~1:workflows_app/civis/types.py > /tmp/old_types.py`), so a change to the
parsing can be measured before and after on the same answers.
"""

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWERS = Path(__file__).resolve().parent / "parse_answers.json"
PAGE_SIZE = 50


def capture() -> dict[str, Any]:
    """A 50-row list page, the first row's workflow in full, and the execution with the most
    task runs among the first rows' latest executions, as civis_local answers the admin."""
    import requests

    from tests.conftest import LocalApi

    with tempfile.TemporaryDirectory() as tmp:
        api = LocalApi(Path(tmp))
        try:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {api.admin_key}"

            def get(path: str, **params: Any) -> Any:
                response = session.get(api.url + path, params=params, timeout=30)
                response.raise_for_status()
                return response.json()

            page = get("workflows", limit=PAGE_SIZE)
            best: tuple[int, Any] = (-1, None)
            for row in page[:20]:
                for summary in get(f"workflows/{row['id']}/executions", limit=3):
                    execution = get(f"workflows/{row['id']}/executions/{summary['id']}")
                    runs = sum(len(t.get("runs") or ()) for t in execution.get("tasks") or ())
                    if runs > best[0]:
                        best = (runs, execution)
            workflow = get(f"workflows/{page[0]['id']}")
        finally:
            api.stop()
    return {"workflows": page, "workflow": workflow, "execution": best[1]}


def load_types(path: str | None) -> ModuleType:
    if path is None:
        from workflows_app.civis import types

        return types
    spec = importlib.util.spec_from_file_location("bench_parse_types", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def median_ms(work: Callable[[], object], rounds: int) -> float:
    for _ in range(3):  # warm up (imports, validators built lazily)
        work()
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--types", help="a types.py to time instead of the service module's")
    parser.add_argument("--capture", action="store_true", help="refresh the answers first")
    args = parser.parse_args()

    if args.capture or not ANSWERS.exists():
        ANSWERS.write_text(json.dumps(capture(), indent=1, ensure_ascii=False) + "\n")
    answers = json.loads(ANSWERS.read_text())
    page, workflow, execution = answers["workflows"], answers["workflow"], answers["execution"]
    if len(page) != PAGE_SIZE:
        print(f"# the captured page has {len(page)} rows, not {PAGE_SIZE}: run with --capture")
        return 1
    types = load_types(args.types)

    def parse_page() -> object:
        return [types.WorkflowSummary.from_json(row) for row in page]

    def parse_detail() -> object:
        return (
            types.Workflow.from_json(workflow),
            types.Execution.from_json(execution, workflow_id=workflow["id"]),
        )

    parsed = parse_page()
    assert [w.id for w in parsed] == [row["id"] for row in page]  # type: ignore[attr-defined]
    tasks = execution.get("tasks") or []
    runs = sum(len(t.get("runs") or ()) for t in tasks)
    print(f"# {args.types or 'workflows_app.civis.types'}; median of {args.rounds} rounds")
    print(f"# detail: one workflow, one execution with {len(tasks)} tasks and {runs} runs")
    print(f"parse_50_workflows_ms: {median_ms(parse_page, args.rounds):.3f}")
    print(f"parse_detail_ms: {median_ms(parse_detail, args.rounds):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
