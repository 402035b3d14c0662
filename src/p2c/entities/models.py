"""Organisations that pledge (entities), their types and the people who act for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class EntityType(models.Model):
    """A sector of pledgers (government, private sector, civil society, …); editable by the secretariat."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("entity type")
        verbose_name_plural = _("entity types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Entity(models.Model):
    """An organisation that pledges: a government, company, NGO, university or international body."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    entity_type = models.ForeignKey(EntityType, models.PROTECT, related_name="entities", verbose_name=_("entity type"))
    home_country = models.ForeignKey(
        "geo.Country", models.PROTECT, null=True, blank=True, related_name="entities", verbose_name=_("home country")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("The secretariat has confirmed this organisation exists.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="entities_entity_unique_name_ci")]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Membership(models.Model):
    """A person acting for an entity, as its focal point or as a member; may be a pending request."""

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    entity = models.ForeignKey(Entity, models.CASCADE, related_name="memberships", verbose_name=_("entity"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "entity"], name="entities_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.entity} ({self.get_role_display()})"
