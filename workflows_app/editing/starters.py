"""Starter definitions offered on the create page. Each one is valid and runs as it is; the
placeholders (`std.noop`, job 1234) are there to be replaced."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Starter:
    key: str
    title: str
    words: str
    definition: str


STARTERS = (
    Starter(
        "steps",
        "Three steps, one after another",
        "Placeholders for extract, clean and load: each runs after the one before works.",
        """version: "2.0"
workflow:
  tasks:
    extract:
      action: std.noop
      on-success:
        - clean
    clean:
      action: std.noop
      on-success:
        - load
    load:
      action: std.noop
""",
    ),
    Starter(
        "job",
        "Run one job",
        "One task that runs a job of yours: put its ID in place of 1234.",
        """version: "2.0"
workflow:
  tasks:
    run_the_job:
      action: civis.run_job
      input:
        job_id: 1234
""",
    ),
    Starter(
        "on_failure",
        "A job, and a step if it fails",
        "Runs a job; if it fails, a second task runs (to tidy up or tell someone).",
        """version: "2.0"
workflow:
  tasks:
    main_job:
      action: civis.run_job
      input:
        job_id: 1234
      on-error:
        - when_it_fails
    when_it_fails:
      action: std.noop
""",
    ),
)

BY_KEY = {starter.key: starter for starter in STARTERS}
