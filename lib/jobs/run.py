"""What a worker does with one job: run its step as the job's user (RLS applies), through the same pipeline
the pages used to call, and record how it ended in words the user can act on."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Callable

from lib.config import Config
from lib.db import Database
from lib.errors import AppError, JobCancelled
from lib.generate import GenerationOptions, Generator, OUTPUT_FORMATS
from lib.generate.base import keep_going, provider_waiting
from lib.generate.models import Usage
from lib.generate.offline import OFFLINE_NOTES, thin_notes
from lib.images import ImageRequest, Images
from lib.jobs.store import Job, Jobs
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import worker_store

log = logging.getLogger(__name__)
OPTION_FIELDS = set(GenerationOptions.model_fields)


@dataclass(frozen=True)
class Ran:
    """How a job's step went: tokens used, the version it saved (the draft), what the page should say about it."""

    usage: Usage
    version: int | None = None
    notice: str | None = None


@dataclass(frozen=True)
class Work:
    """What a runner has to do one job: the job, its pipeline (as the job's user), and the worker's settings."""

    db: Database
    config: Config
    generator: Generator
    pipeline: Pipeline
    job: Job
    jobs: Jobs


def _themes(work: Work) -> Ran:
    themes = work.pipeline.extract_themes(work.job.session_id)
    return Ran(themes.usage, notice=themes.notice)


def _research(work: Work) -> Ran:
    research = work.pipeline.research(work.job.session_id)
    return Ran(research.usage, notice=research.notice)


def _outlines(work: Work) -> Ran:
    outlines = work.pipeline.outlines(work.job.session_id)
    return Ran(outlines.usage, notice=outlines.notice)


def _draft(work: Work) -> Ran:
    pipeline, job, jobs = work.pipeline, work.job, work.jobs
    def beat(stream) -> None:  # after each checkpoint: alive, where the text is, and whether to go on
        try:
            go_on = jobs.beat(job.id, stream.version)
        except AppError as exc:  # a database blip: the stream goes on, the next beat tries again
            log.warning("job %s heartbeat failed: %s", job.id, exc)
            return
        if not go_on:
            raise JobCancelled()

    # A run after a worker died goes on from the partial version that worker was writing.
    resume = job.result_version if job.attempts > 1 else None
    stream = pipeline.write_draft(job.session_id, pipeline.draft_stream(job.session_id, resume=resume), after=beat)
    thin = thin_notes(pipeline.sessions.get(job.session_id).brain_dump.raw_content, pipeline.options.draft_words) \
        if pipeline.generator.offline else None
    notice = (f"Your notes gave enough for about {thin:,} words, not the {pipeline.options.draft_words:,} asked "
              "for: add more notes (or a model) for a longer draft.") if thin else None
    return Ran(stream.usage, stream.version, notice)


def _outputs(work: Work) -> Ran:
    results = work.pipeline.outputs(work.job.session_id, work.job.options.get("formats") or OUTPUT_FORMATS)
    return Ran(sum((r.usage for r in results.values()), Usage()))


def _image(work: Work) -> Ran:
    """Make, store and record the image as the job's user, under the id the job chose (a second run after a
    crash finds the row the first one saved instead of making another)."""
    job, config = work.job, work.config
    request = ImageRequest.from_job(job.session_id, job.options)
    images = Images(work.db, job.user_id, worker_store(config, job.user_id), Spool(config.data_dir / "spool"),
                    work.generator)
    record = images.generate(**request.arguments(), image_id=uuid.UUID(job.options["image_id"]))
    return Ran(Usage(**(record.metadata.get("usage") or {})))


RUNNERS: dict[str, Callable[[Work], Ran]] = {
    "themes": _themes, "research": _research, "outlines": _outlines, "draft": _draft, "outputs": _outputs,
    "image": _image,
}


def _offline(generator: Generator, step: str) -> bool:
    """Whether the offline generator made this step (images may come from another provider)."""
    return (generator.images_from or generator).offline if step == "image" else generator.offline


def notice_of(generator: Generator, step: str, ran: Ran) -> str | None:
    """The note a finished job leaves for its page: the result's own notice, then what offline generation did."""
    parts = [ran.notice, OFFLINE_NOTES.get(step) if _offline(generator, step) else None]
    return " ".join(p for p in parts if p) or None


# "Auto-run the rest": after each of these steps, what the user would do by hand, then the next job.
AUTO_NEXT: dict[str, tuple[Callable[[Pipeline, object], None], str]] = {
    "research": (lambda p, sid: p.complete(sid, "research"), "outlines"),  # every item kept
    "outlines": (lambda p, sid: p.choose_outline(sid, 0), "draft"),  # the first option
    "draft": (lambda p, sid: None, "outputs"),  # every format
}


def _continue(db: Database, pipeline: Pipeline, job: Job, jobs: Jobs) -> None:
    """An auto-run job hands over to the next step's job, with the same options (the user can Stop any)."""
    if not job.options.get("auto") or job.step not in AUTO_NEXT:
        return
    prepare, step = AUTO_NEXT[job.step]
    prepare(pipeline, job.session_id)
    jobs.submit(job.session_id, step, job.options)


def _still_wanted(jobs: Jobs, job_id: uuid.UUID) -> bool:
    """The job's heartbeat while a provider streams, and whether its user still wants it (not Stop)."""
    try:
        return jobs.beat(job_id)
    except AppError:  # a database blip: go on, the next beat asks again
        return True


def _note(jobs: Jobs, job_id: uuid.UUID, text: str) -> None:
    try:
        jobs.note(job_id, text)
    except AppError:  # only a note: the job goes on
        log.warning("could not note on job %s: %s", job_id, text)


def run_job(db: Database, config: Config, generator: Generator, job_id: object, user_id: object) -> str:
    """Run one job to its end; returns the state it ended in ("skipped" when it was cancelled or done already)."""
    jobs = Jobs(db, user_id)
    job = jobs.begin(uuid.UUID(str(job_id)))
    if job is None:
        return "skipped"
    options = GenerationOptions(**{k: v for k, v in job.options.items() if k in OPTION_FIELDS})
    pipeline = Pipeline(Sessions(db, user_id, max_input_chars=config.max_input_chars), generator, options)
    provider_waiting.set(lambda text: _note(jobs, job.id, text))
    keep_going.set(lambda: _still_wanted(jobs, job.id))
    try:
        ran = RUNNERS[job.step](Work(db, config, generator, pipeline, job, jobs))
    except JobCancelled as exc:
        jobs.finish(job.id, "cancelled", error=str(exc))
        return "cancelled"
    except AppError as exc:  # outputs: Retry makes only the formats that failed
        failed = getattr(exc, "formats", None)
        jobs.finish(job.id, "failed", error=str(exc), retry={"formats": failed} if failed else None)
        return "failed"
    except Exception:
        log.exception("job %s (%s) failed", job.id, job.step)
        jobs.finish(job.id, "failed", error="Something went wrong on our side. Everything saved before is kept; "
                                            "press Retry.")
        return "failed"
    jobs.finish(job.id, "done", usage=ran.usage, result_version=ran.version, note=notice_of(generator, job.step, ran))
    try:
        _continue(db, pipeline, job, jobs)
    except AppError as exc:  # the chain stops here; what is done is saved and the next step can be started
        log.warning("auto-run of session %s stopped after %s: %s", job.session_id, job.step, exc)
    return "done"
