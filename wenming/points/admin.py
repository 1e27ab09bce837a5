from django.contrib import admin

from wenming.core.admin import ReadOnlyAdmin

from .models import Point


# Reading only: edits go through the pages, whose services check scope, region and coordinates.
@admin.register(Point)
class PointAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "point_type", "region", "is_active"]
    list_filter = ["point_type", "is_active"]
    search_fields = ["code", "name"]
