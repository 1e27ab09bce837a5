from django.core.management.base import BaseCommand, CommandError

from wenming.core.audit import anchors_load, audit_anchor, audit_rekey, audit_verify
from wenming.core.audit_checks import audit_check_record_anchor, audit_check_record_verify
from wenming.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Audit log tools. `audit verify [--anchors FILE]` recomputes the keyed hash chain in one "
        "snapshot and reports the first break; `audit anchor [--file FILE]` appends the head to "
        "an anchor file and posts it to the office's group robots; `audit rekey` re-hashes the "
        "log under a new key (WENMING_AUDIT_OLD_KEY → WENMING_AUDIT_KEY). See docs/audit.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor", "rekey"])
        parser.add_argument(
            "--anchors", help="verify: also check the log against every anchor in this file"
        )
        parser.add_argument(
            "--file", help="anchor: the file to append to (default WENMING_AUDIT_ANCHOR_FILE)"
        )

    def handle(self, *args, action, anchors=None, file=None, **options):
        try:
            if action == "anchor":
                anchor = audit_anchor(path=file)
                # The activity page shows when the head was last copied out, and which.
                audit_check_record_anchor(anchor=anchor)
                self.stdout.write(
                    self.style.SUCCESS(f"Anchored entry #{anchor.seq}: {anchor.hash}")
                )
                return
            if action == "rekey":
                count = audit_rekey()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Re-hashed {count} audit entries under the new key. Earlier anchors "
                        "name the old key; take a new anchor now (`wenming audit anchor`)."
                    )
                )
                return
            verdict = audit_verify(anchors=anchors_load(anchors) if anchors else ())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        # The activity page shows the last outcome and its time (it never verifies itself).
        audit_check_record_verify(verdict=verdict)
        if verdict.key_mismatch:
            raise CommandError(
                "KEY MISMATCH: WENMING_AUDIT_KEY is not the key this audit log is written with, "
                "so nothing was checked. This is a configuration error, not evidence of "
                "tampering: set the right key and verify again."
            )
        if verdict.ok:
            line = f"OK: {verdict.checked} audit entries verified"
            if anchors:
                line += f", {verdict.anchors_checked} anchors matched"
            self.stdout.write(self.style.SUCCESS(line + "."))
            if verdict.anchors_other_key:
                self.stdout.write(
                    f"{verdict.anchors_other_key} anchors were taken under another key (before "
                    "a rekey): only the log's length was checked against them."
                )
            return
        raise CommandError(
            f"BROKEN at entry #{verdict.broken_seq}: {verdict.reason} "
            f"({verdict.checked} entries verified before it)."
        )
