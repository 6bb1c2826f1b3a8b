"""Provider selection from configuration, and the package's boundaries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from lib.config import load_config
from lib.errors import ConfigError, GeneratorAuthError, InputError
from lib.generate import Generator, get_generator, providers, register
from lib.generate.offline import OfflineGenerator
from lib.generate.openai_provider import OpenAIGenerator

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("CONTENT_GENERATOR", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_TEXT_MODEL",
                 "OPENAI_IMAGE_MODEL", "OPENAI_TIMEOUT", "OPENAI_MAX_RETRIES"):
        monkeypatch.delenv(name, raising=False)


def test_no_key_means_offline():
    config = load_config(OPENAI_API_KEY="")
    gen = get_generator(config)
    # The sidebar's "Offline demo mode" notice (tests/test_app_home.py) is shown from config.generator.
    assert isinstance(gen, OfflineGenerator) and gen.offline and config.generator == "offline"


def test_a_key_means_openai_with_the_configured_models(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_TEXT_MODEL", "gpt-4.1-mini")
    monkeypatch.setenv("OPENAI_IMAGE_MODEL", "gpt-image-1.5")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "5")
    monkeypatch.setenv("OPENAI_TIMEOUT", "20")
    gen = get_generator(load_config())
    assert isinstance(gen, OpenAIGenerator) and not gen.offline
    assert (gen.text_model, gen.image_model, gen.max_retries, gen.timeout) == ("gpt-4.1-mini", "gpt-image-1.5", 5, 20.0)
    assert gen.image_models[0] == "gpt-image-1.5" and "gpt-image-1" not in gen.image_models  # shut down


def test_setting_offline_wins_over_a_key():
    gen = get_generator(load_config(OPENAI_API_KEY="sk-x", CONTENT_GENERATOR="offline"))
    assert isinstance(gen, OfflineGenerator)


def test_provider_keywords_reach_the_openai_client():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(401, json={"error": {"message": "bad key"}})

    config = load_config(OPENAI_API_KEY="sk-x", OPENAI_BASE_URL="http://llm.internal:8000/v1",
                         OPENAI_TEXT_MODEL="local-model")
    gen = get_generator(config, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(GeneratorAuthError):
        gen.themes("Some notes about onboarding.")
    assert seen == ["http://llm.internal:8000/v1/chat/completions"]


def test_unknown_provider_is_a_config_error_and_new_ones_can_register():
    with pytest.raises(ConfigError, match="CONTENT_GENERATOR"):
        get_generator(SimpleNamespace(generator="nope"))
    register("offline-copy", lambda config, **kw: OfflineGenerator())
    try:
        assert isinstance(get_generator(SimpleNamespace(generator="offline-copy")), Generator)
        assert {"offline", "openai"} <= set(providers())
    finally:
        from lib.generate import _REGISTRY

        _REGISTRY.pop("offline-copy", None)


def test_generators_never_import_streamlit():
    code = (
        "import sys, lib.generate, lib.generate.offline, lib.generate.openai_provider;"
        "assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)
    for path in (ROOT / "lib" / "generate").glob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path


def test_images_have_their_own_provider():
    local_text = get_generator(load_config(CONTENT_GENERATOR="openai", OPENAI_API_KEY="k",
                                           OPENAI_BASE_URL="http://127.0.0.1:8080/v1"))
    assert isinstance(local_text.images_from, OfflineGenerator)  # a local text server: images still work
    assert local_text.image("A red kite over green hills").model_used == local_text.images_from.image_model
    off = get_generator(load_config(CONTENT_IMAGE_GENERATOR="none"))
    assert off.image_choices == ()
    with pytest.raises(InputError, match="Images are turned off"):
        off.image("A red kite")
    assert get_generator(load_config(CONTENT_GENERATOR="openai", OPENAI_API_KEY="k")).images_from is None
    assert load_config(CONTENT_GENERATOR="openai", OPENAI_API_KEY="k").openai_image_model == "gpt-image-2"
