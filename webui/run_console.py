"""`make run`: start Redis (when needed), the local API, a Celery worker and beat, and the web
server under honcho, which stops every child on Ctrl-C. PORT (8000) is the console's port and
API_PORT (8001) the local API's."""

import os
import sys
from urllib.parse import urlsplit

from webui.embedded_redis import free_port, reachable


def main() -> int:
    env = dict(os.environ)
    # Honcho hands each process a PORT of its own, so the Procfile reads WEB_PORT instead.
    env["WEB_PORT"] = web_port = env.get("PORT") or "8000"
    env["API_PORT"] = api_port = env.get("API_PORT") or "8001"
    local_api = f"http://127.0.0.1:{api_port}/"
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

    endpoint = env.setdefault("CIVIS_API_ENDPOINT", local_api)
    if endpoint.rstrip("/") == local_api.rstrip("/"):
        processes.insert(0, "api")
        print("Starting the local Civis API (civis_local) at", local_api)
    else:
        print("Using the Civis API at", endpoint)

    here = f"http://127.0.0.1:{web_port}/"
    print(f"\n  Workflows Console: {here}  (Ctrl-C stops everything)\n", flush=True)
    honcho = os.path.join(os.path.dirname(sys.executable), "honcho")
    os.execve(honcho, [honcho, "start", *processes], env)  # noqa: S606
    return 0


if __name__ == "__main__":
    sys.exit(main())
