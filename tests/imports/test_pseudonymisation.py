"""One pseudonymisation key per database (R-O06), and reports that never hold raw identifiers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.conf import LazySettings
from django.test import Client, override_settings

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.cli import main
from safeplan.imports.validation import key_fingerprint, mask
from safeplan.imports.withdraw import batch_withdraw
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import GOOD_ROWS, rules_of, run_import

pytestmark = pytest.mark.django_db

CsvFile = Callable[..., Path]
KEY, OTHER_KEY = "county-key-" + "a" * 40, "county-key-" + "b" * 40
Referral = RECORD_MODELS["referrals"]


def referral(referral_id: str = "R1", **more: str) -> dict[str, str]:
    return {**GOOD_ROWS["referrals"], "referral_id": referral_id, **more}


def _import(csv_file: CsvFile, key: str | None, dataset: str = "referrals", **row: str) -> object:
    record = GOOD_ROWS[dataset] if dataset != "referrals" else referral(**row)
    with override_settings(PSEUDONYMISE_KEY=key):
        return run_import(dataset, csv_file([record], name=f"{ImportBatch.objects.count()}.csv"))


# --- the key's fingerprint -------------------------------------------------------


def test_a_batch_stores_the_keys_fingerprint_never_the_key(csv_file: CsvFile) -> None:
    batch = _import(csv_file, KEY).batch
    assert batch.key_fingerprint == key_fingerprint(KEY)
    assert len(batch.key_fingerprint) == 64
    assert KEY not in batch.key_fingerprint
    assert key_fingerprint(KEY) != key_fingerprint(OTHER_KEY)
    assert _import(csv_file, None, dataset="population").batch.key_fingerprint == ""


def test_an_import_under_a_different_key_is_refused(csv_file: CsvFile) -> None:
    first = _import(csv_file, KEY).batch
    outcome = _import(csv_file, OTHER_KEY, dataset="missing_episodes")
    assert rules_of(outcome) == ["R-O06"]
    message = outcome.problems[0].message
    assert "pseudonymised under a different key" in message
    assert f"batch {first.pk}" in message
    assert key_fingerprint(KEY)[:12] in message
    assert key_fingerprint(OTHER_KEY)[:12] in message
    assert OTHER_KEY not in message
    assert KEY not in message
    assert outcome.batch.status == ImportBatch.Status.REJECTED
    assert RECORD_MODELS["missing_episodes"].objects.count() == 0
    assert _import(csv_file, KEY, referral_id="R2").accepted  # the right key still works


@pytest.mark.parametrize(
    ("stored_under", "legacy", "now", "says"),
    [
        # pseudonymised records, and no key now
        (KEY, False, None, "SAFEPLAN_PSEUDONYMISE_KEY is not set"),
        # ids stored as received, and a key now
        (None, False, KEY, "hold identifiers as received"),
        # pseudonymised before fingerprints were kept, and upgraded without the key
        (KEY, True, KEY, "before key fingerprints were kept"),
    ],
)
def test_an_import_in_another_pseudonymisation_state_is_refused(
    csv_file: CsvFile, stored_under: str | None, legacy: bool, now: str | None, says: str
) -> None:
    stored = _import(csv_file, stored_under).batch
    if legacy:
        ImportBatch.objects.filter(pk=stored.pk).update(key_fingerprint="")
    outcome = _import(csv_file, now, referral_id="R2")
    assert rules_of(outcome) == ["R-O06"]
    assert says in outcome.problems[0].message
    assert Referral.objects.filter(record_id="R2").count() == 0


def test_population_holds_no_identifiers_and_is_never_refused(csv_file: CsvFile) -> None:
    _import(csv_file, KEY)
    assert _import(csv_file, OTHER_KEY, dataset="population").accepted


def test_withdrawn_and_rejected_batches_hold_no_records_to_match(csv_file: CsvFile) -> None:
    old = _import(csv_file, KEY).batch
    _import(csv_file, KEY, referral_date="31/02/2024")  # rejected
    batch_withdraw(batch=old, by=None)
    assert _import(csv_file, OTHER_KEY, referral_id="R2").accepted


# --- reports never hold raw identifiers -------------------------------------------

RAW_CHILD = "CHILD-0012345678-LONGER-THAN-SIXTY-FOUR-CHARACTERS-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RAW_OUTCOME = "Jo Bloggs told the officer " + "x" * 200


@pytest.fixture
def rejected(csv_file: CsvFile, tmp_path: Path) -> Path:
    """A file whose rows break rules on an identifier, free text, a code and a nameless column."""
    path = tmp_path / "challenges.csv"
    rows = [
        ["challenge_id", "raised_date", "raised_by_agency", "child_id", "outcome", "stage", ""],
        ["CH1", "2024-06-01", "Police", RAW_CHILD, RAW_OUTCOME, "9", "Mary Smith DOB"],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _assert_no_raw_values(text: str) -> None:
    for raw in (RAW_CHILD, RAW_CHILD[:20], "Jo Bloggs", "Mary Smith"):
        assert raw not in text


def test_a_rejected_row_shows_column_rule_and_a_masked_value(rejected: Path) -> None:
    outcome = run_import("challenges", rejected)
    shown = {(p.rule, p.column): p.value for p in outcome.problems}
    assert shown == {
        ("R-H04", None): mask("Mary Smith DOB"),  # a column outside the dataset
        ("R-V07", "child_id"): mask(RAW_CHILD),  # an identifier
        ("R-V09", "outcome"): mask(RAW_OUTCOME),  # free text
        ("R-V08", "stage"): "9",  # a number says nothing about anyone
    }
    assert mask(RAW_CHILD) == "CH…YZ"
    _assert_no_raw_values(str(outcome.batch.errors))


def test_the_command_line_prints_only_masked_values(rejected: Path) -> None:
    result = CliRunner().invoke(main, ["import", "challenges", str(rejected)])
    assert result.exit_code == 1
    assert 'child_id: "CH…YZ" is 77 characters long' in result.stderr
    _assert_no_raw_values(result.stderr + result.stdout)


def test_the_web_report_and_its_csv_show_only_masked_values(
    rejected: Path, client: Client, settings: LazySettings, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path  # whitenoise warns (an error here) when it is missing
    batch = run_import("challenges", rejected).batch
    client.force_login(user_create(username="ann", role=Role.ANALYST, password="x" * 20))
    page = client.get(f"/data/batches/{batch.pk}/").content.decode()
    download = client.get(f"/data/batches/{batch.pk}/problems.csv").content.decode("utf-8-sig")
    assert "CH…YZ" in page
    assert "CH…YZ" in download
    _assert_no_raw_values(page)
    _assert_no_raw_values(download)
    rows = list(csv.DictReader(io.StringIO(download)))
    assert {row["rule"] for row in rows} == {"R-H04", "R-V07", "R-V08", "R-V09"}
