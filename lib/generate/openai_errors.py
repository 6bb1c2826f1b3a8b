"""Map OpenAI client errors to AppError subclasses whose messages say how to fix them.

Messages never contain the API key: provider text is passed through `redact`.
"""

from __future__ import annotations

import re

import httpx
import openai

from lib.errors import (
    GeneratorAuthError,
    GeneratorError,
    GeneratorRateLimited,
    GeneratorRefused,
    GeneratorTimeout,
    GeneratorUnreachable,
)

try:  # the 3.x client talks through httpx2; a legacy httpx client may be passed in
    import httpx2

    TIMEOUTS: tuple[type[BaseException], ...] = (httpx.TimeoutException, httpx2.TimeoutException)
    TRANSPORT: tuple[type[BaseException], ...] = (httpx.TransportError, httpx2.TransportError)
except ImportError:  # pragma: no cover - older clients use httpx only
    TIMEOUTS, TRANSPORT = (httpx.TimeoutException,), (httpx.TransportError,)

OFFLINE_HINT = "Or set CONTENT_GENERATOR=offline for the offline demo mode."
_KEYLIKE = re.compile(r"\b(?:sk|rk|pk|key)-[A-Za-z0-9_\-*]{6,}")
_POLICY = ("content_policy", "moderation_blocked", "safety system", "safety_violations", "content policy")
_CONTEXT = ("context_length_exceeded", "maximum context length", "context window", "too many tokens")
_SCHEMA = ("response_format", "json_schema", "structured output")


def redact(text: str, secret: str | None = None) -> str:
    if secret:
        text = text.replace(secret, "[key]")
    text = _KEYLIKE.sub("[key]", text)
    return text if len(text) <= 300 else text[:297] + "..."


def _retries(exc: BaseException) -> int:
    """How often the SDK retried before it gave up: it numbers every attempt in a request header."""
    request = getattr(exc, "request", None) if isinstance(exc, openai.APIError) else None
    try:
        return int(request.headers.get("x-stainless-retry-count", 0)) if request is not None else 0
    except ValueError:
        return 0


def _code(exc: openai.APIError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    return str(exc.code or inner.get("code") or inner.get("type") or "")


def _text(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return f"{_code(exc) if isinstance(exc, openai.APIError) else ''} {message}".casefold()


def map_error(
    exc: BaseException,
    *,
    host: str,
    model: str,
    timeout: float,
    api_key: str | None = None,
) -> GeneratorError:
    """One fix-it error for whatever the client raised (after its own retries)."""
    if isinstance(exc, GeneratorError):
        return exc
    retries = _retries(exc)
    if isinstance(exc, openai.APITimeoutError) or isinstance(exc, TIMEOUTS):
        return GeneratorTimeout(
            f"The AI service at {host} did not answer within {timeout:g} seconds.",
            fix="Try again, shorten the input, or raise OPENAI_TIMEOUT.",
        )
    if isinstance(exc, openai.APIConnectionError) or isinstance(exc, TRANSPORT):
        return GeneratorUnreachable(
            f"Could not reach the AI service at {host}.",
            fix="Check the network and OPENAI_BASE_URL (is that server running, e.g. `ollama serve`?); "
            f"unset OPENAI_BASE_URL to use OpenAI. {OFFLINE_HINT}",
        )
    if isinstance(exc, openai.AuthenticationError):
        return GeneratorAuthError(
            f"The AI service at {host} rejected the API key (401 Unauthorized).",
            fix="Check OPENAI_API_KEY in .streamlit/secrets.toml or the environment: it may be mistyped, revoked, "
            f"or meant for another server. {OFFLINE_HINT}",
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return GeneratorAuthError(
            f"The API key is not allowed to use {model} (403 Forbidden).",
            fix="Check the key's project permissions (and organisation verification for image models), "
            "or choose another model in OPENAI_TEXT_MODEL / OPENAI_IMAGE_MODEL.",
        )
    if isinstance(exc, openai.RateLimitError):
        if _code(exc) == "insufficient_quota":
            return GeneratorRateLimited(
                "The OpenAI account has no credit left (insufficient_quota).",
                fix=f"Add credit or raise the spending limit in the OpenAI billing settings. {OFFLINE_HINT}",
            )
        return GeneratorRateLimited(
            f"The AI service is still rate-limiting us (429 Too Many Requests) after {retries} retries.",
            fix="Wait a minute and try again, raise OPENAI_MAX_RETRIES, or ask the provider for a higher rate limit.",
        )
    if isinstance(exc, openai.NotFoundError):
        return GeneratorError(
            f"The model {model!r} was not found at {host} (404).",
            fix="Check OPENAI_TEXT_MODEL / OPENAI_IMAGE_MODEL, and that OPENAI_BASE_URL ends in /v1 for "
            "OpenAI-compatible servers.",
        )
    if isinstance(exc, openai.BadRequestError) or (isinstance(exc, openai.APIStatusError) and exc.status_code in (400, 422)):
        text = _text(exc)
        if any(word in text for word in _POLICY):
            return GeneratorRefused(
                "The AI service refused this request under its content policy.",
                fix="Rephrase the prompt or notes without the flagged content and try again.",
            )
        if any(word in text for word in _CONTEXT):
            return GeneratorError(
                f"The text is too long for {model}.",
                fix="Shorten the brain dump or the draft, or pick a model with a larger context window.",
            )
        if any(word in text for word in _SCHEMA):
            return GeneratorError(
                f"{host} does not accept structured output (json_schema) for {model}.",
                fix="Use a model and server that support Structured Outputs (OpenAI, recent Ollama, vLLM, LM Studio). "
                + OFFLINE_HINT,
            )
        return GeneratorError(
            f"The AI service rejected the request: {redact(getattr(exc, 'message', str(exc)), api_key)}",
            fix="Check OPENAI_TEXT_MODEL / OPENAI_IMAGE_MODEL and the options chosen, then try again.",
        )
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return GeneratorUnreachable(
                f"The AI service at {host} kept failing (HTTP {exc.status_code}) after {retries} retries.",
                fix="This is usually a temporary outage: try again in a few minutes ("
                + ("status.openai.com has the news)." if host == "api.openai.com" else
                   f"the logs of the server at {host} say why)."),
            )
        return GeneratorError(
            f"The AI service answered HTTP {exc.status_code}: {redact(exc.message, api_key)}",
            fix="Check the OpenAI settings (OPENAI_*) and try again.",
        )
    return GeneratorError(
        f"The AI service failed: {redact(str(exc), api_key) or type(exc).__name__}",
        fix="Try again; if it keeps failing, check the OpenAI settings (OPENAI_*). " + OFFLINE_HINT,
    )
