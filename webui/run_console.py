"""`make run`: start Redis (when needed), the local API, a Celery worker and beat, and the web
server under honcho, which stops every child on Ctrl-C."""

import os
import sys
from urllib.parse import urlsplit

from webui.embedded_redis import free_port, reachable

LOCAL_API = "http://127.0.0.1:8001/"


def main() -> int:
    env = dict(os.environ)
    processes = ["worker", "beat", "web"]

    given = env.get("REDIS_URL")
    if given and reachable(given):
        print(f"Using Redis at {urlsplit(given).hostname}:{urlsplit(given).port}")
    else:
        port = free_port()
        env["REDIS_PORT"] = str(port)
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        processes.insert(0, "redis")
        print(f"Starting an embedded Redis on port {port}")

    endpoint = env.setdefault("CIVIS_API_ENDPOINT", LOCAL_API)
    if endpoint.rstrip("/") == LOCAL_API.rstrip("/"):
        processes.insert(0, "api")
        print("Starting the local Civis API (civis_local) at", LOCAL_API)
    else:
        print("Using the Civis API at", endpoint)

    print("\n  Workflows Console: http://127.0.0.1:8000/  (Ctrl-C stops everything)\n", flush=True)
    honcho = os.path.join(os.path.dirname(sys.executable), "honcho")
    os.execve(honcho, [honcho, "start", *processes], env)  # noqa: S606
    return 0


if __name__ == "__main__":
    sys.exit(main())
