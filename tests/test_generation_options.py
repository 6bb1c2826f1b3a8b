"""The sidebar's generation options reach the generator in the same run, passed explicitly (no session-state
hand-off): checked at the HTTP level, in what the app sends to an OpenAI-compatible server."""

from tests.fake_openai import FakeOpenAI, StreamedAnswer
from tests.helpers import click, open_page, through


def test_language_tone_and_length_from_the_sidebar_are_sent_with_the_draft(app, pipeline, monkeypatch):
    sid = through(pipeline, "draft")
    fake = FakeOpenAI(StreamedAnswer(["# Un brouillon\n\n", "Le texte."])).serve()
    try:
        monkeypatch.setenv("CONTENT_GENERATOR", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "local-key")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
        open_page(app, "app_pages/draft.py", sid)
        app.selectbox(key="opt_language").set_value("French")
        app.selectbox(key="opt_tone").set_value(app.selectbox(key="opt_tone").options[-1])
        app.slider(key="opt_words").set_value(1200).run()
        tone = app.selectbox(key="opt_tone").value
        click(app, "Write the draft")
    finally:
        fake.close()
    [draft] = [r for r in fake.requests if r["path"].endswith("/chat/completions")]  # after /v1/models
    prompt = " ".join(m["content"] for m in draft["body"]["messages"])
    assert "Write in French." in prompt and f"Tone: {tone}." in prompt
    assert "about 1200 words" in prompt
    assert pipeline.sessions.get(sid).current_draft.markdown.startswith("# Un brouillon")
