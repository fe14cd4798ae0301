"""The record forms (new record, correction): the fields a browser sends, and the library's validation issues
(tollbook.records.check_input, the importers' own rules) arranged by field so each shows beside its input."""

from __future__ import annotations

from tollbook.model import Record
from tollbook.records import CONFIDENTIAL_FIELDS, INPUT_FIELDS, InputIssue, plain_value
from tollbook.web.issue_words import ShownIssue, shown_issue

FORM_FIELDS = ("given_name", "family_name", "father_name", "sex", "age", "date_of_death", "province", "city",
               "status", "cause", "perpetrator", "record_id", "evidence", "place_detail", "notes")
assert set(FORM_FIELDS) == set(INPUT_FIELDS), "the form shows every field tollbook.records reads"
RECORD_FIELD = {"record_id": "source_record_id", "evidence": "evidence_refs"}
MAX_FIELD = 5000
Messages = dict[str, list[ShownIssue]]


def form_values(record: Record) -> dict[str, str]:
    """A record's fields as the form shows them: what the source wrote where the record kept it."""
    values = {}
    for name in FORM_FIELDS:
        if name == "date_of_death":
            value = record.date_text or plain_value(record.date_of_death)
        else:
            value = plain_value(getattr(record, RECORD_FIELD.get(name, name)))
        values[name] = "" if value is None else str(value)
    return values


def submitted(form: object) -> dict[str, str]:
    """The form's field texts (each cut to MAX_FIELD characters)."""
    return {name: str(form.get(name, "") or "")[:MAX_FIELD] for name in FORM_FIELDS}  # type: ignore[attr-defined]


def messages_of(issues: tuple[InputIssue, ...], lang: str = "en") -> Messages:
    """The library's issues by field, in the page's language (tollbook.web.issue_words)."""
    messages: Messages = {}
    for issue in issues:
        messages.setdefault(issue.field, []).append(shown_issue(lang, issue))
    return messages


def typed_changes(record: Record, values: dict[str, str], may_edit_confidential: bool) -> dict[str, str]:
    """The field texts the user changed from what the form showed (confidential ones only for roles that may
    see them): what tollbook.records.correct_record is asked to change."""
    shown = form_values(record)
    return {name: text.strip() for name, text in values.items()
            if text.strip() != shown[name].strip()
            and (may_edit_confidential or RECORD_FIELD.get(name, name) not in CONFIDENTIAL_FIELDS)}
