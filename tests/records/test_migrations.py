"""The records migrations of issue 9 carry existing data over: run backwards, fed, run forwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from safeplan.imports.validation import key_fingerprint

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")
Migrate = Callable[[str], Apps]


@pytest.fixture
def migrate() -> Iterator[Migrate]:
    """Move the records app to a migration; its historical models. Forwards again afterwards."""

    def to(target: str) -> Apps:
        executor = MigrationExecutor(connection)
        executor.migrate([("records", target)])
        executor.loader.build_graph()
        return executor.loader.project_state([("records", target)]).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


class Feed:
    """Write batches and records through the historical models, as the old code left them."""

    def __init__(self, apps: Apps) -> None:
        self.Batch = apps.get_model("records", "ImportBatch")
        self.apps = apps

    def batch(self, source: str, status: str = "accepted", **more: Any) -> Any:
        return self.Batch.objects.create(
            dataset=more.pop("dataset", "challenges"), source=source, file_name=f"{source}.csv",
            file_sha256="0" * 64, submitted_by="t", status=status, **more,
        )  # fmt: skip

    def challenge(self, batch: Any, record_id: str, **state: Any) -> Any:
        model = self.apps.get_model("records", "ChallengesRecord")
        return model.objects.create(
            record_id=record_id, challenge_id=record_id, batch=batch,
            import_source=batch.source, row_number=2, raised_date=state.pop("raised", date(2024, 5, 3)),
            raised_by_agency="x", **state,
        )  # fmt: skip


def _state(apps: Apps, pk: int) -> tuple[bool, int | None]:
    record = apps.get_model("records", "ChallengesRecord").objects.get(pk=pk)
    return record.is_current, record.superseded_by_id


def test_versions_another_source_superseded_are_put_back(migrate: Migrate) -> None:
    feed = Feed(migrate("0002_clock_times_as_written"))
    health, police = feed.batch("health"), feed.batch("police")
    # police's CH-1001 made health's CH-1001 not current: the defect
    lost = feed.challenge(health, "CH-1001", superseded_by=police)
    kept = feed.challenge(police, "CH-1001", is_current=True)
    # X1: health, then police (over health's), then health again (over police's)
    x_health = feed.challenge(health, "X1", superseded_by=police)
    health_again = feed.batch("health")
    x_police = feed.challenge(police, "X1", superseded_by=health_again)
    x_again = feed.challenge(health_again, "X1", is_current=True)
    # W1: lost to police, then health resubmitted June without it
    w_lost = feed.challenge(health, "W1", superseded_by=police, raised=date(2024, 6, 3))
    june = feed.batch(
        "health", covers_from=date(2024, 6, 1), covers_to=date(2024, 6, 30), covers_stated=True
    )
    # a withdrawn batch's version is never brought back
    gone = feed.batch("health", status="withdrawn")
    withdrawn = feed.challenge(gone, "Z1", superseded_by=police)
    # a same-source supersession stays as it is
    police_again = feed.batch("police")
    own = feed.challenge(police, "P1", superseded_by=police_again)

    apps = migrate("0003_record_identity_by_source")

    assert _state(apps, lost.pk) == (True, None)
    assert _state(apps, kept.pk) == (True, None)
    assert _state(apps, x_health.pk) == (False, health_again.pk)
    assert _state(apps, x_police.pk) == (True, None)
    assert _state(apps, x_again.pk) == (True, None)
    assert _state(apps, w_lost.pk) == (False, june.pk)
    assert _state(apps, withdrawn.pk) == (False, police.pk)
    assert _state(apps, own.pk) == (False, police_again.pk)


def test_stored_instants_become_the_clock_times_they_show(migrate: Migrate) -> None:
    apps = migrate("0001_initial")
    feed = Feed(apps)
    batch = feed.batch("police", dataset="missing_episodes")
    written = {
        "E1": datetime(2024, 7, 1, 23, 30),  # BST
        "E2": datetime(2024, 1, 15, 23, 30),  # GMT
        "E3": datetime(2024, 10, 27, 1, 30, fold=1),  # the second 01:30 of the night
    }
    episodes = apps.get_model("records", "MissingEpisodesRecord")
    for record_id, clock in written.items():
        episodes.objects.create(
            record_id=record_id, episode_id=record_id, child_id="C1", batch=batch,
            import_source="police", row_number=2, missing_start=clock.replace(tzinfo=LONDON),
            rhi_completed_at=datetime(2024, 7, 2, 9, 0, tzinfo=UTC) if record_id == "E1" else None,
        )  # fmt: skip

    apps = migrate("0002_clock_times_as_written")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT record_id, missing_start, rhi_completed_at FROM records_missing_episodes"
        )
        raw = {rid: (str(start)[:19], done and str(done)[:19]) for rid, start, done in cursor}
    assert raw == {
        "E1": ("2024-07-01 23:30:00", "2024-07-02 10:00:00"),
        "E2": ("2024-01-15 23:30:00", None),
        "E3": ("2024-10-27 01:30:00", None),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT data_type FROM information_schema.columns "
                "WHERE table_name = 'records_missing_episodes' AND column_name IN (%s, %s, %s)",
                ["missing_start", "missing_end", "rhi_completed_at"],
            )
            assert {row[0] for row in cursor} == {"timestamp without time zone"}


def test_batches_get_the_keys_fingerprint_and_stored_reports_lose_raw_values(
    migrate: Migrate,
) -> None:
    feed = Feed(migrate("0003_record_identity_by_source"))
    pseudonymised = feed.batch("police", pseudonymised=True)
    plain = feed.batch("police")
    problems = [
        {"row": 2, "column": "child_id", "value": "C1234542", "rule": "R-V07", "message": "m"},
        {"row": 3, "column": None, "value": "stray text", "rule": "R-H04", "message": "m"},
        {"row": 4, "column": "raised_date", "value": "31/02/2024", "rule": "R-V02", "message": "m"},
        {"row": 5, "column": "outcome", "value": "Jo Bloggs said", "rule": "R-V09", "message": "m"},
        {"row": 6, "column": "stage", "value": "9", "rule": "R-V08", "message": "m"},
    ]
    rejected = feed.batch("police", status="rejected", errors=problems)

    with override_settings(PSEUDONYMISE_KEY="the-county-key"):
        apps = migrate("0004_batch_key_fingerprint_and_warnings")

    Batch = apps.get_model("records", "ImportBatch")
    assert Batch.objects.get(pk=pseudonymised.pk).key_fingerprint == key_fingerprint(
        "the-county-key"
    )
    assert Batch.objects.get(pk=plain.pk).key_fingerprint == ""
    shown = [p["value"] for p in Batch.objects.get(pk=rejected.pk).errors]
    assert shown == ["C1…42", "st…xt", "31/02/2024", "Jo…id", "9"]
