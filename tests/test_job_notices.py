"""What a finished job tells its page: what the result lacks (fewer themes than asked), what the offline generator
did, and, after outputs partly failed, a Retry that makes only the formats that failed."""

from lib.db import get_database
from lib.errors import GeneratorBadOutput
from lib.generate.offline import OFFLINE_NOTES, OfflineGenerator
from lib.jobs import run
from lib.jobs.store import Jobs
from lib.session import Sessions
from lib.ui.jobs import _extra
from tests.helpers import BRAIN_DUMP, click, open_page, texts, through
from tests.test_jobs import config  # noqa: F401 (fixture: a job's settings)


class NoNewsletter(OfflineGenerator):
    """The offline generator, except that the newsletter fails as a provider can."""

    def _output(self, draft_markdown, fmt, options):
        if fmt == "newsletter":
            raise GeneratorBadOutput("The model returned an empty newsletter.", fix="Try again.")
        return super()._output(draft_markdown, fmt, options)


def test_an_offline_step_says_what_it_did(config, user):
    db = get_database(config)
    sid = Sessions(db, user).create(BRAIN_DUMP).id
    job, _ = Jobs(db, user).start(sid, "themes")
    assert run.run_job(db, config, OfflineGenerator(), job.id, user) == "done"
    assert Jobs(db, user).get(job.id).note == OFFLINE_NOTES["themes"]


def test_outputs_that_partly_failed_retry_only_the_failed_format(config, pipeline, user):
    db = get_database(config)
    sid = through(pipeline, "outputs")
    job, _ = Jobs(db, user).start(sid, "outputs", {"formats": ["linkedin_post", "newsletter", "x_thread"]})
    assert run.run_job(db, config, NoNewsletter(), job.id, user) == "failed"
    failed = Jobs(db, user).get(job.id)
    assert failed.error.startswith("Newsletter could not be made: The model returned an empty newsletter.")
    assert "Press Retry to make only that one again." in failed.error
    assert _extra(failed) == {"formats": ["newsletter"]}  # what Retry starts
    assert {"linkedin_post", "x_thread"} <= set(pipeline.sessions.get(sid).current_outputs)


def test_the_page_shows_the_note_under_its_result(app, pipeline, db, user):
    sid = Sessions(db, user).create(BRAIN_DUMP).id
    open_page(app, "app_pages/create.py", sid)
    click(app, "Extract themes")
    assert OFFLINE_NOTES["themes"] in texts(app)


def test_a_draft_from_thin_notes_says_how_long_the_notes_allow(config, user):
    from lib.generate import GenerationOptions
    from lib.pipeline import Pipeline

    db = get_database(config)
    pipeline = Pipeline(Sessions(db, user), OfflineGenerator(), GenerationOptions(draft_words=1500))
    thin = pipeline.start("Newsletter launch\n- weekly, on Tuesdays\n- one tactic per issue").id
    pipeline.choose_theme(thin, pipeline.extract_themes(thin).themes[0].id)
    pipeline.research(thin)
    pipeline.outlines(thin)
    pipeline.choose_outline(thin, 0)
    job, _ = Jobs(db, user).start(thin, "draft", {"draft_words": 1500})
    assert run.run_job(db, config, OfflineGenerator(), job.id, user) == "done"
    note = Jobs(db, user).get(job.id).note
    assert note.startswith("Your notes gave enough for about ") and "not the 1,500 asked for" in note
