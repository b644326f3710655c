"""How the console says things: states, access, schedules, times, the task graph, the timeline.

Pure functions over plain values (dicts from the API or the service module's dataclasses), so
pages and tests can use them without a request or the network. Template tags in
`workflows_app.templatetags.console` wrap them for templates.
"""
