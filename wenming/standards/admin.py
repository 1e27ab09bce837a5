from django.contrib import admin

from .models import ChecklistItem, EvaluationSystem, PointType, StandardsEvent


# Reading only: edits go through the pages, whose services keep the editing rules and history.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationSystem)
class EvaluationSystemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "edition_year", "level", "status"]


@admin.register(PointType)
class PointTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "group", "sampling_weight", "is_active"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "point_type", "system", "deduction", "deadline_days"]
    list_filter = ["system", "point_type"]


@admin.register(StandardsEvent)
class StandardsEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "target_type", "target_code", "actor"]
