"""The people of every seed: an admin (key CIVIS_LOCAL_ADMIN_KEY, default `local-admin-key`)
and twelve staff whose keys are `demo-key-<username>` (documented in civis_local/README.md)."""

from datetime import datetime, timedelta

from django.conf import settings

from ..models import MANAGE, ApiKey, Group, Share, User, Workflow

PEOPLE = [
    # username, name, groups (by index into GROUPS)
    ("aokafor", "Ada Okafor", [0, 2]),
    ("blindqvist", "Bruno Lindqvist", [0]),
    ("cbellini", "Chiara Bellini", [1]),
    ("dvolkov", "Dmitri Volkov", [2]),
    ("egarcia", "Elena García", [1, 3]),
    ("fhaddad", "Farah Haddad", [3]),
    ("gthompson", "Gwen Thompson", [0, 1]),
    ("htanaka", "Hiroshi Tanaka", [2]),
    ("imoreau", "Isabel Moreau", [3]),
    ("jwashington", "Jamal Washington", [1]),
    ("knorgaard", "Kirsten Nørgaard", [0]),
    ("mwebb", "Marcus Webb", [0, 2]),  # the one who is leaving: owns 30+ workflows
]
LEAVING = "mwebb"
GROUPS = [
    ("Data Science", "data_science", "Modelling and scoring."),
    ("Field Analytics", "field_analytics", "Canvassing and turnout reporting."),
    ("Data Engineering", "data_engineering", "Pipelines, imports and exports."),
    ("Client Services", "client_services", "Deliverables for clients."),
]
KEY_LIFETIME = timedelta(days=3650)
# Who handles a leaver's handover: manages everything the leaver owns through a group share,
# as a platform admin would arrange it (created after the rest, so their ids do not move).
IT_OPERATIONS = ("pshah", "Priya Shah")
IT_GROUP = ("IT Operations", "it_operations", "Accounts, access and handovers.")


def demo_key(username: str) -> str:
    return f"demo-key-{username}"


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper()


def seed_admin(at: datetime) -> User:
    """The admin every seed has (`--seed none` too), with the key CIVIS_LOCAL_ADMIN_KEY."""
    admin = User.objects.create(
        username="admin",
        name="Local Admin",
        email="admin@civis-local.test",
        initials="LA",
        is_admin=True,
        created_at=at,
        updated_at=at,
    )
    ApiKey.objects.create(
        user=admin,
        name="seed admin key",
        token=settings.CIVIS_LOCAL_ADMIN_KEY,
        created_at=at,
        expires_at=at + KEY_LIFETIME,
    )
    return admin


def seed_people(at: datetime) -> tuple[User, list[User], list[Group]]:
    """Create the admin, the staff and their groups; return (admin, staff, groups)."""
    groups = [
        Group.objects.create(name=n, slug=s, description=d, created_at=at, updated_at=at)
        for n, s, d in GROUPS
    ]
    admin = seed_admin(at)
    staff = []
    for username, name, group_indexes in PEOPLE:
        user = User.objects.create(
            username=username,
            name=name,
            email=f"{username}@civis-local.test",
            initials=initials(name),
            primary_group=groups[group_indexes[0]],
            created_at=at,
            updated_at=at,
        )
        for index in group_indexes:
            groups[index].members.add(user)
        ApiKey.objects.create(
            user=user,
            name="seed key",
            token=demo_key(username),
            created_at=at,
            expires_at=at + KEY_LIFETIME,
        )
        staff.append(user)
    return admin, staff, groups


def seed_it_operations(at: datetime) -> User:
    """Priya Shah of IT Operations, whose group can manage every workflow the leaver owns."""
    name, slug, description = IT_GROUP
    group = Group.objects.create(
        name=name, slug=slug, description=description, created_at=at, updated_at=at
    )
    username, full_name = IT_OPERATIONS
    person = User.objects.create(
        username=username,
        name=full_name,
        email=f"{username}@civis-local.test",
        initials=initials(full_name),
        primary_group=group,
        created_at=at,
        updated_at=at,
    )
    group.members.add(person)
    ApiKey.objects.create(
        user=person,
        name="seed key",
        token=demo_key(username),
        created_at=at,
        expires_at=at + KEY_LIFETIME,
    )
    leavers = Workflow.objects.filter(user__username=LEAVING)
    Share.objects.bulk_create(
        Share(workflow=workflow, group=group, level=MANAGE) for workflow in leavers
    )
    return person
