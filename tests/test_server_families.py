"""The whole pipeline against fakes that behave like each family of OpenAI-compatible server, as the README's
recipes configure them (only OPENAI_BASE_URL and a key: the model name is read from /v1/models).

What each family does differently, as their servers do:
- llama-cpp-python (`python -m llama_cpp.server`): HTTP 500 to `json_schema`, takes `json_object` with a schema,
  sends no usage in streams;
- llama.cpp's `llama-server`, vLLM and Ollama: take `json_schema`, send usage when asked (`stream_options`);
- LM Studio: takes `json_schema`, answers 400 to `json_object`;
- an older server: 400 to both modes, so the schema goes in the prompt.
A small model also gives too few themes, or invalid JSON once.
"""

import json
import re
from typing import Any

import pytest

from lib.config import load_config
from lib.generate import OUTPUT_FORMATS, get_generator
from lib.pipeline import Pipeline
from lib.session import Sessions
from tests.fake_openai import FakeOpenAI, StreamedAnswer, structured
from tests.helpers import BRAIN_DUMP

PIECES = ["# Writing decisions down\n\n", "Teams that write ", "decide faster. ", "\n\n## Why\n\n", "Notes outlive calls."]
FAMILIES = {
    "llama-cpp-python": dict(refuses={"json_schema": 500}, sends_usage=False, few=True),
    "llama-server": dict(refuses={}, sends_usage=True),
    "vllm": dict(refuses={}, sends_usage=True, invalid_once=True),
    "ollama": dict(refuses={}, sends_usage=True),
    "lm-studio": dict(refuses={"json_object": 400}, sends_usage=True),
    "older server": dict(refuses={"json_schema": 400, "json_object": 400}, sends_usage=False),
}
SENT_MODE = {"llama-cpp-python": "json_object", "older server": "none"}  # what every structured answer came from


class SchemaModel:
    """A model that answers any JSON Schema with a valid object made of plain sentences (distinct ones)."""

    def __init__(self, few: bool = False, invalid_once: bool = False):
        self.few, self.invalid_once, self.n = few, invalid_once, 0

    def __call__(self, body: dict) -> str:
        if self.invalid_once:
            self.invalid_once = False
            return '{"themes": [ {"title": "cut off'
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema")
        if schema is None:  # the schema is in the system message (prompt mode)
            text = body["messages"][0]["content"]
            schema = json.loads(text[text.index("{"):])
        return json.dumps(self.fill(schema, schema.get("$defs", {})))

    def fill(self, schema: dict, defs: dict) -> Any:
        if "$ref" in schema:
            return self.fill(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
        if "anyOf" in schema:
            return self.fill(next(s for s in schema["anyOf"] if s.get("type") != "null"), defs)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object":
            return {name: self.fill(prop, defs) for name, prop in schema.get("properties", {}).items()}
        if kind == "array":
            count = 1 if self.few else max(schema.get("minItems", 0), 4)
            return [self.fill(schema.get("items", {}), defs) for _ in range(min(count, schema.get("maxItems", 9)))]
        if kind in ("integer", "number"):
            return 1
        if kind == "boolean":
            return True
        self.n += 1
        return f"Point {self.n}: written decisions travel across time zones"[: schema.get("maxLength", 200)]


@pytest.fixture(params=FAMILIES, ids=str)
def family(request, monkeypatch, tmp_path):
    quirks = FAMILIES[request.param]
    fake = FakeOpenAI(StreamedAnswer(PIECES, model=f"{request.param}-model", sends_usage=quirks["sends_usage"]),
                      refuses=quirks["refuses"],
                      json_answer=SchemaModel(quirks.get("few", False), quirks.get("invalid_once", False))).serve()
    yield request.param, fake
    fake.close()


def test_every_step_saves_its_row_on_every_server_family(family, db, user):
    name, fake = family
    config = load_config(CONTENT_GENERATOR="openai", OPENAI_API_KEY="local", OPENAI_BASE_URL=fake.url,
                         CONTENT_IMAGE_GENERATOR="offline")
    generator = get_generator(config)
    pipeline = Pipeline(Sessions(db, user), generator)
    sid = pipeline.start(BRAIN_DUMP).id
    themes = pipeline.extract_themes(sid)
    pipeline.choose_theme(sid, themes.themes[0].id)
    pipeline.research(sid)
    pipeline.complete(sid, "research")
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    draft = pipeline.write_draft(sid)
    pipeline.outputs(sid, OUTPUT_FORMATS)
    session = pipeline.sessions.get(sid)

    assert session.current_research.items and session.current_outline.chosen_outline is not None
    assert session.current_draft.source == "generated" and session.current_draft.markdown.startswith("# Writing")
    assert set(session.current_outputs) == set(OUTPUT_FORMATS)
    assert all(out.content.strip() for out in session.current_outputs.values())
    # The model's own name, read from /v1/models and recorded on every row.
    assert fake.requests[0]["path"] == "/v1/models"
    assert {session.current_draft.model_used, themes.model_used} == {f"{name}-model"}
    # Usage: what the server reported, or counted from the stream and marked so; never a made-up 0.
    assert draft.usage.estimated is (not FAMILIES[name]["sends_usage"])
    assert draft.usage.completion_tokens > 0
    # A small model's single theme is kept, and the page will say so.
    assert (len(themes.themes), themes.notice is not None) == ((1, True) if FAMILIES[name].get("few") else (4, False))
    # Every structured answer came from the strictest mode the server takes, learned once.
    asked = [r["body"] for r in fake.requests if r["body"] and structured(r["body"])]
    assert all(body["stream"] for body in asked)  # streamed, so a slow local server can be stopped
    modes = [(body.get("response_format") or {}).get("type", "none") for body in asked]
    settled = SENT_MODE.get(name, "json_schema")
    order = ["json_schema", "json_object", "none"]
    refused = order[: order.index(settled)]  # each tried once, in order, before the one that worked
    assert modes[: len(refused) + 1] == [*refused, settled] and set(modes[len(refused) + 1:]) == {settled}
    assert all(r["body"].get("max_tokens") and "max_completion_tokens" not in r["body"]
               for r in fake.requests if r["body"])


def test_the_readme_recipes_name_each_family():
    from tests.helpers import ROOT

    recipes = (ROOT / "README.md").read_text()
    section = recipes[recipes.index("## Local models"):].split("\n## ")[0]
    for server in ("Ollama", "vLLM", "LM Studio", "llama.cpp", "llama-cpp-python"):
        assert server in section
    assert re.search(r"OPENAI_BASE_URL=http://127\.0\.0\.1:11434/v1", section)  # Ollama's own port
