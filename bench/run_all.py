"""`make bench`: run every bench/bench_*.py in turn with this interpreter and pass their output
through (each prints `name: value` lines). A failing bench is reported and the rest still run."""

import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(BENCH_DIR.glob("bench_*.py")):
        print(f"# {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=BENCH_DIR.parent)  # noqa: S603
        if result.returncode != 0:
            failed.append(script.name)
            print(f"# {script.name} exited with {result.returncode}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
