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


# --- pseudonymisation (issue 9, item 6) ---------------------------------------


def _production(tmp_path, **variables):
    """Start `safeplan manage check` in production with these variables; its completed process."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLAN_")}
    env = {
        **inherited,
        "SAFEPLAN_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        **variables,
    }
    command = [str(Path(sys.executable).parent / "safeplan"), "manage", "check"]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path)


def test_production_refuses_to_start_without_a_pseudonymisation_key(tmp_path):
    result = _production(tmp_path)
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "SAFEPLAN_PSEUDONYMISE_KEY must be set in production" in result.stderr
    assert "SAFEPLAN_PSEUDONYMISE=off" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_starts_when_pseudonymisation_is_switched_off_explicitly(tmp_path):
    result = _production(tmp_path, SAFEPLAN_PSEUDONYMISE="off")
    assert result.returncode == 0, result.stderr


def test_production_starts_with_a_long_key(tmp_path):
    result = _production(tmp_path, SAFEPLAN_PSEUDONYMISE_KEY="k" * 48)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        # a short key can be guessed, and with it every pseudonym
        ({"SAFEPLAN_PSEUDONYMISE_KEY": "county"}, "at least 32 characters"),
        # off and a key at once: which one was meant?
        ({"SAFEPLAN_PSEUDONYMISE": "off", "SAFEPLAN_PSEUDONYMISE_KEY": "k" * 48}, "both set"),
        # a typo is not "off"
        ({"SAFEPLAN_PSEUDONYMISE": "of"}, "is not a boolean"),
    ],
)
def test_a_doubtful_pseudonymisation_setting_is_refused(monkeypatch, variables, message):
    from safeplan.config import pseudonymise_key

    for name in ("SAFEPLAN_PSEUDONYMISE", "SAFEPLAN_PSEUDONYMISE_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        pseudonymise_key("production")


def test_demo_and_test_need_no_key(monkeypatch):
    from safeplan.config import pseudonymise_key

    monkeypatch.delenv("SAFEPLAN_PSEUDONYMISE_KEY", raising=False)
    monkeypatch.delenv("SAFEPLAN_PSEUDONYMISE", raising=False)
    assert pseudonymise_key("demo") is None
    monkeypatch.setenv("SAFEPLAN_PSEUDONYMISE_KEY", "short-is-fine-outside-production")
    assert pseudonymise_key("test") == "short-is-fine-outside-production"
