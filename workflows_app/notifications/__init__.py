"""The notification centre: one inbox per person of what happened to what they watch (failures,
recoveries, runs waiting for approval, schedules that did not start, runs running long) and the
summaries of their bulk jobs; the unread count in the navigation; and email, straight away or in
one daily digest at a time the person chooses.

- `inbox`: `notify()` (the one way a notice is made), counts, marking read, the context
  processors (the nav count, and the bulk summaries shown once on the next page).
- `email`: sending a notice at once, and the daily digests (absolute links back to the console).
- `tasks`: the Celery beat task that sends digests that are due.
"""
