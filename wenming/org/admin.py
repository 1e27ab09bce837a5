from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Person, Region, Unit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "is_demo"]
    list_filter = ["level", "kind", "is_demo"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active", "is_demo"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "region", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    raw_id_fields = ["region", "unit"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Wenming"), {"fields": ["display_name", "role", "region", "unit", "phone", "is_demo"]}),
    )
