"""The only place that reads configuration.

Order: explicit argument, then `st.secrets` (only when Streamlit is already
loaded: we never import it from here), then the environment, then the default.
Every setting is declared once in `SETTINGS`; the README's configuration table
lists the same names (a test keeps the two in step).
"""

from __future__ import annotations

import hashlib

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from lib.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    secret: bool = False


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("DATABASE_URL", None, "PostgreSQL connection string. Unset: an embedded PostgreSQL starts in `CONTENT_DATA_DIR`.", secret=True),
        Setting("DATABASE_RUNTIME_URL", None, "Connection string of the runtime role that pipeline queries log in as (no superuser, no BYPASSRLS, owns nothing, member of `authenticated`; see Supabase mode). Unset with `DATABASE_URL`: the owner connection is used, and the log says so. The embedded default makes its own.", secret=True),
        Setting("CONTENT_DATA_DIR", ".data", "Folder for the embedded database, local images and the upload spool."),
        Setting("CONTENT_DB_POOL_SIZE", "10", "Most database connections one app process keeps open."),
        Setting("CONTENT_GENERATOR", None, "`openai` or `offline`. Unset: `openai` when `OPENAI_API_KEY` is set, else `offline`."),
        Setting("OPENAI_API_KEY", None, "Key for the OpenAI (or compatible) API.", secret=True),
        Setting("OPENAI_BASE_URL", None, "Base URL of an OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp; see Local models). Unset: OpenAI."),
        Setting("OPENAI_TEXT_MODEL", None, "Chat model for themes, research, outlines, drafts and outputs. Unset: `gpt-5.4-mini` with OpenAI; with `OPENAI_BASE_URL`, the model the server lists first at `/v1/models` (what it has loaded)."),
        Setting("OPENAI_IMAGE_MODEL", "gpt-image-2", "Image model: `gpt-image-2`, `gpt-image-2.6-flare`, `gpt-image-1.5`, `gpt-image-1-mini`… (`gpt-image-1`, the original plan's, was shut down on 2026-10-23; `dall-e-3` retired on 2026-05-12)."),
        Setting("CONTENT_IMAGE_GENERATOR", None, "`openai`, `offline` or `none`: who makes images, apart from the text. Unset: `openai` with OpenAI itself, `offline` with the offline generator or an OpenAI-compatible text server (most have no image endpoint)."),
        Setting("OPENAI_TIMEOUT", None, "Seconds to wait for one request. Unset: 60 with OpenAI; 600 with `OPENAI_BASE_URL` (a model on a CPU can take minutes to its first word)."),
        Setting("OPENAI_MAX_RETRIES", "3", "Retries (by the OpenAI client) on 429, 5xx, timeouts and dropped connections, with backoff that honours retry-after."),
        Setting("SUPABASE_URL", None, "Supabase project URL. Set with `SUPABASE_ANON_KEY` to sign users in with Supabase Auth."),
        Setting("SUPABASE_ANON_KEY", None, "Supabase anon (publishable) key.", secret=True),
        Setting("SUPABASE_SERVICE_ROLE_KEY", None, "Supabase service-role key, for workers (set it on app servers too, which then queue images as jobs): they store a job's image in that user's own folder (a worker has no user token). Unset in Supabase mode: images are made in the page that asks.", secret=True),
        Setting("CONTENT_IMAGE_STORE", None, "`local` or `supabase`. Unset: `supabase` when Supabase is configured, else `local`."),
        Setting("CONTENT_PRIVATE_BUCKET", "false", "`true`: the image bucket is private and images are shown through signed URLs."),
        Setting("CONTENT_MAX_INPUT_CHARS", "200000", "Largest brain dump accepted, in characters."),
        Setting("CONTENT_WORKER", "inprocess", "`inprocess`: this app process also runs generation jobs. `off`: only standalone workers (`make worker`) do."),
        Setting("CONTENT_WORKER_CONCURRENCY", "4", "Jobs one worker runs at once."),
        Setting("CONTENT_JOBS_PER_USER", "3", "Generation jobs one user may have queued or running at once."),
    ]
}

