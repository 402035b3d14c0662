"""What changed in a pledge under review: against its published version, and since changes were requested.

- A revision (``revision_of`` set) is compared field by field with the published pledge as it is now
  (``pledge_snapshot`` of both, ``snapshot_diff``).
- A pledge never published has no published version to compare with: the reviewer reads it whole.
- A pledge sent back for changes and submitted again also shows what the pledger changed since the
  last "changes requested", from the ``updated`` AuditEvents written after it (their
  ``changed_fields`` are ``{snapshot key: [before, after]}``).

Long texts are shown as a word-level diff (``difflib``), with long unchanged stretches shortened.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format

from p2c.core.models import AuditEvent
from p2c.pledges.models import Pledge
from p2c.pledges.snapshots import SNAPSHOT_LABELS, FieldChange, pledge_snapshot, snapshot_diff

# A text longer than this (or with a line break) is shown as a word-level diff rather than before/after.
LONG_TEXT = 80
# Words of unchanged text kept on each side of a change in a word-level diff.
CONTEXT_WORDS = 12

_TOKENS = re.compile(r"\s+|\S+")
# Snapshot keys holding ISO dates, shown as "9 June 2022".
DATE_KEYS = frozenset({"pledged_on", "start_date", "end_date"})


def display_value(key: str, value: Any) -> Any:
    """A snapshot value as the page shows it: dates unambiguous and in words, the rest as it is."""
    if key in DATE_KEYS and isinstance(value, str) and value:
        try:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class DiffPart:
    """A stretch of a word-level diff: ``same``, ``removed``, ``added``, or ``gap`` (unchanged text left out)."""

    kind: str
    text: str


@dataclass(frozen=True)
class ChangeView:
    """One changed field as the page shows it: the items added and removed, or the text before and after."""

    change: FieldChange

    @property
    def key(self) -> str:
        return self.change.key

    @property
    def label(self) -> str:
        return self.change.label

    @property
    def is_list(self) -> bool:
        return self.change.is_list

    @property
    def before(self) -> Any:
        return display_value(self.key, self.change.before)

    @property
    def after(self) -> Any:
        return display_value(self.key, self.change.after)

    @property
    def added(self) -> list[str]:
        return self.change.added

    @property
    def removed(self) -> list[str]:
        return self.change.removed

    @property
    def words(self) -> list[DiffPart] | None:
        """A word-level diff for long texts changed (not added or emptied); ``None`` otherwise."""
        before, after = self.change.before, self.change.after
        if self.is_list or not (isinstance(before, str) and isinstance(after, str) and before and after):
            return None
        if max(len(before), len(after)) <= LONG_TEXT and "\n" not in before + after:
            return None
        return word_diff(before, after)


@dataclass(frozen=True)
class ReviewChanges:
    """Everything the review page says about what changed."""

    published: Pledge | None  # the published pledge a revision would change
    since_published: list[ChangeView]  # empty unless this is a revision
    since_changes_requested: list[ChangeView] | None  # None when the pledge was never sent back
    changes_request: AuditEvent | None  # the last "changes requested", with the reviewer's comment

    @property
    def is_revision(self) -> bool:
        return self.published is not None


def word_diff(before: str, after: str) -> list[DiffPart]:
    """``before`` → ``after`` word by word: changed runs as one ``removed`` then one ``added`` part."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    matcher = difflib.SequenceMatcher(lambda token: token.isspace(), old, new, autojunk=False)
    raw: list[tuple[str, str, str]] = []  # (kind, removed text, added text)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            raw.append(("same", "".join(old[i1:i2]), ""))
        else:
            raw.append(("changed", "".join(old[i1:i2]), "".join(new[j1:j2])))
    # Spaces alone between two changes belong to the change: "a b" → "x y" reads as one replacement.
    merged: list[tuple[str, str, str]] = []
    for index, (kind, text, added) in enumerate(raw):
        between = 0 < index < len(raw) - 1 and raw[index - 1][0] == raw[index + 1][0] == "changed"
        if kind == "same" and text.isspace() and between:
            kind, added = "changed", text
        if merged and kind == merged[-1][0] == "changed":
            last = merged.pop()
            merged.append(("changed", last[1] + text, last[2] + added))
        else:
            merged.append((kind, text, added))
    parts: list[DiffPart] = []
    for index, (kind, text, added) in enumerate(merged):
        if kind == "same":
            parts.extend(_shortened(text, first=index == 0, last=index == len(merged) - 1))
            continue
        changed, core = text or added, (text or added).strip()
        if text and added or not core:
            parts += [DiffPart("removed", text), DiffPart("added", added)]
        else:
            # A pure insertion or deletion: the spaces around it are not part of the change.
            start = changed.index(core)
            parts += [
                DiffPart("same", changed[:start]),
                DiffPart("removed" if text else "added", core),
                DiffPart("same", changed[start + len(core) :]),
            ]
    return [part for part in parts if part.text]


def _shortened(text: str, *, first: bool, last: bool) -> list[DiffPart]:
    """Unchanged text, keeping only the words next to a change when it is long."""
    tokens = _TOKENS.findall(text)
    words = [i for i, token in enumerate(tokens) if not token.isspace()]
    keep_start = 0 if first else CONTEXT_WORDS
    keep_end = 0 if last else CONTEXT_WORDS
    if len(words) <= keep_start + keep_end + CONTEXT_WORDS:
        return [DiffPart("same", text)]
    parts = []
    if keep_start:
        parts.append(DiffPart("same", "".join(tokens[: words[keep_start]])))
    parts.append(DiffPart("gap", "…"))
    if keep_end:
        parts.append(DiffPart("same", "".join(tokens[words[-keep_end] :])))
    return parts


def changes_since_request(history: Sequence[AuditEvent]) -> tuple[list[ChangeView] | None, AuditEvent | None]:
    """What the pledger changed after the last "changes requested" (``None`` if never sent back), and that event."""
    requests = [i for i, event in enumerate(history) if event.action == "changes_requested"]
    if not requests:
        return None, None
    start = requests[-1]
    merged: dict[str, list[Any]] = {}
    for event in history[start + 1 :]:
        if event.action != "updated" or not isinstance(event.changed_fields, dict):
            continue
        for key, pair in event.changed_fields.items():
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            if key in merged:
                merged[key][1] = pair[1]
            else:
                merged[key] = list(pair)
    views = [
        ChangeView(FieldChange(key=key, label=str(label), before=merged[key][0], after=merged[key][1]))
        for key, label in SNAPSHOT_LABELS.items()
        if key in merged and merged[key][0] != merged[key][1]
    ]
    return views, history[start]


def review_changes(pledge: Pledge, history: Sequence[AuditEvent], snapshot: dict[str, Any]) -> ReviewChanges:
    """What changed in ``pledge`` (whose current ``snapshot`` is given) for the reviewer to check."""
    published = pledge.revision_of if pledge.revision_of_id else None
    since_published: list[ChangeView] = []
    if published is not None:
        since_published = [ChangeView(c) for c in snapshot_diff(pledge_snapshot(published), snapshot)]
    since_request, request = changes_since_request(history)
    return ReviewChanges(
        published=published,
        since_published=since_published,
        since_changes_requested=since_request,
        changes_request=request,
    )
