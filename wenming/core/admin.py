"""Django admin for the shared kernel: the office edits the holiday calendar here."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .calendar import holiday_delete, holiday_set, holiday_year_mark
from .errors import DomainError
from .models import ApiToken, AuditEntry, Holiday, HolidayYear
from .roles import is_office

# What an add form posts besides its fields; not carried back into the form after a refusal.
_FORM_CONTROLS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_popup"}


class ServiceErrorsAdmin(admin.ModelAdmin):
    """An admin whose writes go through services: a change the service refuses (InvalidInput,
    NotAllowed, NotFound, Conflict) is shown as the service's message, never a 500.

    The rules live in the services only, so the admin asks them by calling them; the admin's
    own transaction around the view (and `delete_queryset`'s below) is rolled back by the
    error, so nothing is half-written. A refused add comes back with what was typed (the add
    form takes its initial values from the query string)."""

    def _refused(self, request, exc: DomainError, *, keep_input: bool = False):
        if request.method != "POST":
            # Only a write is answered by going back to its page: a refused read redirected
            # to itself would loop.
            raise exc
        self.message_user(request, str(exc.message), messages.ERROR)
        url = request.path
        if keep_input:
            kept = [(k, v) for k, v in request.POST.items() if k not in _FORM_CONTROLS]
            url = f"{url}?{urlencode(kept)}" if kept else url
        elif request.GET:
            url = f"{url}?{request.GET.urlencode()}"
        return HttpResponseRedirect(url)

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc, keep_input=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        # Actions (delete selected, mark complete) run from the list.
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_queryset(self, request, queryset):
        # All or nothing: one refused row leaves the others in place too.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Holiday)
class HolidayAdmin(ServiceErrorsAdmin):
    """Every change goes through the calendar services, so it is audited and the cache dropped."""

    list_display = ["date", "kind", "name", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["-date"]
    fields = ["date", "kind", "name"]

    # The calendar belongs to the Civilization Office: its admins edit it, nobody else does.
    def _is_office(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and is_office(user))

    def has_module_permission(self, request):
        return self._is_office(request)

    def has_view_permission(self, request, obj=None):
        return self._is_office(request)

    def has_add_permission(self, request):
        return self._is_office(request)

    def has_change_permission(self, request, obj=None):
        return self._is_office(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_office(request)

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            # Moving an entry to another day: the old day goes back to the default rule.
            holiday_delete(day=form.initial["date"], actor=request.user)
        saved = holiday_set(day=obj.date, kind=obj.kind, name=obj.name, actor=request.user)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at

    def delete_model(self, request, obj):
        holiday_delete(day=obj.date, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for day in queryset.values_list("date", flat=True):
                holiday_delete(day=day, actor=request.user)

    actions = ["mark_years_complete"]

    @admin.action(description=_("Mark the years of the selected days as complete"))
    def mark_years_complete(self, request, queryset):
        years = sorted({day.year for day in queryset.values_list("date", flat=True)})
        with transaction.atomic():
            for year in years:
                holiday_year_mark(year=year, complete=True, actor=request.user)
        self.message_user(
            request,
            _("The holiday list of %(years)s is marked complete.")
            % {"years": ", ".join(str(y) for y in years)},
        )


@admin.register(HolidayYear)
class HolidayYearAdmin(ServiceErrorsAdmin):
    """Whether a year's holiday list is complete; changed only through `holiday_year_mark`."""

    list_display = ["year", "complete", "marked_by", "marked_at"]
    fields = ["year", "complete"]
    ordering = ["-year"]

    _is_office = HolidayAdmin._is_office  # the calendar belongs to the office
    has_module_permission = HolidayAdmin.has_module_permission
    has_view_permission = HolidayAdmin.has_view_permission
    has_add_permission = HolidayAdmin.has_add_permission
    has_change_permission = HolidayAdmin.has_change_permission

    def has_delete_permission(self, request, obj=None):
        return False  # "not complete" is a mark too: the history stays in the audit log

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = holiday_year_mark(year=obj.year, complete=obj.complete, actor=request.user)
        obj.pk, obj.marked_by, obj.marked_at = saved.pk, saved.marked_by, saved.marked_at


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reading only: edits go through the pages, whose services keep the rules and history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OfficeReadOnlyAdmin(ReadOnlyAdmin):
    """Visible to office admins, written only by the services (never edited by hand)."""

    def has_module_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and is_office(user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(AuditEntry)
class AuditEntryAdmin(OfficeReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_name", "action", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_name", "action", "target_id"]
    date_hierarchy = "created_at"
    ordering = ["-seq"]
    show_full_result_count = False  # the log grows without bound; no COUNT(*) per page


@admin.register(ApiToken)
class ApiTokenAdmin(OfficeReadOnlyAdmin):
    list_display = ["name", "person", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "person__username"]
    raw_id_fields = ["person"]
