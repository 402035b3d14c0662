"""The three decisions a reviewer takes, each a small form carrying the version the reviewer saw.

Whether a comment or reason is required is the transitions' rule (``p2c.pledges.transitions``);
their ``ValidationError`` is shown next to the text box, which keeps what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p2c.pledges.transitions import COMMENT_MAX_LENGTH


def _text_box(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": COMMENT_MAX_LENGTH})


class DecisionForm(forms.Form):
    """A decision on the version of the pledge shown on the page (``version``: optimistic locking)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # The name of the text field, as the transition function calls it.
    text_field = "comment"

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = action

    @property
    def text(self) -> forms.BoundField:
        return self[self.text_field]


class PublishForm(DecisionForm):
    """Publish: an optional comment for the pledger."""

    comment = forms.CharField(
        label=_("Comment for the pledger (optional)"),
        required=False,
        widget=_text_box(3),
        help_text=_("Sent with the email saying the pledge is published."),
    )


class RequestChangesForm(DecisionForm):
    """Send back for changes: the comment is required."""

    comment = forms.CharField(
        label=_("What needs to change (required)"),
        required=False,
        widget=_text_box(),
        help_text=_("The pledger receives this by email and can edit the pledge and submit it again."),
    )


class RejectForm(DecisionForm):
    """Reject: the reason is required."""

    text_field = "reason"
    reason = forms.CharField(
        label=_("Why the pledge is rejected (required)"),
        required=False,
        widget=_text_box(),
        help_text=_("The pledger receives this by email. A rejected pledge cannot be submitted again."),
    )


DECISION_FORMS: dict[str, type[DecisionForm]] = {
    "publish": PublishForm,
    "request_changes": RequestChangesForm,
    "reject": RejectForm,
}
