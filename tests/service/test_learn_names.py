"""The client keeps the names its answers carry (for the audit log's words) in one pass over
an answer that names nobody else (issue 13, item 8: a 50-row list made 450 calls for nothing)."""

from workflows_app.civis.client import CivisClient


def counting_client(monkeypatch) -> tuple[CivisClient, list[str]]:
    client = CivisClient("key", endpoint="http://127.0.0.1:9/")
    calls: list[str] = []
    learn = client._learn

    def counted(path, data):
        calls.append(path)
        return learn(path, data)

    monkeypatch.setattr(client, "_learn", counted)
    return client, calls


def test_a_list_that_names_nobody_else_is_read_once(monkeypatch):
    client, calls = counting_client(monkeypatch)
    rows = [
        {"id": n, "name": f"Refresh {n}", "user": {"id": 1, "name": "Pat"}, "schedule": {}}
        for n in range(50)
    ]
    client._learn("workflows", rows)
    assert calls == ["workflows"]
    assert client.known_names["workflow:7"] == "Refresh 7"


def test_people_and_groups_inside_an_answer_are_still_learnt(monkeypatch):
    client, _ = counting_client(monkeypatch)
    shares = [
        {
            "users": [{"id": 7, "name": "Ada Okafor"}],
            "groups": [{"id": 3, "name": "Data", "members": [{"id": 9, "name": "Bo"}]}],
            "totalUserShares": 1,
        }
    ]
    client._learn("workflows/5/shares", shares)
    assert client.known_names["user:7"] == "Ada Okafor"
    assert client.known_names["group:3"] == "Data"
    assert client.known_names["user:9"] == "Bo"
