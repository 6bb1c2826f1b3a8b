"""The OpenAI provider: Chat Completions with Structured Outputs, streaming drafts, images.

Works against OpenAI and any OpenAI-compatible server (`OPENAI_BASE_URL`:
Ollama, vLLM, LM Studio, llama.cpp): structured steps fall back from `json_schema` to `json_object` to a schema in
the prompt when a server refuses a mode, and every request carries a token limit sized for its step. Retries are the SDK's own (`max_retries` = OPENAI_MAX_RETRIES:
429, 5xx, timeouts and dropped connections, with exponential backoff that honours
`retry-after`); `openai_errors.py` turns what is left into messages that say how to fix it.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from types import SimpleNamespace
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

import httpx
import openai
from pydantic import BaseModel, ValidationError

from lib.errors import GeneratorBadOutput, GeneratorError, GeneratorRefused, InputError, JobCancelled

log = logging.getLogger(__name__)
from lib.generate import platform_limits, prompts
from lib.generate.base import DraftStream, GenerationOptions, Generator, keep_going, provider_waiting
from lib.generate.imaging import fold_negative_prompt, model_family, normalise_png, request_size
from lib.generate.models import (
    OUTPUT_CONTENT_MODELS,
    OUTPUT_MODELS,
    ImageResult,
    Outline,
    OutlineSet,
    OutlineSetContent,
    Research,
    ResearchContent,
    ResearchItem,
    Theme,
    ThemeSet,
    ThemeSetContent,
    Usage,
)
from lib.generate.openai_errors import map_error

T = TypeVar("T", bound=BaseModel)
# Selectable in the image form; the configured OPENAI_IMAGE_MODEL comes first. Only models the client lists and
# does not mark as gone: gpt-image-1 was shut down on 2026-10-23, dall-e-2 and dall-e-3 retired on 2026-05-12.
IMAGE_MODELS = ("gpt-image-2", "gpt-image-2.6-flare", "gpt-image-2.6-sunburst", "gpt-image-1.5", "gpt-image-1-mini")
GONE_IMAGE_MODELS = ("gpt-image-1", "dall-e-2", "dall-e-3")
PROMPT_LIMITS = {"dall-e-3": 4000, "dall-e-2": 1000, "gpt-image": 32000}
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def usage_of(response: Any) -> Usage:
    raw = getattr(response, "usage", None)
    if raw is None:
        return Usage()
    prompt = getattr(raw, "prompt_tokens", None) or getattr(raw, "input_tokens", None) or 0
    completion = getattr(raw, "completion_tokens", None) or getattr(raw, "output_tokens", None) or 0
    total = getattr(raw, "total_tokens", None) or prompt + completion
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total,
                 estimated=getattr(raw, "estimated", False) is True)


class _Client(openai.OpenAI):
    def _should_retry(self, response: Any) -> bool:
        # An exhausted quota is a 429 that no wait cures: fail at once with the billing message.
        if response.status_code == 429 and b"insufficient_quota" in response.read():
            return False
        retry = super()._should_retry(response)
        if retry and response.status_code == 429 and (tell := provider_waiting.get()) is not None:
            tell("The provider asked us to slow down (rate limit); waiting, then trying again.")
        return retry


OPENAI_SERVER = "api.openai.com"
# Per server (base URL), the JSON mode it took last: later requests start there (lib.generate.prompts.JSON_MODES).
_json_mode: dict[str, str] = {}
# Tokens a structured step may need at most (the draft's limit comes from the requested length).
STEP_TOKENS = {"themes": 2000, "research": 3000, "outlines": 3000}


class OpenAIGenerator(Generator):
    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        text_model: str | None = "gpt-5.4-mini",
        image_model: str = "gpt-image-2",
        timeout: float = 60.0,
        max_retries: int = 3,
        http_client: httpx.Client | None = None,
    ):
        self._text_model = text_model  # None: the compatible server's own, read from /v1/models when first needed
        self.image_model = image_model
        self.image_models = tuple(dict.fromkeys((image_model, *IMAGE_MODELS)))
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self._api_key = api_key
        self._http_client = http_client
        self.host = (urlsplit(base_url).netloc.rsplit("@", 1)[-1] or base_url) if base_url else OPENAI_SERVER
        self.server = base_url.rstrip("/") if base_url else OPENAI_SERVER
        self._client = _Client(
            api_key=api_key, base_url=base_url, timeout=self.timeout, max_retries=self.max_retries, http_client=http_client
        )

    @classmethod
    def from_config(cls, config: Any, **kwargs: Any) -> "OpenAIGenerator":
        return cls(
            api_key=config.openai_api_key,
            base_url=config.openai_base_url,
            text_model=config.openai_text_model,
            image_model=config.openai_image_model,
            timeout=config.openai_timeout,
            max_retries=config.openai_max_retries,
            **kwargs,
        )

    @property
    def text_model(self) -> str:
        """The configured model, or the one the compatible server serves (first at /v1/models), recorded as is."""
        if self._text_model is None:
            try:
                served = [m.id for m in self._client.models.list()]
            except (openai.OpenAIError, httpx.HTTPError, OSError) as exc:
                raise self._error(exc, "(the server's model)") from None
            if not served:
                raise GeneratorError(f"The server at {self.host} lists no model at /v1/models.",
                                     fix="Load a model in it, or set OPENAI_TEXT_MODEL to the name it serves.")
            self._text_model = served[0]
        return self._text_model

    @property
    def text_model_name(self) -> str:
        """For the screen, without asking the server: the model, once known."""
        return self._text_model or "the server's model"

    # --- transport: the SDK retries, we map what is left ---------------------------------

    def _error(self, exc: BaseException, model: str):
        return map_error(exc, host=self.host, model=model, timeout=self.timeout, api_key=self._api_key)

    def _call(self, fn: Callable[..., Any], for_model: str, /, **kwargs: Any) -> Any:
        """`fn(**kwargs)`; an error the SDK gave up on becomes a fix-it message."""
        try:
            return fn(**kwargs)
        except openai.OpenAIError as exc:
            raise self._error(exc, for_model) from None

    def _ask_json(self, step: str, schema: type[T], conversation: list[dict[str, str]]) -> Any:
        """One structured request, in the strictest JSON mode this server takes: a server that refuses a mode
        (it answers 400, 422 or 500 to it) is asked again in the next one, and the mode that worked is kept
        for this server's later requests."""
        if self.server == OPENAI_SERVER:  # OpenAI takes json_schema: an error there is a real one, not a mode
            modes: tuple[str, ...] = ("json_schema",)
        else:
            modes = prompts.JSON_MODES[prompts.JSON_MODES.index(_json_mode.get(self.server, "json_schema")):]
        for mode in modes:
            extra = {"response_format": fmt} if (fmt := prompts.response_format(step, schema, mode)) else {}
            messages = conversation if mode != "prompt" else [prompts.schema_message(schema), *conversation]
            # A mode this server has not answered yet is tried once, with no retries: llama-cpp-python answers
            # json_schema with HTTP 500, which the client would otherwise retry with backoff before we move on.
            probing = mode != modes[-1] and _json_mode.get(self.server) != mode
            client = self._client.with_options(max_retries=0) if probing else self._client
            # Compatible servers stream the answer: a slow CPU model can then be stopped (Stop, or the timeout
            # between pieces), and closing the stream ends its generation. OpenAI answers whole.
            streamed = {"stream": True, "stream_options": {"include_usage": True}} if self.server != OPENAI_SERVER else {}
            try:
                response = client.chat.completions.create(model=self.text_model, messages=messages,
                                                          **extra, **self._limit(step), **streamed)
            except openai.APIStatusError as exc:
                if exc.status_code in (400, 422, 500) and mode != modes[-1]:
                    log.warning("%s refused JSON mode %s (HTTP %s); trying %s", self.host, mode, exc.status_code,
                                modes[modes.index(mode) + 1])
                    continue
                raise self._error(exc, self.text_model) from None
            except openai.OpenAIError as exc:
                raise self._error(exc, self.text_model) from None
            _json_mode[self.server] = mode
            return self._gathered(response) if streamed else response
        raise AssertionError("unreachable: the last mode either answers or raises")

    def _gathered(self, stream: Any) -> Any:
        """A streamed structured answer as one response (what `_structured` reads of a whole one). Between
        pieces, about every second, it asks whether the job still wants the answer; a server that sends no
        usage has its completion tokens counted from the pieces, marked estimated."""
        parts: list[str] = []
        finish = model = usage = None
        still_wanted, asked = keep_going.get(), time.monotonic()
        try:
            for chunk in stream:
                model = getattr(chunk, "model", None) or model
                usage = getattr(chunk, "usage", None) or usage
                for choice in chunk.choices or []:
                    finish = choice.finish_reason or finish
                    if choice.delta and choice.delta.content:
                        parts.append(choice.delta.content)
                if still_wanted is not None and time.monotonic() - asked >= 1.0:
                    asked = time.monotonic()
                    if not still_wanted():
                        raise JobCancelled()
        except (openai.OpenAIError, httpx.HTTPError, OSError) as exc:
            raise self._error(exc, self.text_model) from None
        finally:
            stream.close()
        if usage is None:
            usage = SimpleNamespace(prompt_tokens=0, completion_tokens=len(parts), total_tokens=len(parts),
                                    estimated=True)
        message = SimpleNamespace(content="".join(parts), refusal=None)
        return SimpleNamespace(model=model, usage=usage,
                               choices=[SimpleNamespace(message=message, finish_reason=finish or "incomplete")])

    def _limit(self, step: str, words: int = 0) -> dict[str, int]:
        """A token limit on every request, sized for the step: OpenAI takes `max_completion_tokens`, compatible
        servers (llama.cpp, vLLM, Ollama, LM Studio) `max_tokens`."""
        tokens = max(STEP_TOKENS.get(step, 2000), int(words * 2) + 500)
        return {"max_tokens": tokens} if self.server != OPENAI_SERVER else {"max_completion_tokens": tokens}

    def _structured(
        self, step: str, schema: type[T], messages: list[dict[str, str]], check: Callable[[T], None] | None = None,
        short: Callable[[T], str | None] | None = None,
    ) -> tuple[T, str, Usage, str | None]:
        """Ask for JSON in `schema`; a malformed reply is retried once with the error, then GeneratorBadOutput.

        `check` refuses what cannot be used (raise ValueError); `short` says what a usable reply lacks (fewer
        themes than asked): asked once more, then kept with that said as the notice (4th value), never thrown away.
        """
        usage, conversation, problem = Usage(), list(messages), ""
        for attempt in range(2):
            response = self._ask_json(step, schema, conversation)
            usage += usage_of(response)
            choice = response.choices[0] if response.choices else None
            content = (choice.message.content or "") if choice else ""
            if choice is not None and (getattr(choice.message, "refusal", None) or choice.finish_reason == "content_filter"):
                raise GeneratorRefused(
                    f"The model declined to write the {step.replace('_', ' ')}.",
                    fix="Rephrase the notes without content that could be read as harmful, and try again.",
                )
            try:
                # strict=False: raw newlines inside strings (grammar-constrained servers write them) are fine
                parsed = schema.model_validate(json.loads(_FENCE.sub(r"\1", content.strip()), strict=False))
                if check:
                    check(parsed)
                lack = short(parsed) if short else None
                if lack is None or attempt == 1:
                    notice = f"The model gave {lack}. It is saved; regenerate for more." if lack else None
                    return parsed, response.model or self.text_model, usage, notice
                problem = lack
            except (ValidationError, ValueError) as exc:
                problem = _describe(exc, choice.finish_reason if choice else None)
            conversation = [
                *messages,
                {"role": "assistant", "content": content[:4000]},
                {"role": "user", "content": f"That reply was not valid: {problem}. Reply again with only the JSON object matching the schema."},
            ]
        raise GeneratorBadOutput(
            f"The model {self.text_model} did not return usable {step.replace('_', ' ')} twice ({problem}).",
            fix="Try again. If it keeps happening, choose a model that supports Structured Outputs in OPENAI_TEXT_MODEL.",
        )

    # --- steps -----------------------------------------------------------------------

    def _themes(self, brain_dump: str, options: GenerationOptions) -> ThemeSet:
        def usable(reply: ThemeSetContent) -> list:
            seen, kept = set(), []
            for t in reply.themes:
                key = t.title.strip().casefold()
                if key and t.summary.strip() and key not in seen:
                    seen.add(key)
                    kept.append(t)
            return kept

        def check(reply: ThemeSetContent) -> None:
            if not usable(reply):
                raise ValueError("expected 3 to 7 themes, each with a title and a summary; got none usable")

        def short(reply: ThemeSetContent) -> str | None:
            n = len(usable(reply))
            return f"{n} theme{'s' if n != 1 else ''} (3 to 7 distinct themes are asked for)" if n < 3 else None

        messages = prompts.themes_messages(brain_dump, options)
        reply, model, usage, notice = self._structured("themes", ThemeSetContent, messages, check, short)
        themes = [Theme(**t.model_dump()) for t in usable(reply)[:7]]
        return ThemeSet(themes=themes, model_used=model, usage=usage, notice=notice)

    def _research(self, brain_dump: str, theme: Theme, options: GenerationOptions) -> Research:
        reply, model, usage, _ = self._structured("research", ResearchContent,
                                                  prompts.research_messages(brain_dump, theme, options))
        items: list[ResearchItem] = []
        items += [ResearchItem(kind="insight", text=t) for t in reply.insights]
        items += [ResearchItem(kind="fact", text=f.text, source=(f.source or None)) for f in reply.facts]
        items += [ResearchItem(kind="counterpoint", text=t) for t in reply.counterpoints]
        items += [ResearchItem(kind="question", text=t) for t in reply.open_questions]
        items += [ResearchItem(kind="source", text=s.title or s.url or "", source=s.url or None) for s in reply.sources]
        unique = {(i.kind, i.text.strip().casefold()): i for i in reversed(items) if i.text.strip()}
        ordered = [i for i in items if unique.get((i.kind, i.text.strip().casefold())) is i]
        return Research(theme_id=theme.id, theme_title=theme.title, items=ordered, model_used=model, usage=usage)

    def _outlines(self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], options: GenerationOptions) -> OutlineSet:
        def check(reply: OutlineSetContent) -> None:
            if not reply.outlines:
                raise ValueError("expected 2 or 3 outlines, got none")

        def short(reply: OutlineSetContent) -> str | None:
            return "1 outline (2 or 3 options are asked for)" if len(reply.outlines) < 2 else None

        messages = prompts.outlines_messages(brain_dump, theme, research_items, options)
        reply, model, usage, notice = self._structured("outlines", OutlineSetContent, messages, check, short)
        outlines = [Outline(**o.model_dump()) for o in reply.outlines[:3]]
        return OutlineSet(outlines=outlines, model_used=model, usage=usage, notice=notice)

    def _draft_stream(
        self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], outline: Outline, options: GenerationOptions
    ) -> DraftStream:
        messages = prompts.draft_messages(brain_dump, theme, research_items, outline, options)
        return self._stream_draft(messages, options.draft_words)

    def _continue_draft(self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], outline: Outline,
                        options: GenerationOptions, written: str) -> DraftStream:
        messages = prompts.continue_draft_messages(brain_dump, theme, research_items, outline, options, written)
        left = max(150, options.draft_words - len(written.split()))
        return self._stream_draft(messages, left, start=written)

    def _stream_draft(self, messages: list[dict], words: int, start: str = "") -> DraftStream:
        response = self._call(
            self._client.chat.completions.create,
            self.text_model,
            model=self.text_model,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            **self._limit("draft", words),  # a server with no limit writes until its context is full
        )

        def produce(stream: DraftStream):
            wrote, pieces, reported = False, 0, False
            try:
                for chunk in response:
                    stream.model_used = getattr(chunk, "model", None) or stream.model_used
                    if getattr(chunk, "usage", None):
                        stream.usage, reported = usage_of(chunk), True
                    for choice in chunk.choices or []:
                        if choice.finish_reason:
                            stream.finish_reason = choice.finish_reason
                        if choice.finish_reason == "content_filter":
                            raise GeneratorRefused(
                                "The model stopped writing the draft under its content policy.",
                                fix="Edit the outline or notes and try again.",
                            )
                        text = choice.delta.content if choice.delta else None
                        if text:
                            wrote, pieces = True, pieces + 1
                            if not reported:  # servers stream about a token a piece
                                stream.usage = Usage(completion_tokens=pieces, total_tokens=pieces, estimated=True)
                            yield text
            except (openai.OpenAIError, httpx.HTTPError, OSError) as exc:
                raise self._error(exc, self.text_model) from None
            except Exception as exc:  # httpx2 errors during the stream
                if type(exc).__module__.startswith("httpx"):
                    raise self._error(exc, self.text_model) from None
                raise
            finally:
                response.close()
            if stream.finish_reason is None:  # the body ended without saying why: it was cut off
                stream.finish_reason = "incomplete"
            if not wrote:
                raise GeneratorBadOutput(
                    f"The model {self.text_model} returned an empty draft.",
                    fix="Try again; if it keeps happening, choose another model in OPENAI_TEXT_MODEL.",
                )

        return DraftStream(produce, model_used=self.text_model, start=start)

    def _output(self, draft_markdown: str, fmt: str, options: GenerationOptions):
        schema = OUTPUT_CONTENT_MODELS[fmt]

        def check(reply: BaseModel) -> None:  # valid JSON with nothing in it is not a post
            if not OUTPUT_MODELS[fmt](**reply.model_dump(), model_used="").content.strip():
                raise ValueError(f"the {fmt.replace('_', ' ')} is empty")

        reply, model, usage, _ = self._structured(fmt, schema, prompts.output_messages(draft_markdown, fmt, options), check)
        content = platform_limits.enforce(fmt, reply)
        return OUTPUT_MODELS[fmt](**content.model_dump(), model_used=model, usage=usage)

    def _image(self, prompt: str, negative_prompt: str, model: str, aspect_ratio: str, seed: int | None = None) -> ImageResult:
        # `seed` picks the offline renderer's variations; the image API takes none, so it is ignored here.
        family = model_family(model)
        text = fold_negative_prompt(prompt, negative_prompt)
        if len(text) > PROMPT_LIMITS[family]:
            raise InputError(
                f"The image prompt is {len(text):,} characters; {model} accepts at most {PROMPT_LIMITS[family]:,}.",
                fix="Shorten the prompt or the negative prompt.",
            )
        width, height = request_size(model, aspect_ratio)
        kwargs: dict[str, Any] = {"model": model, "prompt": text, "size": f"{width}x{height}", "n": 1}
        if family.startswith("dall-e"):
            kwargs["response_format"] = "b64_json"
        response = self._call(self._client.images.generate, model, **kwargs)
        data = response.data[0] if response.data else None
        raw = self._image_bytes(data, model)
        png, out_w, out_h, original = normalise_png(raw, aspect_ratio)
        metadata = {"requested_size": f"{width}x{height}", "returned_size": f"{original[0]}x{original[1]}"}
        if data is not None and getattr(data, "revised_prompt", None):
            metadata["revised_prompt"] = data.revised_prompt
        return ImageResult(
            png_bytes=png,
            width=out_w,
            height=out_h,
            aspect_ratio=aspect_ratio,
            prompt=prompt,
            negative_prompt=negative_prompt,
            model_used=model,
            usage=usage_of(response),
            metadata=metadata,
        )

    def _image_bytes(self, data: Any, model: str) -> bytes:
        if data is not None and getattr(data, "b64_json", None):
            try:
                return base64.b64decode(data.b64_json, validate=False)
            except (ValueError, TypeError):
                pass
        elif data is not None and getattr(data, "url", None):  # some compatible servers return a URL
            try:
                client = self._http_client or httpx.Client(timeout=self.timeout)
                reply = client.get(data.url, timeout=self.timeout)
                reply.raise_for_status()
                return reply.content
            except httpx.HTTPError as exc:
                raise self._error(exc, model) from None
        raise GeneratorBadOutput(
            f"The image service returned no image for {model}.",
            fix="Try again; if it keeps happening, pick another image model.",
        )


def _describe(exc: Exception, finish_reason: str | None) -> str:
    if finish_reason == "length":
        return "the reply was cut off (too long)"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "reply"
        return f"{where}: {first.get('msg', 'invalid')}"[:200]
    return str(exc)[:200]
