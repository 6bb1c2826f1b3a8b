"""The pipeline's rules, in one table: its steps, their pages, the status each one is, what each needs, and
where a session resumes. The session hook, the pipeline, navigation and every page guard read this.

A session's `status` is the furthest step it has reached: `brain_dump` while it is on Create, `research`
once a theme is chosen, and so on; `completed` once outputs exist. It only ever moves forward, and only
through `Pipeline.complete` (a step done opens the next one); saving a step's data never moves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lib.session_data import Session


@dataclass(frozen=True)
class Step:
    key: str  # also the page's URL path
    title: str
    icon: str
    status: str  # the session's status while this is the step to do
    ready: Callable[[Session], bool]  # whether the step has what it works from (given that earlier steps do)
    missing: str  # what its page says when it does not
    back: str  # the step that provides it


STEPS: tuple[Step, ...] = (
    Step("create", "Create", ":material/edit_note:", "brain_dump",
         ready=lambda s: True, missing="", back="create"),
    Step("research", "Research", ":material/travel_explore:", "research",
         ready=lambda s: s.selected_theme is not None,
         missing="Pick a theme on Create first.", back="create"),
    Step("outline", "Outline", ":material/format_list_numbered:", "outline",
         ready=lambda s: s.current_research is not None,
         missing="Generate the research first: the outline is built from the items you keep.", back="research"),
    Step("draft", "Draft", ":material/article:", "draft",
         ready=lambda s: s.current_outline is not None and s.current_outline.chosen_outline is not None,
         missing="Choose an outline first: the draft follows it.", back="outline"),
    Step("outputs", "Outputs", ":material/share:", "outputs",
         ready=lambda s: s.current_draft is not None,
         missing="Write the draft first: outputs are made from it.", back="draft"),
)
BY_KEY = {step.key: step for step in STEPS}
PIPELINE = tuple(step.key for step in STEPS)
COMPLETED = "completed"  # outputs exist: the whole pipeline has run once
STATUSES = (*(step.status for step in STEPS), COMPLETED)


def unmet(session: Session, key: str) -> Step | None:
    """The first step up to `key` whose needs the session does not meet (None: step `key` can work)."""
    return next((step for step in STEPS[: PIPELINE.index(key) + 1] if not step.ready(session)), None)


def opens(key: str) -> str:
    """The status a session reaches when step `key` is done: the next step's, or `completed` after the last."""
    index = PIPELINE.index(key)
    return STEPS[index + 1].status if index + 1 < len(STEPS) else COMPLETED


def resume_step(status: str) -> Step:
    """The step a session with this status continues on (a completed one: its outputs)."""
    return next((step for step in STEPS if step.status == status), STEPS[-1] if status == COMPLETED else STEPS[0])


def reached(status: str) -> set[str]:
    """The steps a session with this status may open."""
    return set(PIPELINE[: PIPELINE.index(resume_step(status).key) + 1])


def done(status: str, key: str) -> bool:
    """Whether step `key` is behind a session with this status."""
    return status == COMPLETED or PIPELINE.index(key) < PIPELINE.index(resume_step(status).key)
