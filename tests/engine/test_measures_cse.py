"""M1 CSE referrals, M2 repeat missing, M3 return home interviews: hand-made edge cases."""

import pytest

from tests.engine.measure_helpers import figures, inputs, result


def _referral(rid, day, risk=None, child="c1", locality=None):
    return {
        "referral_id": rid,
        "child_id": child,
        "referral_date": day,
        "cse_risk": risk,
        "locality": locality,
    }


@pytest.mark.parametrize(
    ("referrals", "period", "expected"),
    [
        # medium and high count; low, none and not screened are only in the denominator
        (
            [
                _referral("r1", "2018-07-02", "medium"),
                _referral("r2", "2018-07-03", "high"),
                _referral("r3", "2018-07-04", "low"),
                _referral("r4", "2018-07-05", "none"),
                _referral("r5", "2018-07-06", None),
            ],
            "2018-07",
            (2.0, 2.0, 5.0),
        ),
        # events on the first and last day of the period are inside it
        (
            [_referral("r1", "2018-07-01", "high"), _referral("r2", "2018-07-31", "high")],
            "2018-07",
            (2.0, 2.0, 2.0),
        ),
        # ... and a day either side is outside
        (
            [_referral("r1", "2018-06-30", "high"), _referral("r2", "2018-08-01", "high")],
            "2018-07",
            (0.0, 0.0, 0.0),
        ),
        # 29 February belongs to February of a leap year
        ([_referral("r1", "2020-02-29", "medium")], "2020-02", (1.0, 1.0, 1.0)),
        # an empty covered period is a count of 0
        ([], "2018-19", (0.0, 0.0, 0.0)),
    ],
)
def test_m1_counts_medium_and_high_risk_referrals_in_the_period(referrals, period, expected):
    assert figures(result("M1", inputs(referrals=referrals), period)) == expected


def test_m1_reports_the_share_and_breaks_down_by_risk_level():
    data = inputs(
        referrals=[
            _referral("r1", "2018-07-02", "medium"),
            _referral("r2", "2018-07-03", "low"),
            _referral("r3", "2018-07-04", None),
            _referral("r4", "2018-07-05", "medium"),
        ]
    )
    assert result("M1", data, "2018-07")["secondary"] == {"share": 50.0}
    assert figures(result("M1", data, "2018-07", "risk_level", "medium")) == (2.0, 2.0, 2.0)
    assert figures(result("M1", data, "2018-07", "risk_level", "low")) == (0.0, 0.0, 1.0)
    assert figures(result("M1", data, "2018-07", "risk_level", "high")) == (0.0, 0.0, 0.0)
    assert figures(result("M1", data, "2018-07", "risk_level", "Unknown")) == (0.0, 0.0, 1.0)


def test_m1_risk_levels_can_be_overridden_by_the_plan():
    data = inputs(
        parameters={"M1": {"risk_levels": ["high"]}},
        referrals=[_referral("r1", "2018-07-02", "medium"), _referral("r2", "2018-07-03", "high")],
    )
    row = result("M1", data, "2018-07")
    assert figures(row) == (1.0, 1.0, 2.0)
    assert row["parameters"] == {"risk_levels": ["high"]}


def _episode(eid, start, end=None, child="c1", **extra):
    return {
        "episode_id": eid,
        "child_id": child,
        "missing_start": start,
        "missing_end": end,
    } | extra


@pytest.mark.parametrize(
    ("episodes", "period", "parameters", "expected"),
    [
        # two episodes in the month: counted; one-episode child only in the denominator
        (
            [
                _episode("e1", "2018-07-01 00:00"),
                _episode("e2", "2018-07-31 23:59"),
                _episode("e3", "2018-07-10 12:00", child="c2"),
            ],
            "2018-07",
            {},
            (1.0, 1.0, 2.0),
        ),
        # the second episode starts in the next month: not repeat in July, repeat in the quarter
        (
            [_episode("e1", "2018-07-31 22:00"), _episode("e2", "2018-08-01 01:00")],
            "2018-07",
            {},
            (0.0, 0.0, 1.0),
        ),
        (
            [_episode("e1", "2018-07-31 22:00"), _episode("e2", "2018-08-01 01:00")],
            "2018-19 Q2",
            {},
            (1.0, 1.0, 1.0),
        ),
        # away episodes do not count by default; a blank type counts as missing
        (
            [
                _episode("e1", "2018-07-02 10:00", episode_type="away"),
                _episode("e2", "2018-07-03 10:00", episode_type=None),
            ],
            "2018-07",
            {},
            (0.0, 0.0, 1.0),
        ),
        # ... unless the plan includes them
        (
            [
                _episode("e1", "2018-07-02 10:00", episode_type="away"),
                _episode("e2", "2018-07-03 10:00", episode_type="missing"),
            ],
            "2018-07",
            {"include_away": True},
            (1.0, 1.0, 1.0),
        ),
        # a higher threshold
        (
            [_episode("e1", "2018-07-02 10:00"), _episode("e2", "2018-07-03 10:00")],
            "2018-07",
            {"min_episodes": 3},
            (0.0, 0.0, 1.0),
        ),
        # a child still missing (no end) counts by the start
        (
            [_episode("e1", "2018-07-02 10:00"), _episode("e2", "2018-07-03 10:00")],
            "2018-07",
            {},
            (1.0, 1.0, 1.0),
        ),
    ],
)
def test_m2_counts_children_missing_at_least_twice(episodes, period, parameters, expected):
    data = inputs(parameters={"M2": parameters}, missing_episodes=episodes)
    assert figures(result("M2", data, period)) == expected


