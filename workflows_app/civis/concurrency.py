"""Run the independent upstream calls of one page at the same time, so a page costs about its
slowest call rather than the sum. The calls share the client's pooled session (its adapter
keeps up to 16 connections per host), so no extra TLS handshakes are paid.

    workflow, runs, shares = gather(
        lambda: client.get_workflow(42),
        lambda: client.list_executions(42, limit=10),
        lambda: client.list_shares(42),
    )

Results come back in the order of the calls. If any call raises, `gather` raises that error as
soon as it happens (of several at once, the earliest in argument order) without waiting for
the others, and the calls not started yet are dropped.
Calls run in worker threads: keep them to HTTP (no ORM work), and do not nest `gather`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar, overload

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")

MAX_THREADS = 8


@overload
def gather(a: Callable[[], A], /) -> tuple[A]: ...
@overload
def gather(a: Callable[[], A], b: Callable[[], B], /) -> tuple[A, B]: ...
@overload
def gather(a: Callable[[], A], b: Callable[[], B], c: Callable[[], C], /) -> tuple[A, B, C]: ...
@overload
def gather(
    a: Callable[[], A], b: Callable[[], B], c: Callable[[], C], d: Callable[[], D], /
) -> tuple[A, B, C, D]: ...
@overload
def gather(
    a: Callable[[], A],
    b: Callable[[], B],
    c: Callable[[], C],
    d: Callable[[], D],
    e: Callable[[], E],
    /,
) -> tuple[A, B, C, D, E]: ...
@overload
def gather(*calls: Callable[[], Any]) -> tuple[Any, ...]: ...


def gather(*calls: Callable[[], Any]) -> tuple[Any, ...]:
    """Call every zero-argument callable concurrently; their results, in order."""
    if len(calls) <= 1:
        return tuple(call() for call in calls)
    pool = ThreadPoolExecutor(
        max_workers=min(len(calls), MAX_THREADS), thread_name_prefix="civis-gather"
    )
    try:
        futures: list[Future[Any]] = [
            pool.submit(contextvars.copy_context().run, call) for call in calls
        ]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            error = future.exception() if future in done else None
            if error is not None:
                raise error
        return tuple(f.result() for f in futures)
    finally:
        # Do not wait for calls still running after a failure; drop those not started.
        pool.shutdown(wait=False, cancel_futures=True)
