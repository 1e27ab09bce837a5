from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from wenming.core.admin import ServiceErrorsAdmin
from wenming.core.audit import client_ip
from wenming.core.services import password_change_record

from .models import Person, Region, Unit
from .services import (
    PERSON_FIELDS,
    REGION_FIELDS,
    UNIT_FIELDS,
    person_update,
    region_create,
    region_delete,
    region_update,
    unit_create,
    unit_delete,
    unit_update,
)


class ServiceAdmin(ServiceErrorsAdmin):
    """Saves and deletes go through the services: audited, and every app server's copy of the
    reference rows is dropped (core/refcache.py); what they refuse is shown, not a 500.

    A subclass names its services and which fields its create service takes; the fields it
    may change later are the update service's."""

    editable_after_create: tuple = ()
    create_fields: tuple = ()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [
            f.name
            for f in self.model._meta.fields
            if f.editable and f.name not in self.editable_after_create and not f.primary_key
        ]

    def save_model(self, request, obj, form, change):
        if change:
            values = {f: form.cleaned_data[f] for f in self.editable_after_create}
            saved = self.update_service(
                **{self.model._meta.model_name: obj}, actor=request.user, **values
            )
        else:
            saved = self.create(obj, actor=request.user)
        obj.pk = saved.pk

    def create(self, obj, *, actor):
        return self.create_service(**{f: getattr(obj, f) for f in self.create_fields}, actor=actor)

    def delete_model(self, request, obj):
        self.delete_service(**{self.model._meta.model_name: obj}, actor=request.user)


@admin.register(Region)
class RegionAdmin(ServiceAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "is_demo"]
    list_filter = ["level", "kind", "is_demo"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]
    fields = ["code", "name", "name_en", "kind", "parent"]
    editable_after_create = REGION_FIELDS
    create_fields = ("code", "name", "name_en", "kind", "parent")
    create_service = staticmethod(region_create)
    update_service = staticmethod(region_update)
    delete_service = staticmethod(region_delete)


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind", "is_active", "is_demo"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]
    fields = ["code", "name", "name_en", "short_name", "kind", "is_active"]
    editable_after_create = UNIT_FIELDS
    create_fields = ("code", "name", "name_en", "kind", "short_name")
    create_service = staticmethod(unit_create)
    update_service = staticmethod(unit_update)
    delete_service = staticmethod(unit_delete)

    def create(self, obj, *, actor):
        # unit_create makes an active unit; one added switched off is switched off after.
        saved = super().create(obj, actor=actor)
        if not obj.is_active:
            saved = unit_update(unit=saved, actor=actor, is_active=False)
        return saved


@admin.register(Person)
class PersonAdmin(ServiceErrorsAdmin, UserAdmin):
    list_display = ["username", "display_name", "role", "region", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    raw_id_fields = ["region", "unit"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Wenming"), {"fields": ["display_name", "role", "region", "unit", "phone", "is_demo"]}),
    )

    def user_change_password(self, request, id, form_url=""):
        """The office resets someone's password here: their API tokens go with the old one
        (`password_change_record`), as when they change it themselves."""
        response = super().user_change_password(request, id, form_url)
        changed = request.method == "POST" and response.status_code == 302
        if changed and response.url != request.get_full_path():  # not the "conflict" redirect
            person = self.get_object(request, unquote(id))
            password_change_record(person=person, actor=request.user, ip=client_ip(request))
        return response

    def save_model(self, request, obj, form, change):
        """A change of standing, role or attachment goes through `person_update` (audited, and
        every app server's copy of the token → person look-up dropped at once); names and
        passwords are saved as Django's user admin saves them."""
        if change:
            changed = {f: form.cleaned_data[f] for f in PERSON_FIELDS if f in form.changed_data}
            if changed:
                person_update(person=obj, actor=request.user, **changed)
        super().save_model(request, obj, form, change)
