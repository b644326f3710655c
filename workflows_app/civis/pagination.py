"""Lists both ways: one `Page` with its totals (for paged tables), or every item lazily (for
bulk work), walking `page_num` upward the way the official client's `iterator=True` does."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PER_PAGE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the totals from the `X-Pagination-*` headers."""

    items: tuple[T, ...]
    page_num: int
    per_page: int
    total_entries: int
    total_pages: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_next(self) -> bool:
        return self.page_num < self.total_pages

    @property
    def has_previous(self) -> bool:
        return self.page_num > 1

    @classmethod
    def from_headers(
        cls, items: Sequence[T], headers: Mapping[str, str], *, page_num: int, per_page: int
    ) -> Page[T]:
        """A page whose totals come from the headers; a list without them is one whole page."""
        per_page = _header_int(headers, "X-Pagination-Per-Page", per_page)
        page_num = _header_int(headers, "X-Pagination-Current-Page", page_num)
        total_entries = _header_int(headers, "X-Pagination-Total-Entries", -1)
        if total_entries < 0:
            total_entries = (page_num - 1) * per_page + len(items)
        default_pages = math.ceil(total_entries / per_page) if per_page > 0 else 1
        total_pages = _header_int(headers, "X-Pagination-Total-Pages", default_pages)
        return cls(tuple(items), page_num, per_page, total_entries, total_pages)


def iterate_pages(fetch: Callable[[int], Page[T]]) -> Iterator[T]:
    """Every item of every page, fetching each page only when the previous one is used up.

    Stops at an empty page or after the last page the headers announce, whichever comes first.
    """
    page_num = 1
    while True:
        page = fetch(page_num)
        if not page.items:
            return
        yield from page.items
        if page.page_num >= page.total_pages:
            return
        page_num = page.page_num + 1


def _header_int(headers: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(headers[name])
    except (KeyError, TypeError, ValueError):
        return default
