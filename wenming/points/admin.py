from django.contrib import admin

from .models import Point


# Reading only: edits go through the pages, whose services check scope, region and coordinates.
@admin.register(Point)
class PointAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "point_type", "region", "is_active"]
    list_filter = ["point_type", "is_active"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
