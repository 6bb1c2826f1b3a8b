"""lib/config.py: the documented order, clear messages for bad values, secrets kept out of sight."""

import re
import sys
import types
from pathlib import Path

import pytest

from lib.config import SETTINGS, load_config, raw_value
from lib.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake_secrets(monkeypatch):
    secrets = {}
    monkeypatch.setitem(sys.modules, "streamlit", types.SimpleNamespace(secrets=secrets))
    return secrets


def test_order_is_argument_then_secrets_then_environment_then_default(monkeypatch, fake_secrets):
    assert raw_value("OPENAI_TEXT_MODEL") is None and load_config().openai_text_model == "gpt-5.4-mini"
    monkeypatch.setenv("OPENAI_TEXT_MODEL", "from-env")
    assert raw_value("OPENAI_TEXT_MODEL") == "from-env"
    fake_secrets["OPENAI_TEXT_MODEL"] = "from-secrets"
    assert raw_value("OPENAI_TEXT_MODEL") == "from-secrets"
    assert raw_value("OPENAI_TEXT_MODEL", {"OPENAI_TEXT_MODEL": "from-argument"}) == "from-argument"


def test_generator_defaults_to_offline_without_a_key_and_openai_with_one():
    assert load_config().generator == "offline"
    assert load_config(OPENAI_API_KEY="sk-test").generator == "openai"
    assert load_config(OPENAI_API_KEY="sk-test", CONTENT_GENERATOR="offline").generator == "offline"


def test_embedded_database_and_local_store_by_default(tmp_path):
    config = load_config(CONTENT_DATA_DIR=str(tmp_path))
    assert config.embedded_database and config.data_dir == tmp_path
    assert config.image_store == "local" and not config.supabase_enabled


@pytest.mark.parametrize("settings,message", [
    ({"CONTENT_GENERATOR": "openai"}, "CONTENT_GENERATOR is openai but OPENAI_API_KEY is not set. Set OPENAI_API_KEY"),
    ({"CONTENT_GENERATOR": "gpt"}, "CONTENT_GENERATOR must be one of openai, offline, not 'gpt'."),
    ({"OPENAI_TIMEOUT": "soon"}, "OPENAI_TIMEOUT must be a number of seconds, not 'soon'."),
    ({"OPENAI_MAX_RETRIES": "-1"}, "OPENAI_MAX_RETRIES must be at least 0."),
    ({"CONTENT_PRIVATE_BUCKET": "maybe"}, "CONTENT_PRIVATE_BUCKET must be true or false, not 'maybe'."),
    ({"SUPABASE_URL": "https://x.supabase.co"}, "Supabase is half configured: SUPABASE_ANON_KEY is not set."),
    ({"CONTENT_IMAGE_STORE": "supabase"}, "CONTENT_IMAGE_STORE is supabase but Supabase is not configured."),
    ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be a postgresql:// connection string."),
])
def test_bad_settings_say_how_to_fix_them(settings, message):
    with pytest.raises(ConfigError) as info:
        load_config(**settings)
    assert str(info.value).startswith(message)


def test_secrets_never_appear_in_the_config_repr():
    config = load_config(DATABASE_URL="postgresql://u:hunter2@db/x", OPENAI_API_KEY="sk-secret-key",
                         SUPABASE_URL="https://x.supabase.co", SUPABASE_ANON_KEY="anon-secret")
    text = repr(config)
    for secret in ("hunter2", "sk-secret-key", "anon-secret"):
        assert secret not in text


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    table = {m.group(1) for m in re.finditer(r"^\| `([A-Z_]+)` \|", readme, re.M)}
    assert table == set(SETTINGS)


def test_only_config_reads_the_environment():
    offenders = [
        str(p.relative_to(ROOT)) for p in [*ROOT.glob("lib/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "streamlit_app.py"]
        if p.name != "config.py" and re.search(r"os\.environ|os\.getenv|st\.secrets", p.read_text())
    ]
    assert offenders == []


def test_a_compatible_server_gets_its_own_model_and_a_cpu_s_patience():
    openai = load_config(OPENAI_API_KEY="sk-x")
    local = load_config(OPENAI_API_KEY="local", OPENAI_BASE_URL="http://127.0.0.1:8080/v1")
    assert (openai.openai_text_model, openai.openai_timeout) == ("gpt-5.4-mini", 60.0)
    assert (local.openai_text_model, local.openai_timeout) == (None, 600.0)  # None: asked of /v1/models
    assert load_config(OPENAI_BASE_URL="http://127.0.0.1:8080/v1", OPENAI_TIMEOUT="30",
                       OPENAI_TEXT_MODEL="qwen").openai_text_model == "qwen"
