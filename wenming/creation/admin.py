from django.contrib import admin

from wenming.core.admin import ReadOnlyAdmin

from .models import Application, CoverageTarget, CreationType, Entry


# Reading only: edits go through the pages, whose services check the office, scope and the cycle.
@admin.register(CreationType)
class CreationTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "entity_kind", "system", "is_active"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "region", "status", "level", "valid_until"]
    list_filter = ["type", "status", "level"]
    search_fields = ["name"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["entry", "type", "year", "level", "status"]
    list_filter = ["type", "status", "year"]


@admin.register(CoverageTarget)
class CoverageTargetAdmin(ReadOnlyAdmin):
    list_display = ["region", "type", "share", "min_level", "due_on", "system"]
