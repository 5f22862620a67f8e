import pytest

from safeplan.config import ConfigurationError, env_bool, env_choice, env_int, env_str, mode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SP_FLAG", raw)
    assert env_bool("SP_FLAG", default=not expected) is expected


def test_env_bool_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("SP_FLAG", "perhaps")
    with pytest.raises(ConfigurationError, match="SP_FLAG='perhaps' is not a boolean"):
        env_bool("SP_FLAG", default=False)


def test_env_str_without_default_names_the_missing_variable(monkeypatch):
    monkeypatch.delenv("SP_MISSING", raising=False)
    with pytest.raises(ConfigurationError, match="SP_MISSING must be set"):
        env_str("SP_MISSING")


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("SP_INT", "twelve")
    with pytest.raises(ConfigurationError, match="not a whole number"):
        env_int("SP_INT", default=1)


def test_env_choice_lists_the_choices(monkeypatch):
    monkeypatch.setenv("SAFEPLAN_MODE", "staging")
    with pytest.raises(ConfigurationError, match="production, demo, test"):
        mode()
    assert env_choice("SP_UNSET_CHOICE", choices=("a", "b"), default="a") == "a"


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    import subprocess
    import sys

    env = {"SAFEPLAN_MODE": "production", "PATH": "/usr/bin:/bin"}
    code = "import safeplan.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