DEFAULT_TEXT_MODEL = "gpt-5.4-mini"
OPENAI_TIMEOUT, COMPATIBLE_TIMEOUT = 60.0, 600.0

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _streamlit_secrets() -> Mapping[str, Any]:
    st = sys.modules.get("streamlit")
    if st is None:
        return {}
    try:
        return {k: v for k, v in st.secrets.items() if not isinstance(v, Mapping)}
    except Exception:  # no secrets.toml: Streamlit raises; that simply means "none"
        return {}


def raw_value(name: str, overrides: Mapping[str, Any] | None = None) -> str | None:
    """One setting as text, following the documented order."""
    if name not in SETTINGS:
        raise KeyError(f"unknown setting {name}")
    if overrides and name in overrides and overrides[name] is not None:
        return str(overrides[name])
    secrets = _streamlit_secrets()
    if name in secrets and secrets[name] not in (None, ""):
        return str(secrets[name])
    value = os.environ.get(name)
    if value not in (None, ""):
        return value
    return SETTINGS[name].default


def _int(name: str, overrides, minimum: int = 0) -> int:
    text = raw_value(name, overrides)
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {text!r}.", fix=f"Set {name} to a number such as {SETTINGS[name].default or 60}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}.", fix=f"Set {name} to {SETTINGS[name].default} or more.")
    return value


def _float(name: str, overrides) -> float:
    text = raw_value(name, overrides)
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {text!r}.", fix=f"Set {name} to a number such as {SETTINGS[name].default or 60}.") from None
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0.", fix=f"Set {name} to a number such as {SETTINGS[name].default or 60}.")
    return value


