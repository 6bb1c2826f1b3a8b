"""The pipeline's rules live in one table (lib/steps.py): what each step needs, the status it opens, where a
session resumes; the pipeline applies them and saves never do."""

import pytest

from lib import steps
from tests.helpers import through


def test_the_table_orders_the_statuses_and_says_where_each_resumes():
    assert steps.STATUSES == ("brain_dump", "research", "outline", "draft", "outputs", "completed")
    assert [steps.resume_step(s).key for s in steps.STATUSES] == [
        "create", "research", "outline", "draft", "outputs", "outputs"]
    assert steps.reached("outline") == {"create", "research", "outline"}
    assert [steps.opens(k) for k in steps.PIPELINE] == ["research", "outline", "draft", "outputs", "completed"]
    assert [k for k in steps.PIPELINE if steps.done("draft", k)] == ["create", "research", "outline"]
    assert all(steps.done("completed", k) for k in steps.PIPELINE)


@pytest.mark.parametrize("step, status", [
    ("create", "brain_dump"),  # notes saved, no theme chosen
    ("research", "research"),  # a theme chosen opens Research
    ("outline", "research"),  # research made: the user has not moved on yet
    ("draft", "draft"),  # outlines made and one chosen
    ("outputs", "outputs"),  # the draft written
    ("completed", "completed"),  # outputs made
])
def test_each_step_done_by_the_pipeline_opens_the_next(pipeline, step, status):
    sid = through(pipeline, "outputs" if step == "completed" else step)
    if step == "completed":
        pipeline.outputs(sid, ["linkedin_post"])
    assert pipeline.sessions.get(sid).status == status


def test_a_step_s_needs_name_the_first_missing_one(pipeline):
    sid = through(pipeline, "research")
    session = pipeline.sessions.get(sid)
    assert steps.unmet(session, "research") is None
    assert steps.unmet(session, "outputs").key == "outline"  # research exists? no: outline needs it first
    assert steps.unmet(session, "outputs").back == "research"


def test_saves_never_move_the_status(pipeline):
    sid = through(pipeline, "create")
    sessions = pipeline.sessions
    sessions.save_draft(sid, "# A draft written before anything else")
    assert sessions.get(sid).status == "brain_dump"
    pipeline.complete(sid, "draft")
    pipeline.complete(sid, "create")  # never back
    assert sessions.get(sid).status == "outputs"


def test_a_failing_output_format_keeps_the_others_and_names_itself(pipeline, monkeypatch):
    from lib.errors import GeneratorTimeout

    sid = through(pipeline, "outputs")
    real = pipeline.generator.output

    def output(markdown, fmt, options=None):
        if fmt == "newsletter":
            raise GeneratorTimeout("The generator did not answer in time.", fix="Try again.")
        return real(markdown, fmt, options)

    monkeypatch.setattr(pipeline.generator, "output", output)
    with pytest.raises(GeneratorTimeout) as failed:
        pipeline.outputs(sid, ["linkedin_post", "newsletter", "x_thread"])
    assert str(failed.value).startswith("Newsletter could not be made: The generator did not answer in time. "
                                        "LinkedIn post, X/Twitter thread are saved.")
    session = pipeline.sessions.get(sid)
    assert set(session.current_outputs) == {"linkedin_post", "x_thread"} and session.status == "completed"
