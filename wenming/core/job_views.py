"""The page of one generated document: its progress while the worker makes it, then the file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .errors import NotFound
from .jobs import job_get, jobs_of
from .models import JobStatus


def _own_job(request, pk: int):
    try:
        return job_get(actor=request.user, job_id=pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def job_list(request):
    """The person's own documents: where they find an export again after leaving its page."""
    return render(request, "core/jobs.html", {"jobs": jobs_of(actor=request.user)})


@login_required
@require_GET
def job_page(request, pk: int):
    """The whole page (reload-safe); the progress part polls `job_status` until it is done."""
    return render(request, "core/job.html", {"job": _own_job(request, pk)})


@login_required
@require_GET
def job_status(request, pk: int):
    """The progress part alone, for htmx to swap in every second while the job runs."""
    return render(request, "core/_job.html", {"job": _own_job(request, pk)})


@login_required
@require_GET
def job_download(request, pk: int):
    """The finished file, streamed from storage, to its owner only."""
    job = _own_job(request, pk)
    if job.status != JobStatus.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
