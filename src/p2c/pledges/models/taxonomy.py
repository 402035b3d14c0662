"""The coalition's vocabulary for tagging pledges; seeded from ``p2c.pledges.taxonomy``, editable in the admin."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb."))


class FocusArea(models.Model):
    """One of the Action Framework's four focus areas (Access, Adoption, Value creation, Accelerate)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    colour = models.CharField(_("colour"), max_length=7, validators=[hex_colour], default="#1f5c99")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Pillar(models.Model):
    """An area of intervention within a focus area (e.g. Infrastructure within Access)."""

    focus_area = models.ForeignKey(FocusArea, models.PROTECT, related_name="pillars", verbose_name=_("focus area"))
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["focus_area__order", "order", "name"]

    def __str__(self) -> str:
        return self.name


class PledgeType(models.Model):
    """What kind of commitment a pledge is: financial, programmatic, policy or advocacy."""

    FINANCIAL = "financial"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pledge type")
        verbose_name_plural = _("pledge types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SDG(models.Model):
    """One of the 17 Sustainable Development Goals, with its official short title."""

    number = models.PositiveSmallIntegerField(
        _("number"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    short_title = models.CharField(_("short title"), max_length=100)
    colour = models.CharField(_("colour"), max_length=7, validators=[hex_colour], blank=True)

    class Meta:
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.short_title}"


class TargetGroup(models.Model):
    """A group of people a pledge is meant to benefit (women and girls, youth, rural communities, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name
