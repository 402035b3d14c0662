"""Countries, the regions they belong to and the UN country groupings (reference data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from p2c.geo.names import country_name, region_name


class Region(models.Model):
    """A named group of countries: a UN M49 region, sub-region or intermediate region, or an ITU region.

    Pledges may name regions as their scope; countries point at the regions they belong to.
    """

    class Kind(models.TextChoices):
        M49_REGION = "m49_region", _("UN M49 region")
        M49_SUBREGION = "m49_subregion", _("UN M49 sub-region")
        M49_INTERMEDIATE = "m49_intermediate", _("UN M49 intermediate region")
        ITU_REGION = "itu_region", _("ITU region")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("code"), max_length=20, help_text=_("M49 numeric code (e.g. 002) or ITU region slug (e.g. arab-states).")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="geo_region_unique_kind_code")]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the active language."""
        return region_name(self.name)


class Country(models.Model):
    """An ISO 3166-1 country or territory, with its regions, UN groupings and income group."""

    class IncomeGroup(models.TextChoices):
        LOW = "L", _("Low income")
        LOWER_MIDDLE = "LM", _("Lower-middle income")
        UPPER_MIDDLE = "UM", _("Upper-middle income")
        HIGH = "H", _("High income")

    class SidsStatus(models.TextChoices):
        NONE = "", _("Not a SIDS")
        UN_MEMBER = "member", _("SIDS (UN member)")
        ASSOCIATE = "associate", _("SIDS (non-UN member / associate member of a regional commission)")

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    m49_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("M49 region")
    )
    m49_subregion = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("M49 sub-region")
    )
    m49_intermediate_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("M49 intermediate region")
    )
    itu_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ITU region")
    )
    income_group = models.CharField(_("income group"), max_length=2, choices=IncomeGroup.choices, blank=True)
    is_ldc = models.BooleanField(_("LDC"), default=False, help_text=_("Least Developed Country"))
    is_lldc = models.BooleanField(_("LLDC"), default=False, help_text=_("Landlocked Developing Country"))
    sids_status = models.CharField(_("SIDS"), max_length=10, choices=SidsStatus.choices, blank=True)
    is_sids = models.BooleanField(_("SIDS"), default=False, help_text=_("Small Island Developing State"))

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the active language (pycountry's ISO 3166-1 translations; the stored name in English)."""
        return country_name(self.iso2, self.name)


class ReferenceList(models.Model):
    """Provenance of one loaded reference list (LDC, LLDC, SIDS, income groups, M49, ITU, ISO 3166)."""

    code = models.SlugField(_("code"), primary_key=True, max_length=30)
    name = models.CharField(_("name"), max_length=200)
    as_of = models.DateField(_("list dated"))
    source = models.CharField(_("source"), max_length=300)
    url = models.URLField(_("source URL"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("reference list")
        verbose_name_plural = _("reference lists")

    def __str__(self) -> str:
        return f"{self.name} ({self.as_of:%d %B %Y})"
