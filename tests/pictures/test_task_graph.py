"""Reading tasks and links out of Mistral v2 definitions."""

import pytest

from workflows_app.pictures.task_graph import TaskGraphError, parse_task_graph

DIRECT = """
version: '2.0'
nightly:
  type: direct
  input: [day]
  tasks:
    extract:
      action: civis.run_job
      on-success:
        - transform
        - notify: <% $.notify %>
      on-error: fail
    transform:
      on-error:
        - fail msg="transform broke"
        - cleanup
      on-complete: [load, noop]
    load:
      join: all
      on-success: succeed
    notify:
      action: std.noop
      on-success: pause
    cleanup: {}
"""


def edges(graph):
    return [(e.source, e.target, e.kind) for e in graph.edges]


def test_direct_workflow_tasks_and_links_in_the_order_written():
    graph = parse_task_graph(DIRECT)
    assert graph.name == "nightly"
    assert graph.type == "direct"
    assert [n.name for n in graph.nodes] == ["extract", "transform", "load", "notify", "cleanup"]
    assert edges(graph) == [
        ("extract", "transform", "success"),
        ("extract", "notify", "success"),
        ("transform", "cleanup", "error"),
        ("transform", "load", "complete"),
    ]


def test_engine_commands_are_not_tasks_and_guards_are_kept():
    graph = parse_task_graph(DIRECT)
    names = {n.name for n in graph.nodes}
    assert not names & {"fail", "succeed", "pause", "noop"}
    guard = next(e.guard for e in graph.edges if e.target == "notify")
    assert guard == "<% $.notify %>"


def test_start_tasks_join_and_action_are_read():
    nodes = {n.name: n for n in parse_task_graph(DIRECT).nodes}
    assert [name for name, node in nodes.items() if node.starts] == ["extract"]
    assert nodes["load"].join == "all"
    assert nodes["extract"].action == "civis.run_job"
    assert [e.target for e in nodes["extract"].outgoing] == ["transform", "notify"]


def test_reverse_workflows_link_through_requires():
    graph = parse_task_graph(
        """
version: '2.0'
report:
  type: reverse
  tasks:
    fetch: {action: std.noop}
    clean: {requires: fetch}
    publish:
      requires: [clean, fetch]
"""
    )
    assert graph.type == "reverse"
    assert edges(graph) == [
        ("fetch", "clean", "requires"),
        ("clean", "publish", "requires"),
        ("fetch", "publish", "requires"),
    ]
    assert [n.name for n in graph.nodes if n.starts] == ["fetch"]


def test_keys_at_the_top_level_and_workbooks_are_read():
    top = parse_task_graph("version: '2.0'\ntasks:\n  a:\n    on-success: b\n  b: {}\n")
    assert edges(top) == [("a", "b", "success")]
    book = parse_task_graph(
        "version: '2.0'\nworkflows:\n  wf:\n    tasks:\n      a:\n        on-error: [b]\n      b:\n"
    )
    assert book.name == "wf"
    assert edges(book) == [("a", "b", "error")]


def test_newer_next_syntax_and_unknown_targets():
    graph = parse_task_graph(
        """
wf:
  tasks:
    a:
      on-success:
        publish: {x: 1}
        next: [b, missing_task]
    b: {}
"""
    )
    assert edges(graph) == [("a", "b", "success")]


def test_cycles_and_self_links_are_kept():
    graph = parse_task_graph(
        "wf:\n  tasks:\n    a:\n      on-error: [a]\n      on-success: [b]\n"
        "    b:\n      on-error: [a]\n"
    )
    assert edges(graph) == [("a", "b", "success"), ("a", "a", "error"), ("b", "a", "error")]


@pytest.mark.parametrize(
    "text",
    [
        "wf: [unclosed",
        "just a string",
        "version: '2.0'\nwf:\n  description: no tasks here\n",
        "wf:\n  tasks: {}\n",
        "",
        "- a list\n- not a workflow\n",
    ],
)
def test_definitions_we_cannot_read_raise_a_clear_error(text):
    with pytest.raises(TaskGraphError):
        parse_task_graph(text)


def test_yaml_tags_that_would_build_python_objects_are_refused():
    with pytest.raises(TaskGraphError):
        parse_task_graph("wf: !!python/object/apply:os.system ['true']\n")


def test_policies_that_change_how_a_task_runs_are_noted_in_words():
    graph = parse_task_graph(
        """
wf:
  tasks:
    a:
      pause-before: true
      retry: {count: 3, delay: 10}
      timeout: 600
    b:
      wait-before: 30
      with-items: x in <% $.xs %>
      retry: {count: 1}
    c: {retry: "<% $.n %>"}
"""
    )
    notes = {node.name: node.notes for node in graph.nodes}
    assert notes["a"] == (
        "pauses for someone to resume it before it starts",
        "tries again up to 3 times if it fails",
        "stops with an error after 600 s",
    )
    assert notes["b"] == (
        "waits 30 s before it starts",
        "tries again once if it fails",
        "runs once for each item",
    )
    assert notes["c"] == ()
