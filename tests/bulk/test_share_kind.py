"""The bulk share kind gives a person or a group access (put_shares_users or _groups), against
a live civis_local: each item's grantee gets the chosen level, nobody else."""

import pytest

from tests.changing import new_workflow
from workflows_app.bulk.kinds.base import Work
from workflows_app.bulk.kinds.share import share

pytestmark = pytest.mark.django_db


def test_a_person_and_a_group_each_get_the_chosen_level(actor):
    ada, jamal = actor("aokafor"), actor("jwashington")
    group = ada.api.search_groups(limit=1).items[0]
    for_jamal, for_group = new_workflow(ada, "Bulk share"), new_workflow(ada, "Bulk share")
    person = {"grantee_type": "user", "grantee_id": jamal.person.id, "level": "write",
              "grantee_name": jamal.person.name}  # fmt: skip
    team = {"grantee_type": "group", "grantee_id": group.id, "level": "read"}

    said = share(ada.api, Work(for_jamal.id, ada.person.id, person, retried=False))
    share(ada.api, Work(for_group.id, ada.person.id, team, retried=False))

    assert said.message == f"{jamal.person.name} now can edit."
    jamal_share, group_share = ada.api.list_shares(for_jamal.id), ada.api.list_shares(for_group.id)
    assert [(g.id, g.level) for g in jamal_share.users if g.id != ada.person.id] == [
        (jamal.person.id, "write")
    ]
    assert jamal_share.groups == ()
    assert [(g.id, g.level) for g in group_share.groups] == [(group.id, "read")]
    assert [g.id for g in group_share.users if g.id != ada.person.id] == []
