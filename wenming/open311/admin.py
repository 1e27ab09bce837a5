from django.contrib import admin

from .models import ServiceAttribute


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    """The questions each service asks (GeoReport `attributes`); keys are issued on their own
    page, which shows the secret once and audits it."""

    list_display = ("category", "order", "code", "datatype", "required", "description")
    list_filter = ("datatype", "required")
    ordering = ("category", "order", "id")
