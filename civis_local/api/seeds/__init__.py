"""Seeds: `demo` (people, groups, about 60 workflows with histories), `scale` (10,000
workflows, 100,000 executions) and `none` (the admin alone). Seeding happens only into an empty
database, so a restart keeps whatever the previous run changed."""

from ..levers import now
from ..models import User


def seed_if_empty(name: str) -> bool:
    if User.objects.exists():
        return False
    if name == "none":
        from .people import seed_admin

        seed_admin(now())
    elif name == "demo":
        from .demo import seed_demo

        seed_demo()
    elif name == "scale":
        from .scale import seed_scale

        seed_scale()
    else:
        raise ValueError(f"unknown seed {name!r}")
    return True
