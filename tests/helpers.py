"""Small helpers the console's tests share (fixtures live in conftest.py)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def sign_in(client, key: str):
    """Sign a Django test client in through the real sign-in page."""
    response = client.post("/sign-in/", {"api_key": key})
    assert response.status_code == 302, response.content
    return client


def wait_for(read: Callable[[], T], done: Callable[[T], bool], seconds: float = 20.0) -> T:
    """The first `read()` for which `done` holds; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not done after {seconds} s: {value!r}")
        time.sleep(0.2)


class FakeClock:
    """A monotonic clock that moves only when slept on (for Pace and its window)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