def _bool(name: str, overrides) -> bool:
    text = str(raw_value(name, overrides) or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {text!r}.", fix=f"Set {name} to true or false.")


def _choice(name: str, overrides, choices: tuple[str, ...]) -> str | None:
    text = raw_value(name, overrides)
    if text is None:
        return None
    text = text.strip().lower()
    if text not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {text!r}.", fix=f"Set {name} to {' or '.join(choices)}, or leave it unset.")
    return text


@dataclass(frozen=True)
class Config:
    database_url: str | None = field(repr=False)
    database_runtime_url: str | None = field(repr=False)
    data_dir: Path
    db_pool_size: int
    generator: str
    openai_api_key: str | None = field(repr=False)
    openai_base_url: str | None
    openai_text_model: str | None
    openai_image_model: str
    image_generator: str
    openai_timeout: float
    openai_max_retries: int
    supabase_url: str | None
    supabase_anon_key: str | None = field(repr=False)
    supabase_service_key: str | None = field(repr=False)
    image_store: str
    private_bucket: bool
    max_input_chars: int
    worker: str
    worker_concurrency: int
    jobs_per_user: int

    @property
    def fingerprint(self) -> str:
        """Equal for equal settings (a cache key); the repr hides secrets, so the key enters only as a hash."""
        return hashlib.sha256(f"{self!r}|{self.openai_api_key}|{self.supabase_service_key}".encode()).hexdigest()

    @property
    def embedded_database(self) -> bool:
        return not self.database_url

    @property
    def supabase_enabled(self) -> bool:
        return bool(self.supabase_url and self.supabase_anon_key)

    @property
    def image_jobs(self) -> bool:
        """Images are made by workers: always with local files; with Supabase Storage only when workers can
        store them (the service-role key); otherwise the page makes them with the signed-in user's token."""
        return self.image_store == "local" or bool(self.supabase_service_key)


def load_config(**overrides: Any) -> Config:
    """Read every setting. Keyword arguments use the setting names, e.g. `load_config(DATABASE_URL=...)`."""
    unknown = set(overrides) - set(SETTINGS)
    if unknown:
        raise KeyError(f"unknown settings: {sorted(unknown)}")
    get = lambda name: raw_value(name, overrides)  # noqa: E731

    api_key = get("OPENAI_API_KEY")
    generator = _choice("CONTENT_GENERATOR", overrides, ("openai", "offline")) or ("openai" if api_key else "offline")
    if generator == "openai" and not api_key:
        raise ConfigError("CONTENT_GENERATOR is openai but OPENAI_API_KEY is not set.", fix="Set OPENAI_API_KEY, or set CONTENT_GENERATOR=offline for the offline demo mode.")

    if raw_value("CONTENT_IMAGE_GENERATOR", overrides) and raw_value("CONTENT_IMAGE_GENERATOR", overrides).strip().lower() == "openai" and not api_key:
        raise ConfigError("CONTENT_IMAGE_GENERATOR is openai but OPENAI_API_KEY is not set.", fix="Set OPENAI_API_KEY, or CONTENT_IMAGE_GENERATOR=offline (or none).")

    supabase_url, supabase_key = get("SUPABASE_URL"), get("SUPABASE_ANON_KEY")
    if bool(supabase_url) != bool(supabase_key):
        missing = "SUPABASE_ANON_KEY" if supabase_url else "SUPABASE_URL"
        raise ConfigError(f"Supabase is half configured: {missing} is not set.", fix="Set both SUPABASE_URL and SUPABASE_ANON_KEY from your Supabase project's API settings, or neither.")
    if supabase_url and not supabase_url.startswith(("http://", "https://")):
        raise ConfigError(f"SUPABASE_URL must start with https://, not {supabase_url[:30]!r}.", fix="Copy the Project URL from your Supabase project's API settings.")

    store = _choice("CONTENT_IMAGE_STORE", overrides, ("local", "supabase")) or ("supabase" if supabase_url else "local")
    if store == "supabase" and not supabase_url:
        raise ConfigError("CONTENT_IMAGE_STORE is supabase but Supabase is not configured.", fix="Set SUPABASE_URL and SUPABASE_ANON_KEY, or CONTENT_IMAGE_STORE=local.")

    database_url = get("DATABASE_URL")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        raise ConfigError("DATABASE_URL must be a postgresql:// connection string.", fix="Copy the connection string from your database provider (Supabase: Project Settings → Database), or unset DATABASE_URL for the embedded database.")

    runtime_url = get("DATABASE_RUNTIME_URL")
    if runtime_url and not database_url:
        raise ConfigError("DATABASE_RUNTIME_URL is set but DATABASE_URL is not.", fix="Set DATABASE_URL to the owner's connection string as well, or unset DATABASE_RUNTIME_URL for the embedded database (which makes its own runtime role).")
    if runtime_url and not runtime_url.startswith(("postgres://", "postgresql://")):
        raise ConfigError("DATABASE_RUNTIME_URL must be a postgresql:// connection string.", fix="Use the same form as DATABASE_URL, with the runtime role's name and password.")

    return Config(
        database_url=database_url,
        database_runtime_url=runtime_url,
        data_dir=Path(get("CONTENT_DATA_DIR") or ".data").expanduser().resolve(),
        db_pool_size=_int("CONTENT_DB_POOL_SIZE", overrides, minimum=1),
        generator=generator,
        openai_api_key=api_key,
        openai_base_url=get("OPENAI_BASE_URL"),
        # None: ask the compatible server which model it serves (lib.generate.openai_provider)
        openai_text_model=get("OPENAI_TEXT_MODEL") or (None if get("OPENAI_BASE_URL") else DEFAULT_TEXT_MODEL),
        openai_image_model=get("OPENAI_IMAGE_MODEL"),
        image_generator=_choice("CONTENT_IMAGE_GENERATOR", overrides, ("openai", "offline", "none"))
        or ("openai" if generator == "openai" and not get("OPENAI_BASE_URL") else "offline"),
        openai_timeout=_float("OPENAI_TIMEOUT", overrides) if get("OPENAI_TIMEOUT") else
        (COMPATIBLE_TIMEOUT if get("OPENAI_BASE_URL") else OPENAI_TIMEOUT),
        openai_max_retries=_int("OPENAI_MAX_RETRIES", overrides),
        supabase_url=supabase_url.rstrip("/") if supabase_url else None,
        supabase_anon_key=supabase_key,
        supabase_service_key=get("SUPABASE_SERVICE_ROLE_KEY"),
        image_store=store,
        private_bucket=_bool("CONTENT_PRIVATE_BUCKET", overrides),
        max_input_chars=_int("CONTENT_MAX_INPUT_CHARS", overrides, minimum=1),
        worker=_choice("CONTENT_WORKER", overrides, ("inprocess", "off")) or "inprocess",
        worker_concurrency=_int("CONTENT_WORKER_CONCURRENCY", overrides, minimum=1),
        jobs_per_user=_int("CONTENT_JOBS_PER_USER", overrides, minimum=1),
    )
