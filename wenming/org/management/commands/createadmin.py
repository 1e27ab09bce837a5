import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from wenming.core.errors import DomainError
from wenming.org.models import Person
from wenming.org.roles import Role
from wenming.org.services import person_create


class Command(BaseCommand):
    help = "Create a Civilization Office admin who can also use the Django admin."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("WENMING_ADMIN_USERNAME"))
        parser.add_argument("--display-name", default="")
        parser.add_argument("--no-input", action="store_true",
                            help="take the password from WENMING_ADMIN_PASSWORD")

    def handle(self, *args, username, display_name, no_input, **options):
        if not username:
            if no_input:
                raise CommandError("--username (or WENMING_ADMIN_USERNAME) is required.")
            username = input("Username: ").strip()
        if Person.objects.filter(username=username).exists():
            raise CommandError(f"A person named {username!r} already exists.")
        password = os.environ.get("WENMING_ADMIN_PASSWORD") if no_input else None
        if not password:
            if no_input:
                raise CommandError("WENMING_ADMIN_PASSWORD is required with --no-input.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        from django.contrib.auth.password_validation import ValidationError, validate_password

        try:
            validate_password(password)
            person_create(username=username, password=password, role=Role.OFFICE_ADMIN,
                          display_name=display_name, is_superuser=True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"Office admin {username!r} created."))
