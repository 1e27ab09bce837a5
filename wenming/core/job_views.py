"""The page of one generated document: its progress while the worker makes it, then the file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .documents import stored_file
from .errors import DomainError, NotFound
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
    # As every stored document: a file the store no longer holds (removed by hand, an older
    # back-up restored) is a 404, a store that cannot be reached a 503; never a 500.
    try:
        handle = stored_file(job.result.name)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain")
    return FileResponse(handle, as_attachment=True, filename=job.result_name)
