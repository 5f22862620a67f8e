"""The page at ``/``: the active plan's words and the records loaded."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.plans.services import plan_load, plan_load_default
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.plans.test_default_plan import SEED, read_seed

PASSWORD = "correct-horse-battery"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/three-priorities.toml"

pytestmark = pytest.mark.django_db


def signed_in(client: Client, role: Role) -> Client:
    agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
    user = user_create(username=f"web-{role.slug}", role=role, password=PASSWORD, agency=agency)
    client.force_login(user)
    return client


@pytest.fixture
def reader(client: Client) -> Client:
    """A board member: the page shows only aggregates, which every role may see."""
    return signed_in(client, Role.BOARD_MEMBER)


def page_text(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def completions(n_current: int, n_old: int) -> None:
    batch = ImportBatch.objects.create(
        dataset="elearning_completions", source="schools", file_name="e.csv", file_sha256="0" * 64,
        submitted_by="test", status=ImportBatch.Status.ACCEPTED,
    )  # fmt: skip
    model = RECORD_MODELS["elearning_completions"]
    model.objects.bulk_create(
        model(
            record_id=f"C{n}",
            batch=batch,
            source="schools",
            row_number=n + 2,
            is_current=n < n_current,
            completion_id=f"C{n}",
            learner_id=f"L{n}",
            completed_date=dt.date(2018, 5, 1),
        )
        for n in range(n_current + n_old)
    )


def test_the_page_shows_the_default_plans_words(reader: Client) -> None:
    plan_load_default()
    text = page_text(reader)
    for words in (
        "LSCB Priorities Plan on a Page 2017-2020",
        "Every child and young person in County Durham feels safe and grows up safe from harm",
        "What are our priorities? (Objectives)",
        "What are we trying to achieve? (Key Measures)",
        "What are we going to do? (Planned Interventions)",
        "The aim is for children and young people to be free from the risk and harms of sexual exploitation",
        "Increase the instances where the views of the child is shared in CP conferences",
        "Increase young people's awareness of child abuse through the uptake of the new eLearning package",
        "<strong>Improve Information Sharing</strong> – Understanding the barriers to local information sharing and mitigate issues",
        "The voice and experience of the Practitioner is heard and barriers removed to assist with practice",
        "From 1 April 2017 to 31 March 2020",
    ):
        assert words in text


def test_the_page_lists_the_measures_in_the_order_of_the_plan(reader: Client) -> None:
    plan_load_default()
    text = page_text(reader)
    positions = [text.index(f'id="measure-M{n}"') for n in range(1, 13)]
    assert positions == sorted(positions)


def test_the_page_shows_another_plan_once_it_is_loaded(reader: Client) -> None:
    plan_load_default()
    plan_load(path=EXAMPLE)
    text = page_text(reader)
    assert "Example Partnership Plan 2021-2023" in text
    assert "More return interviews held within 48 hours" in text
    assert "LSCB Priorities Plan on a Page" not in text
    # This plan has no themes, so no themes heading either.
    assert "Cross-cutting themes" not in text


def test_the_page_counts_only_current_records_of_each_dataset(reader: Client) -> None:
    plan_load_default()
    completions(n_current=1234, n_old=3)
    response = reader.get("/")
    assert response.context["record_counts"][0][1] == "0"
    row = html.unescape(response.content.decode()).split('id="records-elearning_completions"')[1]
    assert ">eLearning completions</th>" in row.split("</tr>")[0]
    assert ">1,234</td>" in row.split("</tr>")[0]
    assert len(response.context["record_counts"]) == len(RECORD_MODELS)


def test_without_a_plan_the_page_says_how_to_load_one_and_still_counts_records(
    reader: Client,
) -> None:
    text = page_text(reader)
    assert "No plan loaded" in text
    assert "safeplan init --plan FILE" in text
    assert 'id="records-referrals"' in text


def test_the_page_is_read_in_a_fixed_number_of_queries(
    reader: Client, django_assert_max_num_queries
) -> None:
    plan_load_default()
    # Session and user (2), the plan (5), one count per dataset (12).
    with django_assert_max_num_queries(2 + 5 + len(RECORD_MODELS) + 2):
        reader.get("/")


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_see_the_plan_and_the_counts(client: Client, role: Role) -> None:
    plan_load_default()
    text = page_text(signed_in(client, role))
    assert "LSCB Priorities Plan on a Page 2017-2020" in text
    assert 'id="records-referrals"' in text


def test_an_outsider_who_is_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    plan_load_default()
    response = client.get("/")
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


@pytest.mark.skipif(not SEED.exists(), reason=f"seed document absent: {SEED}")
def test_the_page_carries_every_text_of_the_seed_page(reader: Client) -> None:
    plan_load_default()
    text = page_text(reader)
    seed = read_seed(SEED.read_text(encoding="utf-8"))
    texts = [seed.title, seed.vision, *seed.headings]
    texts += [t for pair in seed.priorities + seed.themes for t in pair]
    texts += [m for group in seed.measures for m in group]
    texts += [f"<strong>{n}</strong> – {d}" for group in seed.interventions for n, d in group]
    assert [t for t in texts if t not in text] == []
