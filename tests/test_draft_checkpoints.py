"""A draft being written is saved as it streams: one version, partial until it is finished."""

from lib.errors import DatabaseError
from lib.generate import DraftStream
from tests.helpers import through

CHUNKS = ["# Remote work\n\n", "Async writing ", "beats meetings. ", "Docs first ", "wins."]


def producer(stream):
    yield from CHUNKS


def test_every_checkpoint_updates_one_partial_version_then_it_is_finished(pipeline):
    sid = through(pipeline, "draft")
    stream = DraftStream(producer, model_used="offline")
    seen = []
    for chunk in pipeline.checkpointed(sid, stream, every=0):
        seen.append(chunk)
        draft = pipeline.sessions.get(sid).current_draft  # saved before each chunk is shown
        assert (draft.source, draft.markdown) == ("partial", "".join(seen))
    version = pipeline.save_generated_draft(sid, stream)
    drafts = pipeline.sessions.get(sid).drafts
    assert [d.version for d in drafts] == [version] == [1]
    assert drafts[0].source == "generated" and drafts[0].markdown == "".join(CHUNKS).strip() + "\n"
    assert drafts[0].revision == len(CHUNKS) + 1  # one row, updated in place


def test_a_stream_left_half_way_keeps_what_was_written(pipeline):
    sid = through(pipeline, "draft")
    stream = DraftStream(producer, model_used="offline")
    shown = pipeline.checkpointed(sid, stream, every=0)
    next(shown), next(shown), next(shown)
    shown.close()  # the tab went away: nothing else runs for this stream
    draft = pipeline.sessions.get(sid).current_draft
    assert (draft.source, draft.markdown) == ("partial", "".join(CHUNKS[:3]))


def test_a_failing_checkpoint_does_not_stop_the_stream(pipeline, monkeypatch):
    sid = through(pipeline, "draft")
    stream = DraftStream(producer, model_used="offline")
    real = pipeline.sessions.save_draft_text
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("The database did not answer.", fix="Try again in a moment.")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline.sessions, "save_draft_text", flaky)
    assert list(pipeline.checkpointed(sid, stream, every=0)) == CHUNKS
    version = pipeline.save_generated_draft(sid, stream)
    drafts = pipeline.sessions.get(sid).drafts
    assert len(drafts) == 1 and drafts[0].version == version and drafts[0].source == "generated"
