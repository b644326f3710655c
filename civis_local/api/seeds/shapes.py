"""Workflow definitions for the seeds: a few realistic graph shapes (chains, fan-out with a
join, error handlers, child workflows, retries, approval pauses, with-items, reverse).
Each shape yields its YAML and the steps the history writer walks through."""

from collections.abc import Callable

from .history import Step

JobMaker = Callable[[str, float], int]  # (task name, duration seconds) -> job id


def _run_job(job_id: int, extra: str = "") -> str:
    return f"      action: civis.run_job\n      input:\n        job_id: {job_id}\n{extra}"


def _next(*names: str, key: str = "on-success") -> str:
    return f"      {key}:\n" + "".join(f"        - {name}\n" for name in names)


def _doc(name: str, tasks: str, kind: str = "direct") -> str:
    return f"version: '2.0'\n{name}:\n  type: {kind}\n  tasks:\n{tasks}"


def linear(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    durations = {"extract": 240, "transform": 420, "load": 180}
    ids = {name: make_job(name, seconds) for name, seconds in durations.items()}
    tasks = (
        "    extract:\n" + _run_job(ids["extract"], "      on-success:\n        - transform\n")
        + "    transform:\n" + _run_job(ids["transform"], "      on-success:\n        - load\n")
        + "    load:\n" + _run_job(ids["load"])
    )  # fmt: skip
    return _doc("etl", tasks), [Step(n, ids[n], duration=d) for n, d in durations.items()]


def fanout(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    durations = {"extract": 200, "clean_voters": 300, "clean_donors": 260, "merge": 120,
                 "publish": 60}  # fmt: skip
    ids = {name: make_job(name, seconds) for name, seconds in durations.items()}
    tasks = (
        "    extract:\n"
        + _run_job(ids["extract"], _next("clean_voters", "clean_donors"))
        + "    clean_voters:\n" + _run_job(ids["clean_voters"], _next("merge"))
        + "    clean_donors:\n" + _run_job(ids["clean_donors"], _next("merge"))
        + "    merge:\n" + _run_job(ids["merge"], "      join: all\n" + _next("publish"))
        + "    publish:\n" + _run_job(ids["publish"])
    )  # fmt: skip
    return _doc("fan_out_and_join", tasks), [
        Step(n, ids[n], duration=d, alongside=n == "clean_donors", join=n == "merge")
        for n, d in durations.items()
    ]


def handled(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    score = make_job("score_universe", 900)
    publish = make_job("publish_scores", 120)
    tasks = (
        "    score_universe:\n"
        + _run_job(score, _next("publish_scores") + _next("alert_team", key="on-error"))
        + "    publish_scores:\n" + _run_job(publish)
        + "    alert_team:\n      action: std.echo\n      input:\n        output: scoring failed\n"
    )  # fmt: skip
    steps = [
        Step("score_universe", score, duration=900, handler="alert_team"),
        Step("publish_scores", publish, duration=120),
    ]
    return _doc("score_with_alert", tasks), steps


def child(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    prepare = make_job("prepare_inputs", 120)
    summarize = make_job("summarize", 90)
    tasks = (
        "    prepare_inputs:\n" + _run_job(prepare, "      on-success:\n        - run_pipeline\n")
        + "    run_pipeline:\n      action: civis.workflows.execute\n      input:\n"
        + f"        workflow_id: {child_id}\n      on-success:\n        - summarize\n"
        + "    summarize:\n" + _run_job(summarize)
    )  # fmt: skip
    steps = [
        Step("prepare_inputs", prepare, duration=120),
        Step("run_pipeline", child_workflow_id=child_id, duration=600),
        Step("summarize", summarize, duration=90),
    ]
    return _doc("parent_pipeline", tasks), steps


def retrying(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    fetch = make_job("fetch_vendor_file", 150)
    load = make_job("load_vendor_file", 200)
    tasks = (
        "    fetch_vendor_file:\n"
        + _run_job(fetch, "      retry:\n        count: 2\n        delay: 60\n"
                   "      on-success:\n        - load_vendor_file\n")
        + "    load_vendor_file:\n" + _run_job(load)
    )  # fmt: skip
    steps = [
        Step("fetch_vendor_file", fetch, duration=150, retries=2, retry_delay=60),
        Step("load_vendor_file", load, duration=200),
    ]
    return _doc("vendor_import", tasks), steps


def approval(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    build = make_job("build_report", 300)
    publish = make_job("publish_report", 60)
    tasks = (
        "    build_report:\n" + _run_job(build, "      on-success:\n        - publish_report\n")
        + "    publish_report:\n" + _run_job(publish, "      pause-before: true\n")
    )  # fmt: skip
    steps = [
        Step("build_report", build, duration=300),
        Step("publish_report", publish, duration=60),
    ]
    return _doc("report_with_approval", tasks), steps


def items(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    export = make_job("export_state", 180)
    tasks = (
        "    export_state:\n      with-items: state in <% $.states %>\n"
        "      concurrency: 2\n" + _run_job(export)
    )  # fmt: skip
    definition = _doc("per_state_exports", tasks).replace(
        "  tasks:\n", "  input:\n    - states: ['IA', 'NH', 'NV', 'SC']\n  tasks:\n", 1
    )  # the states are an input with a default, which the engine can read
    return definition, [Step("export_state", export, duration=180, items=4)]


def reverse(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    raw = make_job("load_raw", 200)
    model = make_job("fit_model", 700)
    tasks = (
        "    load_raw:\n" + _run_job(raw)
        + "    fit_model:\n" + _run_job(model, "      requires: [load_raw]\n")
    )  # fmt: skip
    steps = [Step("load_raw", raw, duration=200), Step("fit_model", model, duration=700)]
    return _doc("model_build", tasks, "reverse"), steps


def single(make_job: JobMaker, child_id: int | None = None) -> tuple[str, list[Step]]:
    job = make_job("sync_table", 120)
    return _doc("sync", "    sync_table:\n" + _run_job(job)), [
        Step("sync_table", job, duration=120)
    ]


SHAPES = {
    "linear": linear,
    "fanout": fanout,
    "handled": handled,
    "child": child,
    "retry": retrying,
    "approval": approval,
    "items": items,
    "reverse": reverse,
    "single": single,
}
