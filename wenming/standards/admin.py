from django.contrib import admin

from wenming.core.admin import ReadOnlyAdmin

from .models import ChecklistItem, EvaluationSystem, PointType, StandardsEvent


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
