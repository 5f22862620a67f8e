"""Loading plans into the database: all or nothing, one active plan, history kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeplan.plans.models import Intervention, KeyMeasure, Plan, Priority, Theme
from safeplan.plans.planfile import PlanFileError
from safeplan.plans.selectors import measure_parameters, plan_active, plan_measure_parameters
from safeplan.plans.services import plan_load, plan_load_default

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/three-priorities.toml"
PLAN_MODELS = (Plan, Priority, KeyMeasure, Intervention, Theme)

pytestmark = pytest.mark.django_db


def table_sizes() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in PLAN_MODELS)


def test_loading_the_default_plan_stores_the_whole_page() -> None:
    plan = plan_load_default()
    assert plan.is_active
    assert table_sizes() == (1, 4, 12, 16, 4)
    assert [m.measure_id for m in KeyMeasure.objects.filter(priority__position=2)] == [
        "M4",
        "M5",
        "M6",
    ]


def test_the_measures_direction_and_unit_come_from_the_catalogue() -> None:
    plan_load_default()
    m3 = KeyMeasure.objects.get(measure_id="M3")
    assert (m3.direction, m3.unit) == ("increase", "percent")
    assert m3.definition == "Return interviews completed within agreed timescales"


def test_loading_the_same_text_again_changes_nothing() -> None:
    first = plan_load_default()
    again = plan_load_default()
    assert again.pk == first.pk
    assert table_sizes() == (1, 4, 12, 16, 4)


def test_loading_another_plan_makes_it_active_and_keeps_the_old_one_inactive() -> None:
    old = plan_load_default()
    new = plan_load(path=EXAMPLE)
    old.refresh_from_db()
    assert (old.is_active, new.is_active) == (False, True)
    assert new.source_name == "three-priorities.toml"
    active = plan_active()
    assert active is not None
    assert active.pk == new.pk
    assert [p.name for p in active.priorities.all()] == [
        "Missing children",
        "Neglect",
        "Listening to children",
    ]
    assert [[m.measure_id for m in p.measures.all()] for p in active.priorities.all()] == [
        ["M2", "M3"],
        ["M4", "M10"],
        ["M7", "M8"],
    ]
    assert list(active.themes.all()) == []


def test_reloading_the_old_plan_after_another_stores_it_afresh() -> None:
    plan_load_default()
    plan_load(path=EXAMPLE)
    reloaded = plan_load_default()
    assert reloaded.is_active
    assert Plan.objects.count() == 3
    assert Plan.objects.filter(is_active=True).count() == 1


def test_the_example_plans_override_reaches_the_measures_parameters() -> None:
    plan = plan_load(path=EXAMPLE)
    m3 = KeyMeasure.objects.get(plan=plan, measure_id="M3")
    assert measure_parameters(m3) == {"timescale_hours": 48, "include_away": False}
    assert plan_measure_parameters(plan)["M3"] == {"timescale_hours": 48}
    assert plan_measure_parameters(plan)["M2"] == {}


def test_list_overrides_come_back_as_tuples_as_the_catalogue_gives_them() -> None:
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace('id = "M2"', 'id = "M1"\nparameters = { risk_levels = ["high"] }')
        .replace('direction = "reduce"\n', "", 1)
    )
    plan = plan_load(text=text)
    assert plan_measure_parameters(plan)["M1"] == {"risk_levels": ("high",)}
    assert measure_parameters(KeyMeasure.objects.get(measure_id="M1"))["risk_levels"] == ("high",)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # Malformed TOML: an unclosed string.
        (lambda t: t.replace('title = "Example', 'title = "Example\n'), "not valid TOML"),
        # A missing field.
        (
            lambda t: t.replace('aim = "Neglect is recognised and acted on early"\n', ""),
            'priorities[2]: missing "aim"',
        ),
        # An unknown measure id.
        (
            lambda t: t.replace('id = "M10"', 'id = "M13"'),
            'priorities[2].measures[2]: unknown measure id "M13"',
        ),
        # A parameter name the measure does not have.
        (
            lambda t: t.replace("timescale_hours = 48", "timescale_days = 2"),
            "M3 has no parameter 'timescale_days'",
        ),
        # A parameter of the wrong type.
        (
            lambda t: t.replace("timescale_hours = 48", "timescale_hours = 48.5"),
            "must be int, not float",
        ),
    ],
)
def test_a_bad_plan_file_is_rejected_and_the_database_is_left_as_it_was(edit, message) -> None:
    active = plan_load_default()
    before = table_sizes()
    with pytest.raises(PlanFileError, match=r"^three-priorities\.toml: ") as caught:
        plan_load(text=edit(EXAMPLE.read_text(encoding="utf-8")), name="three-priorities.toml")
    assert message in str(caught.value)
    assert table_sizes() == before
    assert plan_active() == active


def test_a_missing_file_is_a_plan_file_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="cannot be read"):
        plan_load(path=tmp_path / "absent.toml")


def test_plan_load_needs_exactly_one_source() -> None:
    with pytest.raises(TypeError):
        plan_load()


def test_the_active_plan_and_its_whole_page_take_five_queries(django_assert_num_queries) -> None:
    plan_load_default()
    with django_assert_num_queries(5):
        plan = plan_active()
        assert plan is not None
        assert (
            sum(len(p.measures.all()) + len(p.interventions.all()) for p in plan.priorities.all())
            == 28
        )
        assert len(plan.themes.all()) == 4


def test_there_is_no_active_plan_before_one_is_loaded() -> None:
    assert plan_active() is None
