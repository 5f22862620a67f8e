from safeplan import docs


def test_the_committed_generated_docs_match_the_code():
    assert docs.main(["--check"]) == 0
