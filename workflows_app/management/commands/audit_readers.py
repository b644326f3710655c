"""Who may read everyone's entries in the audit log (everyone reads their own)."""

from django.core.management.base import BaseCommand, CommandError

from workflows_app.models import CivisAccount


class Command(BaseCommand):
    help = (
        "List audit readers, or allow/stop a person (by Civis user id) reading everyone's entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow", type=int, metavar="CIVIS_USER_ID")
        parser.add_argument("--stop", type=int, metavar="CIVIS_USER_ID")

    def handle(self, *args, allow=None, stop=None, **options):
        for civis_id, staff in ((allow, True), (stop, False)):
            if civis_id is None:
                continue
            account = CivisAccount.objects.select_related("user").filter(civis_user_id=civis_id)
            if not account.exists():
                raise CommandError(f"Civis user {civis_id} has not signed in to the console yet.")
            user = account.get().user
            user.is_staff = staff
            user.save(update_fields=["is_staff"])
        readers = CivisAccount.objects.filter(user__is_staff=True).order_by("name")
        for account in readers:
            self.stdout.write(f"{account.civis_user_id}\t{account.name}")
        if not readers:
            self.stdout.write("Nobody reads everyone's entries; each person reads their own.")
