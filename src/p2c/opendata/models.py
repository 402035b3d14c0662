"""The bulk import's uploads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file of pledges uploaded by a reviewer for the bulk import, and what became of it.

    The file's bytes are kept here (not on disk), so that the preview and the import read exactly
    what was uploaded, on any web or task process. Its life: ``checking`` (the background task
    validates every row in a transaction it then rolls back) → ``checked`` (every row can be
    imported) or ``has_errors`` or ``invalid`` (not a readable CSV/XLSX file) → ``importing`` →
    ``imported`` (all rows written in one transaction) or ``failed`` (nothing written).
    ``rows`` holds the preview: for each row its number in the file, what importing it does
    (create, update, unchanged, error), the pledge it concerns and the errors by column.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Ready to import")
        HAS_ERRORS = "has_errors", _("Has errors")
        INVALID = "invalid", _("Not readable")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Import failed")

    class Mode(models.TextChoices):
        DRAFT = "draft", _("As drafts")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published directly")

    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"))
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    mode = models.CharField(_("import as"), max_length=20, choices=Mode.choices, default=Mode.DRAFT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, help_text=_("How many rows each action concerns: create, update, …")
    )
    rows = models.JSONField(_("rows"), default=list, blank=True, help_text=_("The preview, row by row."))
    message = models.TextField(
        _("message"), blank=True, help_text=_("Why the file could not be read, or why the import failed.")
    )

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_working(self) -> bool:
        """Whether a background task is still checking or importing it."""
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def can_import(self) -> bool:
        """Whether the "Import" button applies: checked, every row importable, something to do."""
        return self.status == self.Status.CHECKED and bool(
            self.summary.get("create", 0) + self.summary.get("update", 0)
        )
