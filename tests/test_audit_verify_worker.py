"""The activity page's "verify now" as the real worker runs it: a process of its own, outside
any test transaction, where the check reads one snapshot and its progress is written aside."""

import subprocess
import sys

from .test_worker_process import ROOT, _migrated, _wenming

SETUP = """
from wenming.core.audit import audit_record
from wenming.core.audit_checks import audit_verify_start
from wenming.org.models import Person
from wenming.org.roles import Role
office = Person.objects.create(username="office", role=Role.OFFICE_ADMIN)
for n in range(120):
    audit_record(action="test.write", data={"n": n})
audit_verify_start(actor=office)
"""

CHECK = """
from wenming.core.audit_checks import JOB_KIND
from wenming.core.models import AuditCheck, Job
job = Job.objects.get(kind=JOB_KIND)
check = AuditCheck.objects.get()
print("RESULT", job.status, job.done, job.total, check.ok, check.checked, check.via)
"""


def test_the_worker_verifies_the_chain_and_reports_its_progress(tmp_path):
    env = _migrated(tmp_path, "verify.sqlite3")
    _wenming("shell", "-c", SETUP, env=env)
    _wenming("worker", "--batch", env=env, timeout=300)
    out = subprocess.run(
        [sys.executable, "-m", "wenming.cli", "shell", "-c", CHECK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    # Every entry up to the head was checked and the page's "last verified" recorded. The bar's
    # writes go through another connection (the check's own is inside its read snapshot); had one
    # failed, the job would have ended "failed".
    assert "RESULT done 120 120 True 120 worker" in out, out
