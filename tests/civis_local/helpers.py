"""Helpers for the civis_local tests: the Swagger document as the judge of every response,
a small API session, and workflow definitions the tests create."""

import copy
import json
import re
from pathlib import Path

import jsonschema
import requests

SPEC_PATH = Path(__file__).resolve().parents[2] / "civis_local" / "api" / "openapi-subset.json"
SPEC = json.loads(SPEC_PATH.read_text())
DEMO_USERS = ["aokafor", "blindqvist", "cbellini", "dvolkov", "egarcia", "fhaddad"]


def demo_key(username: str) -> str:
    return f"demo-key-{username}"


def nullable(schema):
    """Swagger 2 has no null; the platform sends null for many documented fields."""
    if isinstance(schema, list):
        return [nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return {"anyOf": [{"$ref": schema["$ref"]}, {"type": "null"}]}
    result = {key: nullable(value) for key, value in schema.items()}
    if isinstance(schema.get("type"), str):
        result["type"] = [schema["type"], "null"]
    if "enum" in schema:
        result["enum"] = [*schema["enum"], None]
    return result


NULLABLE_DEFINITIONS = {
    name: nullable({k: v for k, v in definition.items() if k != "x-examples"})
    for name, definition in SPEC["definitions"].items()
}


def _template_regex(template: str) -> re.Pattern:
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template.rstrip("/")))
    return re.compile("^" + pattern + "/?$")


OPERATIONS = sorted(
    ((path.count("{"), _template_regex(path), path) for path in SPEC["paths"]),
    key=lambda item: item[0],
)


def operation_for(method: str, path: str) -> tuple[str, dict]:
    """The spec's (path template, operation) for a request, literal segments first."""
    path = path.rstrip("/") or "/"
    for _, regex, template in OPERATIONS:
        if regex.match(path) and method.lower() in SPEC["paths"][template]:
            return template, SPEC["paths"][template][method.lower()]
    raise AssertionError(f"{method} {path} is not in openapi-subset.json")


def assert_matches_spec(response: requests.Response) -> None:
    """The body validates against the operation's schema for that status (nulls allowed)."""
    from urllib.parse import urlsplit

    template, operation = operation_for(response.request.method, urlsplit(response.url).path)
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, (
        f"{response.request.method} {template} answered {response.status_code}, "
        f"the spec declares {sorted(operation['responses'])}: {response.text[:300]}"
    )
    if "schema" not in declared:
        assert not response.content, f"{template} should have no body"
        return
    schema = {**nullable(copy.deepcopy(declared["schema"])), "definitions": NULLABLE_DEFINITIONS}
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft4Validator)


class Api:
    """requests with a key, against one server, every answer checked against the spec."""

    def __init__(self, base_url: str, key: str):
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, check: bool = True, **kwargs) -> requests.Response:
        response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        if check and response.ok:
            assert_matches_spec(response)
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)

    def user_id(self, username: str) -> int:
        if username not in USER_IDS:
            found = self.get("/users", params={"query": username}).json()
            USER_IDS[username] = next(user["id"] for user in found if user["user"] == username)
        return USER_IDS[username]


USER_IDS: dict[str, int] = {}  # the demo seed's ids do not change within a test session


DEFINITION = (
    "version: '2.0'\n"
    "wf:\n"
    "  tasks:\n"
    "    load:\n"
    "      action: civis.run_job\n"
    "      input:\n"
    "        job_id: 1\n"
    "      on-success:\n"
    "        - publish\n"
    "    publish:\n"
    "      action: std.noop\n"
)
FAILING = "version: '2.0'\nwf:\n  tasks:\n    boom:\n      action: std.fail\n"
PAUSING = (
    "version: '2.0'\nwf:\n  tasks:\n    gate:\n      action: std.noop\n      pause-before: true\n"
)
