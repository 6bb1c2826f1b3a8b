"""Each pipeline step as one call: read the session, ask the generator, save the result, open the next step.

Pages call these and render; tests and workers call them without Streamlit. The
session is saved before generation starts (Create) and every result is saved
before the call returns, so a reload never loses a step. Which status a step
opens is `lib.steps`'s rule; `complete` is the only place it is applied.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Callable, Iterable, Iterator

from lib import selection, steps
from lib.errors import AppError, InputError
from lib.generate import OUTPUT_FORMAT_LABELS, DraftStream, GenerationOptions, Generator
from lib.generate.models import Outline, OutlineSet, Research, ResearchItem, Theme, ThemeSet
from lib.session import Session, Sessions

log = logging.getLogger(__name__)


def selected_theme(session: Session) -> Theme:
    if session.selected_theme is None:
        raise InputError("No theme is chosen for this session yet.", fix="Go back to Create and pick a theme.")
    return session.selected_theme


def _material(session: Session) -> tuple[str, Theme, list[ResearchItem], list[str]]:
    """What a later step is made from: notes and theme without the unticked items, the kept items."""
    research = session.current_research
    kept = research.kept_items if research else []
    dropped = [item.text for item in research.dropped_items] if research else []
    notes = selection.without(session.brain_dump.raw_content, dropped)
    return notes, selection.theme_without(selected_theme(session), dropped), kept, dropped


def chosen_outline(session: Session) -> Outline:
    outline = session.current_outline
    if outline is None or outline.chosen_outline is None:
        raise InputError("No outline is chosen for this session yet.", fix="Go to Outline and pick one.")
    return outline.chosen_outline


def _drain(chunks: Iterator[str]) -> None:
    for _ in chunks:
        pass


class Pipeline:
    def __init__(self, sessions: Sessions, generator: Generator, options: GenerationOptions | None = None):
        self.sessions = sessions
        self.generator = generator
        self.options = options or GenerationOptions()

    def start(self, raw_content: str, create_token: object = None) -> Session:
        """Save the brain dump as a new session (status brain_dump), before any generation."""
        return self.sessions.create(raw_content, create_token=create_token)

    def complete(self, session_id: object, step: str) -> None:
        """Step `step` is done: the session reaches the status it opens (never moves back)."""
        self.sessions.advance(session_id, steps.opens(step))

    def extract_themes(self, session_id: object) -> ThemeSet:
        session = self.sessions.get(session_id)
        result = self.generator.themes(session.brain_dump.raw_content, self.options)
        self.sessions.save_themes(session.id, result.themes, model_used=result.model_used, usage=result.usage)
        return result

    def choose_theme(self, session_id: object, theme_id: str) -> None:
        session = self.sessions.get(session_id)
        theme = next((t for t in session.brain_dump.themes if t.id == theme_id), None)
        if theme is None:
            raise InputError("That theme is not one of this session's themes.", fix="Pick one of the themes listed.")
        self.sessions.choose_theme(session.id, theme)
        self.complete(session.id, "create")

    def research(self, session_id: object) -> Research:
        session = self.sessions.get(session_id)
        result = self.generator.research(session.brain_dump.raw_content, selected_theme(session), self.options)
        self.sessions.save_research(session.id, selected_theme(session), result.items,
                                    model_used=result.model_used, usage=result.usage)
        return result

    def outlines(self, session_id: object) -> OutlineSet:
        session = self.sessions.get(session_id)
        notes, theme, kept, _ = _material(session)
        result = self.generator.outlines(notes, theme, kept, self.options)
        self.sessions.save_outline_options(session.id, result.outlines, model_used=result.model_used, usage=result.usage)
        self.complete(session.id, "research")
        return result

    def choose_outline(self, session_id: object, index: int, edited: Outline | None = None) -> None:
        self.sessions.choose_outline(session_id, index, edited=edited)
        self.complete(session_id, "outline")

    def draft_stream(self, session_id: object, *, resume: int | None = None) -> DraftStream:
        """The draft's stream. `resume`: the partial version an earlier run was writing; when it is still the
        newest draft (nobody edited since), the stream starts with its text, goes on from there and is saved
        in that same version."""
        session = self.sessions.get(session_id)
        notes, theme, kept, dropped = _material(session)
        outline = selection.outline_without(chosen_outline(session), dropped)
        newest = session.current_draft
        if resume is not None and newest is not None and newest.version == resume and newest.source == "partial":
            stream = self.generator.draft_stream(notes, theme, kept, outline, self.options, resume_from=newest.markdown)
            stream.version = resume
            return stream
        return self.generator.draft_stream(notes, theme, kept, outline, self.options)

    def checkpointed(self, session_id: object, stream: DraftStream, every: float = 1.0,
                     after: Callable[[DraftStream], None] | None = None) -> Iterator[str]:
        """The stream's chunks, with what was written so far saved about every `every` seconds as one partial
        version: a closed tab, a crash or a database blip loses at most the last second of text. `after` runs
        after each checkpoint (a job's heartbeat; it may raise to stop the stream)."""
        last = time.monotonic()
        for chunk in stream:  # the stream has kept `chunk` in its text already
            if time.monotonic() - last >= every:
                self._checkpoint(session_id, stream)
                if after is not None:
                    after(stream)
                last = time.monotonic()
            yield chunk

    def _checkpoint(self, session_id: object, stream: DraftStream) -> None:
        if not stream.text.strip():
            return
        try:
            stream.version = self.sessions.save_draft_text(session_id, stream.text, version=stream.version,
                                                           model_used=stream.model_used)
        except AppError as exc:  # the stream goes on; the next checkpoint or the final save tries again
            log.warning("draft checkpoint failed: %s", exc)

    def save_generated_draft(self, session_id: object, stream: DraftStream) -> int:
        """The finished draft; one the model did not finish (token limit, cut body) is saved as partial."""
        draft = stream.result()  # drains whatever the screen did not consume
        return self.sessions.save_draft_text(session_id, draft.markdown, version=stream.version,
                                             source="partial" if stream.cut else "generated",
                                             model_used=draft.model_used, usage=draft.usage)

    def keep_partial_draft(self, session_id: object, stream: DraftStream) -> int | None:
        """After a stream broke off: save what was written as a 'partial' version (None when nothing was)."""
        if not stream.text.strip():
            return stream.version
        return self.sessions.save_draft_text(session_id, stream.text, version=stream.version,
                                             model_used=stream.model_used, usage=stream.usage)

    def write_draft(self, session_id: object, stream: DraftStream | None = None, *,
                    show: Callable[[Iterator[str]], object] = _drain, every: float = 1.0,
                    after: Callable[[DraftStream], None] | None = None) -> DraftStream:
        """The draft step: stream it (`show` puts the chunks on a screen, e.g. `st.write_stream`), checkpointed
        about every `every` seconds; save it (partial when the model did not finish); open Outputs. On failure
        what was written is kept as a partial version (`stream.version`) and the error is raised."""
        stream = stream if stream is not None else self.draft_stream(session_id)
        try:
            show(self.checkpointed(session_id, stream, every, after))
            stream.version = self.save_generated_draft(session_id, stream)
        except AppError:
            try:
                stream.version = self.keep_partial_draft(session_id, stream)
            except AppError:  # the database itself failed: the last checkpoint is what is kept
                pass
            if stream.version is not None:
                self.complete(session_id, "draft")
            raise
        self.complete(session_id, "draft")
        return stream

    def outputs(self, session_id: object, formats: Iterable[str]) -> dict:
        formats = list(formats)
        if not formats:
            raise InputError("No output format is selected.", fix="Pick at least one format.")
        session = self.sessions.get(session_id)
        if not session.current_draft:
            raise InputError("This session has no draft yet.", fix="Write the draft first.")
        results, failed = {}, {}
        for fmt in dict.fromkeys(formats):  # each format saved as it succeeds: one failure keeps the others
            try:
                out = self.generator.output(session.current_draft.markdown, fmt, self.options)
            except AppError as exc:
                failed[fmt] = exc
                continue
            self.sessions.save_output(session.id, fmt, out.content, metadata=out.model_dump(mode="json"),
                                      model_used=out.model_used, usage=out.usage)
            results[fmt] = out
        if results:
            self.complete(session.id, "outputs")
        if failed:
            first = next(iter(failed.values()))
            saved = f" {', '.join(OUTPUT_FORMAT_LABELS[f] for f in results)} {'is' if len(results) == 1 else 'are'} " \
                    "saved." if results else ""
            error = type(first)(f"{', '.join(OUTPUT_FORMAT_LABELS[f] for f in failed)} could not be made: "
                                f"{first.message}{saved}", fix="Press Retry to make only "
                                f"{'that one' if len(failed) == 1 else 'those'} again. " + (first.fix or ""))
            error.formats = list(failed)
            raise error
        return results


def new_create_token() -> str:
    return str(uuid.uuid4())
