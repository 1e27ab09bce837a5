from django.core.management.base import BaseCommand, CommandError

from wenming.core.errors import DomainError
from wenming.open311 import keys


class Command(BaseCommand):
    help = (
        "Open311 partner apps' keys. `open311 issue-key NAME` prints a new key (shown only "
        "now: only its hash is kept); `revoke-key ID` refuses it from the next request on; "
        "`list-keys` lists them; `demo-key` prints the demo partner app's key (demo mode only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["issue-key", "revoke-key", "list-keys", "demo-key"])
        parser.add_argument("arg", nargs="?", default="", help="the app's name, or the key's id")

    def handle(self, *args, action, arg="", **options):
        try:
            if action == "issue-key":
                _key, raw = keys.api_key_issue(actor=None, name=arg)
                self.stdout.write(raw)
            elif action == "revoke-key":
                if not arg.isdigit():
                    raise CommandError("Give the key's id (see `wenming open311 list-keys`).")
                key = keys.api_key_revoke(actor=None, key_id=int(arg))
                self.stdout.write(f"Revoked key {key.pk} ({key.name}).")
            elif action == "list-keys":
                self._list()
            else:
                raw = keys.demo_key_ensure()
                self.stdout.write(f"Open311 demo partner app key (api_key): {raw}")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _list(self):
        for key in keys.api_keys_list():
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.pk:>5}  {key.key_prefix}…  {state:<24} last used {used:<16}  {key.name}"
            )
