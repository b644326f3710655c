"""`make run` keeps its processes alive: a process that dies is started again (with a growing
wait), and SIGTERM stops both the loop and the process."""

import signal
import subprocess
import sys

from tests.bulk.conftest import wait_until
from tests.conftest import ROOT
from webui.supervise import FIRST_WAIT, LONGEST_WAIT, next_wait


def test_the_wait_grows_while_a_process_keeps_dying_and_resets_once_it_stays_up():
    assert next_wait(0.0, 0.5) == FIRST_WAIT
    assert next_wait(1.0, 0.5) == 2.0
    assert next_wait(16.0, 0.5) == LONGEST_WAIT
    assert next_wait(LONGEST_WAIT, 0.5) == LONGEST_WAIT
    assert next_wait(LONGEST_WAIT, 120.0) == FIRST_WAIT


def test_a_process_that_dies_is_started_again_and_sigterm_stops_everything(tmp_path):
    starts = tmp_path / "starts"
    pidfile = tmp_path / "pid"
    child = (
        "import os, sys, time, pathlib\n"
        f"p = pathlib.Path({str(starts)!r})\n"
        f"pathlib.Path({str(pidfile)!r}).write_text(str(os.getpid()))\n"
        "p.write_text(p.read_text() + 'x' if p.exists() else 'x')\n"
        "sys.exit(1) if len(p.read_text()) < 2 else time.sleep(600)\n"
    )
    loop = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "webui.supervise", "demo", "--", sys.executable, "-c", child],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # Dies once (exit 1), is started again after a second, then stays up.
        wait_until(lambda: starts.exists() and starts.read_text() == "xx", 30, step=0.1)
        second = int(wait_until(lambda: pidfile.read_text().strip(), 10))
        assert loop.poll() is None

        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=30) == 0
        output = loop.stdout.read().decode() if loop.stdout else ""
        assert "demo stopped (exit 1)" in output
        # The second run was stopped with the loop, not left behind.
        assert subprocess.run(["kill", "-0", str(second)], capture_output=True).returncode != 0  # noqa: S603, S607
    finally:
        if loop.poll() is None:
            loop.kill()
