"""Tables of the Open311 GeoReport v2 server: partner apps' keys, the extra questions a service
asks (`metadata`), and what a partner app sent with each request.

A request posted here is an ordinary citizen report of the ledger (`public.CitizenReport` and
its `problems.Problem`); `Open311Request` keeps only what GeoReport adds to it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiKey(models.Model):
    """A partner app's key for posting requests; only its SHA-256 is stored, shown once."""

    name = models.CharField(_("partner app"), max_length=100)
    key_prefix = models.CharField(_("prefix"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Datatype(models.TextChoices):
    """GeoReport v2's attribute datatypes, spelled as the specification spells them."""

    STRING = "string", pgettext_lazy("open311 datatype", "Short text")
    NUMBER = "number", pgettext_lazy("open311 datatype", "Number")
    DATETIME = "datetime", pgettext_lazy("open311 datatype", "Date and time")
    TEXT = "text", pgettext_lazy("open311 datatype", "Long text")
    SINGLEVALUELIST = "singlevaluelist", pgettext_lazy("open311 datatype", "One of a list")
    MULTIVALUELIST = "multivaluelist", pgettext_lazy("open311 datatype", "Several of a list")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class ServiceAttribute(models.Model):
    """An extra question a service (a public category) asks: GeoReport's `attribute`."""

    category = models.ForeignKey(
        "problems.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="open311_attributes",
    )
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("answer hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # [{"key": "...", "name": "..."}, ...] for the list datatypes, else [].
    values = models.JSONField(_("values"), default=list, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["category_id", "order", "id"]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Open311Request(models.Model):
    """What a partner app sent with a request, beside the citizen report it became."""

    problem = models.OneToOneField(
        "problems.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="open311",
    )
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("Open311 key"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # Kept as given and shown as given: the server never fetches a partner's URL.
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    address_string = models.CharField(_("address as given"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    account_id = models.CharField(_("account"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"open311:{self.problem_id}"