def test_m2_gives_a_child_the_locality_of_their_latest_episode():
    data = inputs(
        children=[{"child_id": "c1", "locality": "South"}],
        missing_episodes=[
            _episode("e1", "2018-07-02 10:00", locality="North"),
            _episode("e2", "2018-07-20 10:00", locality="East"),
            # a later episode without a locality takes the child's
            _episode("e3", "2018-08-20 10:00"),
        ],
    )
    assert result("M2", data, "2018-07", "locality", "East")["value"] == 1.0
    assert result("M2", data, "2018-07", "locality", "North")["value"] == 0.0
    assert result("M2", data, "2018-19 Q2", "locality", "South")["value"] == 1.0
    assert result("M2", data, "2018-19 Q2", "locality", "East")["value"] == 0.0


def test_m2_breaks_ties_in_time_by_the_highest_episode_id_as_text():
    data = inputs(
        missing_episodes=[
            _episode("e9", "2018-07-02 10:00", locality="North"),
            _episode("e10", "2018-07-02 10:00", locality="East"),
        ]
    )
    # "e9" > "e10" compared as text
    assert result("M2", data, "2018-07", "locality", "North")["value"] == 1.0


def test_m2_counts_a_child_as_looked_after_if_any_episode_was_from_care():
    data = inputs(
        missing_episodes=[
            _episode("e1", "2018-07-02 10:00", looked_after=True),
            _episode("e2", "2018-07-03 10:00", looked_after=False),
            _episode("e3", "2018-07-03 10:00", child="c2", looked_after=None),
            _episode("e4", "2018-07-04 10:00", child="c2"),
        ]
    )
    assert figures(result("M2", data, "2018-07", "looked_after", "looked after")) == (1.0, 1.0, 1.0)
    assert figures(result("M2", data, "2018-07", "looked_after", "not looked after")) == (
        1.0,
        1.0,
        1.0,
    )


def test_m2_reports_a_rate_per_10000_where_population_is_loaded():
    episodes = [
        _episode("e1", "2019-02-02 10:00", locality="North"),
        _episode("e2", "2019-02-03 10:00", locality="North"),
    ]
    data = inputs(
        missing_episodes=episodes,
        # the financial year 2018-19 uses the 2018 mid-year estimate
        population=[
            {"year": 2018, "locality": None, "population_0_17": 40000},
            {"year": 2018, "locality": "North", "population_0_17": 5000},
            {"year": 2019, "locality": None, "population_0_17": 1},
        ],
    )
    assert result("M2", data, "2019-02")["secondary"] == {"rate_per_10000": 0.25}
    assert result("M2", data, "2019-02", "locality", "North")["secondary"] == {
        "rate_per_10000": 2.0
    }
    without = inputs(missing_episodes=episodes)
    assert result("M2", without, "2019-02")["secondary"] == {"rate_per_10000": None}


@pytest.mark.parametrize(
    ("episode", "numerator", "denominator", "declined"),
    [
        # completed exactly 72 hours after the return: in time
        (
            _episode(
                "e1", "2018-07-01 10:00", "2018-07-02 10:00", rhi_completed_at="2018-07-05 10:00"
            ),
            1,
            1,
            0,
        ),
        # a minute late
        (
            _episode(
                "e1", "2018-07-01 10:00", "2018-07-02 10:00", rhi_completed_at="2018-07-05 10:01"
            ),
            0,
            1,
            0,
        ),
        # declined interviews stay in the denominator and are reported
        (_episode("e1", "2018-07-01 10:00", "2018-07-02 10:00", rhi_declined=True), 0, 1, 1),
        # never completed
        (_episode("e1", "2018-07-01 10:00", "2018-07-02 10:00"), 0, 1, 0),
        # still missing: no end, not in any period
        (_episode("e1", "2018-07-01 10:00", None), 0, 0, 0),
        # it is the end that places the episode: started in June, returned in July
        (
            _episode(
                "e1", "2018-06-30 23:00", "2018-07-01 00:30", rhi_completed_at="2018-07-01 09:00"
            ),
            1,
            1,
            0,
        ),
        # returned just before midnight on the last day: in July, the deadline runs into August
        (
            _episode(
                "e1", "2018-07-31 20:00", "2018-07-31 23:59", rhi_completed_at="2018-08-03 23:59"
            ),
            1,
            1,
            0,
        ),
        # an away episode is not counted
        (_episode("e1", "2018-07-01 10:00", "2018-07-02 10:00", episode_type="away"), 0, 0, 0),
    ],
)
def test_m3_counts_return_interviews_within_72_hours(episode, numerator, denominator, declined):
    row = result("M3", inputs(missing_episodes=[episode]), "2018-07")
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    assert row["secondary"] == {"declined": declined}
    assert row["value"] == (100.0 * numerator / denominator if denominator else None)


def test_m3_timescale_can_be_overridden():
    episode = _episode(
        "e1", "2018-07-01 10:00", "2018-07-02 10:00", rhi_completed_at="2018-07-03 10:00"
    )
    data = inputs(parameters={"M3": {"timescale_hours": 12}}, missing_episodes=[episode])
    assert result("M3", data, "2018-07")["value"] == 0.0


def test_m3_percentage_of_a_third():
    episodes = [
        _episode("e1", "2018-07-01 10:00", "2018-07-02 10:00", rhi_completed_at="2018-07-02 11:00"),
        _episode("e2", "2018-07-01 10:00", "2018-07-02 10:00"),
        _episode("e3", "2018-07-01 10:00", "2018-07-02 10:00"),
    ]
    assert result("M3", inputs(missing_episodes=episodes), "2018-07")["value"] == 100.0 * 1 / 3
