"""The word-level diff of long texts and the merging of edits made after changes were requested."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from p2c.pledges.snapshots import FieldChange
from p2c.review.changes import ChangeView, DiffPart, changes_since_request, display_value, word_diff


def event(action: str, changed: dict[str, Any] | None = None) -> Any:
    return SimpleNamespace(action=action, changed_fields=changed or {}, created_at=None, comment="")


def test_a_replaced_run_of_words_reads_as_one_removal_then_one_addition() -> None:
    assert word_diff("We connect a b c schools.", "We connect x y z schools.") == [
        DiffPart("same", "We connect "),
        DiffPart("removed", "a b c"),
        DiffPart("added", "x y z"),
        DiffPart("same", " schools."),
    ]


def test_an_insertion_does_not_mark_the_spaces_around_it() -> None:
    assert word_diff("Connect schools", "Connect rural schools") == [
        DiffPart("same", "Connect "),
        DiffPart("added", "rural"),
        DiffPart("same", " "),
        DiffPart("same", "schools"),
    ]


def test_long_unchanged_stretches_are_shortened_around_the_change() -> None:
    words = [f"w{i}" for i in range(100)]
    before = " ".join(words)
    after = before.replace("w50", "fifty")
    parts = word_diff(before, after)
    assert [p.kind for p in parts] == ["gap", "same", "removed", "added", "same", "gap"]
    assert parts[1].text.split()[0] == "w38" and parts[4].text.split()[-1] == "w62"
    assert "".join(p.text for p in parts if p.kind in ("same", "added")).count("w") == 24


def test_only_long_texts_get_a_word_diff() -> None:
    short = ChangeView(FieldChange(key="title", label="Title", before="Connect 100", after="Connect 200"))
    assert short.words is None
    long = ChangeView(FieldChange(key="summary", label="Summary", before="a " * 50, after="b " * 50))
    assert long.words is not None
    added = ChangeView(FieldChange(key="summary", label="Summary", before="", after="a " * 50))
    assert added.words is None  # nothing to compare with: shown as it is now
    listed = ChangeView(FieldChange(key="countries", label="Countries", before=["Kenya"], after=["Kenya", "Uganda"]))
    assert listed.words is None and listed.added == ["Uganda"] and listed.removed == []


def test_dates_are_shown_in_words() -> None:
    assert display_value("start_date", "2026-06-09") == "9 June 2026"
    assert display_value("start_date", "") == ""
    assert display_value("title", "2026-06-09") == "2026-06-09"


def test_edits_after_the_last_request_are_merged_from_first_before_to_last_after() -> None:
    history = [
        event("updated", {"title": ["A", "B"]}),  # before the request: not shown
        event("changes_requested"),
        event("updated", {"summary": ["one", "two"], "title": ["B", "C"]}),
        event("updated", {"summary": ["two", "three"], "title": ["C", "B"], "bogus": "x"}),
        event("submitted"),
    ]
    views, request = changes_since_request(history)
    assert request is history[1]
    assert views is not None
    assert [(v.key, v.before, v.after) for v in views] == [("summary", "one", "three")]  # the title came back


def test_a_pledge_never_sent_back_has_no_such_changes() -> None:
    assert changes_since_request([event("created"), event("submitted")]) == (None, None)
