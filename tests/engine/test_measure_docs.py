from safeplan.engine.docs import render_measures
from safeplan.engine.measures import MEASURES


def test_the_measures_page_carries_every_definition_from_its_docstring():
    page = render_measures()
    for measure_id, measure in MEASURES.items():
        assert f"## {measure_id} `{measure.spec.slug}`" in page
        last_sentence = " ".join(measure.definition.split()).rsplit(". ", 1)[-1]
        assert last_sentence in page


def test_the_measures_page_lists_default_parameters():
    assert "`lookback_months` = 12" in render_measures()
    assert "`timescale_working_days` = 20" in render_measures()
