"""A draft whose worker died goes on from the text already written (in the same version), unless the user has
taken over since; providers continue their own text (the offline one writes it again and passes on the rest)."""

from lib.generate.offline import OfflineGenerator
from tests.helpers import through


def test_the_offline_draft_resumed_from_half_its_text_is_the_same_draft(pipeline):
    session = pipeline.sessions.get(through(pipeline, "draft"))
    args = (session.brain_dump.raw_content, session.selected_theme, [], session.current_outline.chosen_outline)
    whole = OfflineGenerator().draft(*args).markdown
    half = whole[: len(whole) // 2]
    stream = OfflineGenerator().draft_stream(*args, resume_from=half)
    new = "".join(stream)
    assert stream.resumed and new and (half + new).strip() == whole.strip()  # only what comes after the half
    assert stream.result().markdown == whole


def test_a_resumed_run_finishes_the_dead_worker_s_partial_version(pipeline):
    sid = through(pipeline, "draft")
    whole = pipeline.draft_stream(sid).result().markdown
    partial = pipeline.sessions.save_draft_text(sid, whole[:300])  # what the dead worker had checkpointed
    stream = pipeline.write_draft(sid, pipeline.draft_stream(sid, resume=partial))
    [draft] = pipeline.sessions.get(sid).drafts
    assert stream.version == draft.version == partial
    assert draft.source == "generated" and draft.markdown == whole


def test_after_the_user_took_over_a_resumed_run_starts_a_new_version(pipeline):
    sid = through(pipeline, "draft")
    partial = pipeline.sessions.save_draft_text(sid, "The dead worker wrote this much")
    pipeline.sessions.edit_draft(sid, "The dead worker wrote this much, and I finished it myself.",
                                 base=pipeline.sessions.get(sid).current_draft.base, editor=None)
    pipeline.write_draft(sid, pipeline.draft_stream(sid, resume=partial))
    drafts = pipeline.sessions.get(sid).drafts
    assert [d.source for d in drafts] == ["partial", "edited", "generated"]  # the user's text stays as it was
    assert drafts[1].markdown.endswith("I finished it myself.")
    assert not drafts[2].markdown.startswith("The dead worker")


def test_resuming_a_finished_draft_is_a_fresh_draft(pipeline):
    sid = through(pipeline, "outputs")
    done = pipeline.sessions.get(sid).current_draft
    stream = pipeline.draft_stream(sid, resume=done.version)  # it was not partial: nothing to go on from
    assert not stream.resumed and stream.version is None
