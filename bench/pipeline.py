"""The pipeline pages on a heavy session, timed: every step page and the session page rerun in AppTest, and the
bytes one rerun reads of the session.

- pipeline_render_heavy_ms_p50: the slowest page's p50 rerun (Create, Research, Outline, Draft, Outputs, the
  session page) on a session with 50 draft versions, 10 research versions and 100 images;
- session_bytes_per_rerun_heavy / _light: what one rerun reads of that session (`Sessions.view_bytes`), and of a
  session with one version of each step; they stay close because a page reads the newest version whole and
  only the bookkeeping of the 20 before it.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from PIL import Image

from lib.db import Database, close_database
from lib.generate import OUTPUT_FORMATS
from lib.generate.models import ImageResult
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore, images_root

NOTES = ("Pricing pages that convert\n- show the price early\n- one plan highlighted\n"
         "- answer objections near the button\n- annual plans need a reason\n- a calculator beats a table")
PAGES = ("app_pages/create.py", "app_pages/research.py", "app_pages/outline.py", "app_pages/draft.py",
         "app_pages/outputs.py", "app_pages/session.py")
DRAFTS, RESEARCH, IMAGES = 50, 10, 100


def finished_session(pipeline: Pipeline) -> uuid.UUID:
    sid = pipeline.start(NOTES).id
    pipeline.choose_theme(sid, pipeline.extract_themes(sid).themes[0].id)
    pipeline.research(sid)
    pipeline.complete(sid, "research")
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    pipeline.write_draft(sid)
    pipeline.outputs(sid, OUTPUT_FORMATS)
    return sid


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 90), (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def heavy_session(db: Database, data_dir: Path, user: uuid.UUID) -> uuid.UUID:
    """A finished session, then edited into 50 draft versions and 10 research versions, with 100 images."""
    sessions = Sessions(db, user)
    sid = finished_session(Pipeline(sessions, OfflineGenerator()))
    draft = sessions.get(sid).current_draft.markdown
    for n in range(DRAFTS - 1):  # each edit from another tab: a new version of about the same length
        sessions.edit_draft(sid, f"{draft}\n\nEdit {n}.", base=sessions.get(sid).current_draft.base, editor=uuid.uuid4())
    items = sessions.get(sid).current_research.items
    for n in range(RESEARCH - 1):
        sessions.keep_research_items(sid, [i.id for i in items[: max(1, len(items) - n % 3)]], editor=uuid.uuid4(),
                                     base=sessions.get(sid).current_research.base)
    images = Images(db, user, LocalImageStore(images_root(data_dir)), Spool(data_dir / "spool"))
    png = _png()
    for n in range(IMAGES):
        images.save(ImageResult(png_bytes=png, width=160, height=90, aspect_ratio="16:9", model_used="bench",
                                prompt=f"Pricing page illustration {n}", negative_prompt=""), sid)
    return sid


def render_p50(database_url: str, data_dir: Path, page: str, session_id: uuid.UUID, warmup: int,
               runs: int) -> tuple[float, int]:
    """A page on the session in AppTest: repeated reruns, the first one (start-up) excluded."""
    from streamlit.testing.v1 import AppTest

    from bench.run import APP, app_environment, timed  # run imports this module: import its helpers late

    with app_environment(database_url, data_dir):
        try:
            app = AppTest.from_file(str(APP), default_timeout=120)
            app.query_params["session_id"] = str(session_id)
            app.switch_page(page).run()
            if app.exception or app.error:
                raise RuntimeError(f"{page} failed on the heavy session: {(app.exception or app.error)[0]}")
            return timed(app.run, warmup, runs)
        finally:
            close_database(database_url)


def measure_pipeline(db: Database, database_url: str, data_dir: Path, user: uuid.UUID, warmup: int, runs: int,
                     log) -> dict:
    sessions = Sessions(db, user)
    light = finished_session(Pipeline(sessions, OfflineGenerator()))
    heavy = heavy_session(db, data_dir, user)
    out = {"session_bytes_per_rerun_light": sessions.view_bytes(light),
           "session_bytes_per_rerun_heavy": sessions.view_bytes(heavy)}
    whole = sessions.view_bytes(heavy, whole=True)
    log(f"one rerun reads {out['session_bytes_per_rerun_heavy']:,} bytes of the heavy session ({DRAFTS} draft, "
        f"{RESEARCH} research versions, {IMAGES} images) and {out['session_bytes_per_rerun_light']:,} of a "
        f"one-version session; the whole heavy session is {whole:,} bytes")
    slowest = 0.0
    for page in PAGES:
        p50, n = render_p50(database_url, data_dir, page, heavy, warmup, runs)
        log(f"{Path(page).stem} page on the heavy session in AppTest: {p50} ms p50 per rerun ({n} runs)")
        slowest = max(slowest, p50)
    out["pipeline_render_heavy_ms_p50"] = slowest
    return out
