"""Bulk work over many workflows (transfer, share, revoke; archive can join later): a job row,
one item row per workflow, Celery tasks that claim items with bounded concurrency, and a
summary for the person who started it when it ends.

- `actions`: what one item does upstream, per kind (the only place that knows the kinds).
- `pace`: job-wide pacing from the rate-limit headers (Retry-After, X-RateLimit-Remaining).
- `runner`: claiming items, writing outcomes, finishing, and recovering from dead workers.
- `jobs`: starting, cancelling and retrying jobs (what views call).
- `candidates`: what a person owns and who could own it next (the wizard's look-ups).
- `notify`: the summary notification (in the notification centre) and email.
- `tasks`: the Celery tasks (thin: plain ids in, service functions do the work).
"""
