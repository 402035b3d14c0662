"""The bulk import's upload form."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from p2c.opendata.models import ImportBatch
from p2c.opendata.tables import MAX_FILE_BYTES

MODE_HELP = {
    ImportBatch.Mode.DRAFT: _(
        "New pledges are drafts: their lead entity's members check and submit them, then reviewers review "
        "them as usual. A draft may be incomplete."
    ),
    ImportBatch.Mode.SUBMITTED: _(
        "New pledges wait in the review queue until a reviewer publishes them. Each must be complete."
    ),
    ImportBatch.Mode.PUBLISHED: _(
        "For migrating a registry the secretariat has already reviewed: new pledges are public at once, "
        "with their published_at date if the file gives one, and updates may change published pledges. "
        "Each must be complete."
    ),
}


class ImportUploadForm(forms.Form):
    """A CSV or XLSX file of pledges and how to import them."""

    file = forms.FileField(
        label=_("File of pledges"),
        help_text=_("CSV (UTF-8) or Excel workbook (.xlsx), at most 10 MB and 20,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    mode = forms.ChoiceField(
        label=_("Import new pledges"),
        choices=ImportBatch.Mode.choices,
        initial=ImportBatch.Mode.DRAFT,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB. Split it into smaller files."),
                params={"size": MAX_FILE_BYTES // 2**20},
            )
        return upload

    def mode_options(self) -> list[tuple[str, str, str, bool]]:
        """``(value, label, help, checked)`` for each mode, for the template."""
        chosen = self["mode"].value() or ImportBatch.Mode.DRAFT
        return [
            (value, str(label), str(MODE_HELP[ImportBatch.Mode(value)]), value == chosen)
            for value, label in ImportBatch.Mode.choices
        ]
