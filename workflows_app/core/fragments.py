"""HTML kept in this process by everything it shows.

For fragments that are a pure function of a few values (a row of the workflow list, the
list's filter form): those values are the key, so a fragment found here is the very text the
template would write now, for whoever asks. Nothing else goes into it, so nothing of one
person's can show to another, and nothing goes stale: a changed value is another key.

In this process, not in Redis: a hit is a dictionary lookup, with no round trip and no
unpickling. At most `MAX_FRAGMENTS`, of at most `MAX_CHARS` each (a longer one is rendered each
time), and `MAX_TOTAL_CHARS` in all, keys counted (by their repr) as well as HTML: whatever
anyone puts in what a fragment shows, the store stays under ~`MAX_TOTAL_CHARS` × 4 bytes (a
character takes up to 4). The oldest go first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString

MAX_FRAGMENTS = 4000
MAX_CHARS = 16_000
MAX_TOTAL_CHARS = 8_000_000  # 8 to 32 MB a process, however long the names and values

_kept: dict[Hashable, tuple[SafeString, int]] = {}  # key: (html, characters of key and html)
_lock = threading.Lock()
_total = 0


def kept(key: Hashable, render: Callable[[], SafeString]) -> SafeString:
    """What `render()` wrote for `key` before, or what it writes now (then kept)."""
    global _total
    found = _kept.get(key)
    if found is not None:
        return found[0]
    html = render()
    size = len(html) + len(repr(key))
    if size <= MAX_CHARS:
        with _lock:
            if key not in _kept:
                while _kept and (len(_kept) >= MAX_FRAGMENTS or _total + size > MAX_TOTAL_CHARS):
                    _total -= _kept.pop(next(iter(_kept)))[1]
                _kept[key] = (html, size)
                _total += size
    return html


def kept_chars() -> int:
    """How many characters the store holds now, keys and HTML."""
    return _total


def forget_all() -> None:
    """Keep nothing (tests that change what a template writes)."""
    global _total
    with _lock:
        _kept.clear()
        _total = 0
