"""`sharing.explain`: why each person can open a workflow, from shares and group members."""

from workflows_app.access.explain import explain, kind_words
from workflows_app.civis.types import Grantee, Group, Person, Share, Workflow

PAT, SAM, LEE = Person(1, "Pat"), Person(2, "Sam"), Person(3, "Lee")


def test_the_highest_level_wins_and_every_reason_is_kept():
    workflow = Workflow(7, "Nightly", owner=PAT, my_permission_level="manage")
    share = Share(
        users=(Grantee(1, "Pat", "manage"), Grantee(2, "Sam", "read")),
        groups=(Grantee(9, "Analysts", "write"),),
    )
    analysts = Group(9, "Analysts", member_count=2, members=(SAM, LEE))

    access = explain(workflow, share, {9: analysts})

    sam = access.person(2)
    assert sam.level == "write"
    assert [(r.kind, r.level, r.group_name) for r in sam.reasons] == [
        ("direct", "read", None),
        ("group", "write", "Analysts"),
    ]
    assert access.person(3).reasons[0].kind == "group"
    assert access.person(1).is_owner
    assert [p.name for p in access.everyone] == ["Pat", "Lee", "Sam"]  # owner, then by name
    by_level = {s.level: s for s in access.sections}
    assert [p.name for p in by_level["read"].people] == ["Sam"]  # the owner is not a share
    assert by_level["manage"].is_empty
    assert [g.member_count for g in by_level["write"].groups] == [2]


def test_a_group_the_viewer_cannot_read_is_listed_without_members():
    workflow = Workflow(7, "Nightly", owner=PAT)
    share = Share(groups=(Grantee(4, "Secret club", "read"),))

    access = explain(workflow, share, {4: None})

    assert access.group(4).member_count is None and access.group(4).members == ()
    assert [p.id for p in access.everyone] == [1]


def test_dependency_kinds_in_plain_words():
    assert kind_words("scripts/containers") == "Container script"
    assert kind_words("workflows") == "Workflow"
    assert kind_words("reports/custom_things") == "Reports custom things"
    assert kind_words(None) == "Item"
