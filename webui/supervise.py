"""Keep one process of `make run` alive: start it, and when it dies start it again after a
short wait that grows while it keeps dying (1 s, 2 s, 4 s ... at most 30 s; back to 1 s once
it has stayed up a minute). SIGTERM or SIGINT stops the process and the loop.

    python -m webui.supervise NAME -- CMD ...

The Procfile runs each process under it, so honcho (which stops everything when any one of
its processes exits) sees only this loop, which does not exit on its own.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
HEALTHY_AFTER = 60.0


def next_wait(previous: float, ran_for: float) -> float:
    """How long to wait before starting again, after a run of `ran_for` seconds."""
    if ran_for >= HEALTHY_AFTER or previous <= 0:
        return FIRST_WAIT
    return min(LONGEST_WAIT, previous * 2)


def supervise(
    name: str,
    cmd: Sequence[str],
    *,
    stop: threading.Event,
    log: Callable[[str], None] = print,
) -> int:
    """Run `cmd` until `stop` is set, starting it again whenever it exits."""
    wait = 0.0
    while not stop.is_set():
        started = time.monotonic()
        child = subprocess.Popen(list(cmd))  # noqa: S603 (the Procfile's own command)
        while child.poll() is None:
            if stop.wait(0.2):
                child.terminate()
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                return 0
        ran_for = time.monotonic() - started
        wait = next_wait(wait, ran_for)
        said = f"{name} stopped (exit {child.returncode}) after {ran_for:.0f} s"
        log(f"{said}; starting it again in {wait:.0f} s")
        if stop.wait(wait):
            return 0
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m webui.supervise NAME -- CMD ...", file=sys.stderr)
        return 2
    name, cmd = argv[0], argv[2:]
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return supervise(name, cmd, stop=stop, log=lambda line: print(line, flush=True))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
