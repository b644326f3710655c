"""HTML kept in this process by everything it shows.

For fragments that are a pure function of a few values (a row of the workflow list, the
list's filter form): those values are the key, so a fragment found here is the very text the
template would write now, for whoever asks. Nothing else goes into it, so nothing of one
person's can show to another, and nothing goes stale: a changed value is another key.

In this process, not in Redis: a hit is a dictionary lookup, with no round trip and no
unpickling. At most `MAX_FRAGMENTS` of at most `MAX_BYTES` each (a longer one is rendered each
time, so an outsized name cannot fill memory); the oldest go first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString

MAX_FRAGMENTS = 4000
MAX_BYTES = 16_000

_kept: dict[Hashable, SafeString] = {}
_lock = threading.Lock()


def kept(key: Hashable, render: Callable[[], SafeString]) -> SafeString:
    """What `render()` wrote for `key` before, or what it writes now (then kept)."""
    html = _kept.get(key)
    if html is None:
        html = render()
        if len(html) <= MAX_BYTES:
            with _lock:
                while len(_kept) >= MAX_FRAGMENTS:
                    del _kept[next(iter(_kept))]
                _kept[key] = html
    return html


def forget_all() -> None:
    """Keep nothing (tests that change what a template writes)."""
    with _lock:
        _kept.clear()
