"""Triage: the front page that says what needs you, failure episodes, watching workflows, and
the refresh engine that everything here reads.

- `engine`: the refresh engine (Celery beat, `triage.refresh`): each workflow of interest is
  read ONCE per interval however many people watch it, as one person entitled to read it
  (a `SessionKey` row of a live session, as the live execution poller does); a workflow with
  a run in progress is read more often. What it reads is kept in `TrackedWorkflow` and
  `TrackedRun` rows, compared with what it read before, and turned into episodes and notices.
- `episodes`: failure episodes: opened by the first failed run, closed by the next success
  ("recovered at ..."), acknowledged with a note until they get worse, and undone.
- `watch`: who watches what and how (every finish, failures and recovery, nothing); each
  person's own workflows are watched by default.
- `access`: who may still be told about a workflow (shares, groups, or their own key).
- `sections`: the lists of the front page, from the console's own tables plus one round of
  concurrent reads as the viewer (their access level decides, e.g. who may resume a run).
- `tasks`, `urls`, `views`, `forms`: the Celery tasks and the pages.
"""
