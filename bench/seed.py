"""Seed a migrated database for `make bench`: many sessions, every step filled, real image files.

Everything is written as the connecting (admin) role with `COPY`, the way a
bulk load would be (triggers off, as pg_restore loads data: each session's
search document and counts of sql/015 are then made set-wise by
`content_studio.rebuild_session_summaries`, as the triggers would have kept
them); the benchmark then reads it back as the user, through RLS.
Text comes from a vocabulary of a few thousand words with Zipf-like
frequencies, so full-text search sees realistic posting lists; one rare word
sits in a handful of drafts only, so search has something specific to find.
The image rows point at a few dozen real rendered PNGs and their WebP
thumbnails in a local image store, with the paths, URLs and
`metadata['thumbnail']` written the way `lib/images.py` writes them (many rows
share one file).

Sizes are parameters (`Sizes`); `make bench` uses the defaults, the smoke test `TINY`.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

import psycopg

from lib.auth import ensure_local_user
from lib.db import Database
from lib.generate.imaging import ASPECT_RATIOS
from lib.generate.models import OUTPUT_FORMATS
from lib.generate.offline import OfflineGenerator, TITLE_TEMPLATES
from lib.generate.text import STOPWORDS
from lib.session import STATUSES, provisional_title
from lib.storage.base import object_path
from lib.storage.local import LocalImageStore, images_root
from lib.thumbnails import make_thumbnail

Log = Callable[[str], None]

OTHER_EMAIL = "bench-other@example.com"
SMALL_EMAIL = "bench-small@example.com"
# Not in the vocabulary (checked): only the drafts it is put into contain it.
RARE_WORD = "quetzalcoatlus"


@dataclass(frozen=True)
class Sizes:
    sessions: int = 10_000          # the app's local user: the one History and Gallery are timed for
    images: int = 50_000            # that user's generated_images rows
    other_sessions: int = 300       # a second user, so RLS has rows to filter out
    other_images: int = 1_500
    small_sessions: int = 10        # a third user: the statement count at small scale
    small_images: int = 20
    rendered_images: int = 30       # real files the image rows point at
    rare_word_drafts: int = 4       # the local user's drafts holding RARE_WORD (the second user gets one too)
    vocabulary: int = 3_000
    sentence_pool: int = 20_000
    standalone_share: float = 0.10  # images with no session
    imageless_share: float = 0.15   # sessions without images
    completed_share: float = 0.95   # the rest are spread over the earlier statuses, with the steps they reached
    days: int = 730                 # created_at / updated_at spread over about two years
    seed: int = 20_240_601


TINY = Sizes(sessions=30, images=100, other_sessions=5, other_images=10, small_sessions=10, small_images=5,
             rendered_images=4, rare_word_drafts=2, sentence_pool=2_000)


@dataclass(frozen=True)
class StoredImage:
    """One real rendered file (PNG + WebP thumbnail) in one user's folder of the local store."""
    path: str
    public_url: str
    thumb_path: str
    thumb_url: str
    file_size: int
    thumb_size: int
    width: int
    height: int
    aspect_ratio: str
    prompt: str
    metadata_json: str  # the row's metadata, as lib/images.py writes it


@dataclass
class Seeded:
    user_id: uuid.UUID            # the app's local user
    other_user_id: uuid.UUID
    small_user_id: uuid.UUID
    rare_word: str
    rare_sessions: set[uuid.UUID]  # the local user's sessions whose drafts contain the rare word
    store_root: Path
    thumb_sizes: list[int]         # bytes of each rendered thumbnail
    sizes: Sizes = field(default_factory=Sizes)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --- text ------------------------------------------------------------------------------------

TOPIC_WORDS = """
audience brand budget campaign channel content conversion creator customer deadline design draft
editor email engagement experiment feedback funnel growth headline habit hiring insight interview
launch leadership learning manager marketing meeting metric mentor mission newsletter onboarding
outline podcast pricing product productivity prototype research retention revenue roadmap sales
schedule startup story strategy subscriber survey team timeline tool trust video writing workflow
async remote office culture burnout focus calendar standup documentation decision handbook hybrid
founder investor pitch runway churn cohort dashboard analytics segment persona positioning message
landing page signup trial upgrade discount bundle subscription invoice support ticket community forum
event webinar workshop conference speaker keynote panel slide deck template checklist framework
habit routine morning evening weekend vacation travel commute coffee notebook journal reflection
lesson mistake failure success milestone goal target quarter annual review promotion salary career
skill course tutorial guide book article essay blog post thread caption hashtag algorithm reach
impression click share comment follower influencer partnership sponsor affiliate referral loyalty
feature release bug fix sprint backlog estimate scope priority tradeoff constraint risk assumption
hypothesis evidence data sample trend forecast benchmark competitor market niche category pivot
vision values principle ethics privacy security compliance regulation policy contract legal
freelance agency client proposal brief deliverable revision approval handoff asset library archive
photo illustration diagram chart infographic thumbnail cover banner logo palette typography layout
clarity brevity tone voice style grammar rhythm structure narrative hook anecdote example metaphor
question answer objection counterpoint tension conflict resolution climax ending summary takeaway
kitchen garden bicycle mountain river ocean forest city village library museum theatre stadium
winter summer autumn spring morning midnight sunrise weather storm harbour bridge tunnel railway
""".split()

_SYLLABLES = "ka lo mi ne ru sa te vo zi ban cor del fen gar hol jun kel lin mar nor pel quin ros sul tam ver wyn".split()


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """`size` lowercase words: topic words and English from Python's own docs; made-up words only to fill up."""
    words = list(dict.fromkeys(TOPIC_WORDS))
    try:
        from pydoc_data.topics import topics  # English prose that ships with every CPython

        counts = Counter(re.findall(r"\b[a-z]{3,14}\b", " ".join(topics.values())))
        common = [w for w, _ in counts.most_common()]
        # The commonest (mostly stop words) lead, the topic words follow, then the rest of the docs' words.
        words = list(dict.fromkeys(common[:120] + words + common[120:]))
    except ImportError:
        pass
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    words = words[:size]
    assert RARE_WORD not in words
    return words


class Writer:
    """Text of realistic sizes: sentences drawn from a pool built once from the vocabulary."""

    def __init__(self, rng: random.Random, vocab: list[str], pool_size: int):
        self.rng = rng
        weights = [1.0 / (rank + 3) for rank in range(len(vocab))]  # Zipf–Mandelbrot
        self.content = [w for w in vocab if len(w) >= 4 and w not in STOPWORDS]
        self.pool: list[str] = []
        self.counts: list[int] = []
        for _ in range(pool_size):
            n = rng.randint(6, 22)
            text = " ".join(rng.choices(vocab, weights=weights, k=n))
            self.pool.append(text[0].upper() + text[1:] + rng.choice("....?!"))
            self.counts.append(n)

    def fork(self, rng: random.Random) -> "Writer":
        """The same sentence pool with its own random stream (one per table / thread)."""
        twin = object.__new__(Writer)
        twin.__dict__.update(self.__dict__, rng=rng)
        return twin

    def sentences(self, k: int) -> list[str]:
        return self.rng.choices(self.pool, k=k)

    def words(self, target: int) -> tuple[list[str], int]:
        """Sentences adding up to at least `target` words, and their word count."""
        rnd, pool, counts, n = self.rng.random, self.pool, self.counts, len(self.pool)
        out: list[str] = []
        total = 0
        while total < target:
            i = int(rnd() * n)
            out.append(pool[i])
            total += counts[i]
        return out, total

    def chars(self, target: int) -> list[str]:
        rnd, pool, n = self.rng.random, self.pool, len(self.pool)
        out: list[str] = []
        size = 0
        while size < target:
            s = pool[int(rnd() * n)]
            out.append(s)
            size += len(s) + 1
        return out

    def phrase(self, lo: int = 2, hi: int = 3) -> str:
        return " ".join(self.rng.choices(self.content, k=self.rng.randint(lo, hi)))

    def title(self) -> str:
        x = self.phrase()
        return self.rng.choice(TITLE_TEMPLATES).format(x=x, X=x[0].upper() + x[1:])

    def heading(self) -> str:
        x = self.phrase(2, 5)
        return x[0].upper() + x[1:]

    def short_id(self) -> str:
        return f"{self.rng.getrandbits(48):012x}"

    def url(self) -> str:
        return f"https://{self.rng.choice(self.content)}.example.org/{self.phrase(2, 4).replace(' ', '-')}"

    def usage(self, scale: int) -> dict:
        prompt = self.rng.randint(scale, scale * 3)
        completion = self.rng.randint(scale // 2, scale * 2)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    # -- one step each ----------------------------------------------------------------------
    def brain_dump(self) -> str:
        """Notes of 1.5–4 KB: a first line, bullets, a paragraph or two."""
        rng = self.rng
        lines = [self.heading(), ""]
        for s in self.chars(int(rng.uniform(1500, 4000))):
            if rng.random() < 0.7 or len(lines) < 3:
                lines.append(f"- {s}")
            else:
                lines[-1] = lines[-1] + " " + s
        return "\n".join(lines)

    def theme(self) -> dict:
        return {"id": self.short_id(), "title": self.title(), "summary": " ".join(self.sentences(2)),
                "angle": self.sentences(1)[0], "key_points": self.sentences(self.rng.randint(3, 5))}

    def research_items(self, n: int = 15) -> list[dict]:
        kinds = ["insight"] * 4 + ["fact"] * 4 + ["counterpoint"] * 2 + ["question"] * 3 + ["source"] * 2
        items = []
        for kind in kinds[:n] + ["insight"] * max(0, n - len(kinds)):
            if kind == "source":
                text, source = self.title(), self.url()
            else:
                text = " ".join(self.sentences(self.rng.randint(1, 2)))
                source = self.url() if kind == "fact" and self.rng.random() < 0.6 else None
            items.append({"id": self.short_id(), "kind": kind, "text": text, "source": source,
                          "verify": kind == "fact" and source is None})
        return items

    def outline(self, title: str) -> dict:
        rng = self.rng
        return {
            "id": self.short_id(),
            "structure": rng.choice(("how-to", "listicle", "story", "problem-solution", "contrarian")),
            "title": title if rng.random() < 0.5 else self.title(),
            "hook": self.sentences(1)[0],
            "sections": [{"heading": self.heading(), "points": self.sentences(rng.randint(2, 4))}
                         for _ in range(rng.randint(4, 6))],
            "call_to_action": self.sentences(1)[0],
        }

    def draft(self, title: str, rare: str | None = None, lo: int = 800, hi: int = 1500) -> tuple[str, int]:
        """Markdown of `lo`–`hi` words in sections and paragraphs, and its word count."""
        rng = self.rng
        sentences, words = self.words(rng.randint(lo, hi))
        if rare:
            sentences.insert(rng.randrange(len(sentences) + 1), f"Nobody expected the {rare} comparison to stick.")
            words += 6
        parts = [f"# {title}", ""]
        words += len(title.split())
        sections = rng.randint(4, 6)
        per_section = max(1, len(sentences) // sections)
        i = 0
        while i < len(sentences):
            heading = self.heading()
            parts += [f"## {heading}", ""]
            words += len(heading.split())
            end = min(len(sentences), i + per_section)
            while i < end:
                k = rng.randint(3, 6)
                parts += [" ".join(sentences[i:i + k]), ""]
                i += k
        return "\n".join(parts), words

    def output(self, fmt: str, title: str, model: str) -> tuple[str, dict]:
        """The stored text and metadata of one output, shaped like `out.model_dump(mode="json")`."""
        rng = self.rng
        meta: dict
        if fmt == "linkedin_post":
            paragraphs = [" ".join(self.sentences(rng.randint(1, 3))) for _ in range(rng.randint(5, 9))]
            content = "\n\n".join(paragraphs)[:3000]
            meta = {"text": content}
        elif fmt == "x_thread":
            posts = [f"{i}/ {' '.join(self.sentences(2))}"[:280] for i in range(1, rng.randint(5, 9) + 1)]
            content = "\n\n".join(posts)
            meta = {"posts": posts}
        elif fmt == "newsletter":
            body, _ = self.draft(title, lo=350, hi=650)
            subject, preview = title, self.sentences(1)[0]
            content = f"Subject: {subject}\nPreview: {preview}\n\n{body}"
            meta = {"subject": subject, "preview": preview, "body_markdown": body}
        elif fmt == "instagram_caption":
            caption = " ".join(self.sentences(rng.randint(3, 6)))
            hashtags = [f"#{w}" for w in rng.sample(self.content, rng.randint(5, 10))]
            content = f"{caption}\n\n{' '.join(hashtags)}"
            meta = {"caption": caption, "hashtags": hashtags}
        else:  # blog_seo
            keywords = rng.sample(self.content, rng.randint(5, 8))
            description = self.sentences(1)[0][:160]
            slug = "-".join(title.lower().split())[:80].strip("-:,")
            content = f"Title: {title}\nMeta description: {description}\nSlug: {slug}\nKeywords: {', '.join(keywords)}"
            meta = {"title": title, "meta_description": description, "slug": slug, "keywords": keywords}
        meta.update(format=fmt, model_used=model, usage=self.usage(400), content=content)
        return content, meta


# --- sessions --------------------------------------------------------------------------------

@dataclass
class _Session:
    id: uuid.UUID
    user_id: uuid.UUID
    status: str
    created: datetime
    updated: datetime
    model: str
    themes: list[dict] | None  # None: not extracted yet
    chosen: dict | None        # the selected theme
    title: str
    rare: bool = False

    def at(self, fraction: float) -> datetime:
        return self.created + (self.updated - self.created) * fraction

    def reached(self, status: str) -> bool:
        return STATUSES.index(self.status) >= STATUSES.index(status)


def _statuses(n: int, completed_share: float, rng: random.Random) -> list[str]:
    completed = round(n * completed_share)
    others = [STATUSES[i % (len(STATUSES) - 1)] for i in range(n - completed)]
    statuses = ["completed"] * completed + others
    rng.shuffle(statuses)
    return statuses


def _plan_sessions(user_id: uuid.UUID, n: int, sizes: Sizes, writer: Writer, now: datetime) -> list[_Session]:
    rng = writer.rng
    sessions = []
    for status in _statuses(n, sizes.completed_share, rng):
        created = now - timedelta(seconds=rng.uniform(0, sizes.days * 86400))
        updated = min(now, created + timedelta(seconds=rng.expovariate(1 / (36 * 3600))))
        themes = [writer.theme() for _ in range(5)] if status != "brain_dump" or rng.random() < 0.5 else None
        chosen = rng.choice(themes) if themes and status != "brain_dump" else None
        sessions.append(_Session(uuid.UUID(int=rng.getrandbits(128), version=4), user_id, status, created, updated,
                                 rng.choice(("gpt-4o-mini", "offline")), themes, chosen,
                                 chosen["title"] if chosen else ""))
    return sessions


def _j(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def _copy(db: Database, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    n = 0
    with db.admin() as conn:
        # A bulk load: no per-row triggers (the seed ends with the summaries they keep, made set-wise).
        conn.execute("set local synchronous_commit = off; set local session_replication_role = replica")
        with conn.cursor() as cur, cur.copy(f"copy public.{table} ({', '.join(columns)}) from stdin") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def _session_rows(sessions: list[_Session], brain_dumps: dict[uuid.UUID, str]) -> Iterator[tuple]:
    for s in sessions:
        title = s.title or provisional_title(brain_dumps[s.id])
        s.title = title
        yield (s.id, s.user_id, title[:200], s.status, _j(s.chosen) if s.chosen else None, s.created, s.updated)


def _brain_dump_rows(sessions: list[_Session], brain_dumps: dict[uuid.UUID, str], w: Writer) -> Iterator[tuple]:
    for s in sessions:
        themed = s.themes is not None
        yield (s.id, brain_dumps[s.id], _j(s.themes or []), s.model if themed else None,
               _j(w.usage(800) if themed else {}), s.created, s.at(0.05) if themed else s.created)


def _research_rows(sessions: list[_Session], w: Writer) -> Iterator[tuple]:
    for s in sessions:
        if not s.reached("outline") and not (s.status == "research" and w.rng.random() < 0.5):
            continue
        for version in range(1, (2 if w.rng.random() < 0.15 else 1) + 1):
            items = w.research_items(15)
            kept = [i["id"] for i in items if w.rng.random() < 0.85]
            yield (s.id, version, _j(s.chosen), _j(items), _j(kept), s.model, _j(w.usage(1500)),
                   s.at(0.1 + 0.05 * version), s.at(0.2))


def _outline_rows(sessions: list[_Session], w: Writer) -> Iterator[tuple]:
    for s in sessions:
        if not s.reached("outline"):
            continue
        options = [w.outline(s.title) for _ in range(3)]
        chosen = w.rng.randrange(3) if s.reached("draft") else None
        yield (s.id, 1, _j(options), chosen, _j(options[chosen]) if chosen is not None else None, s.model,
               _j(w.usage(1200)), s.at(0.3), s.at(0.35))


def _draft_rows(sessions: list[_Session], w: Writer, rare_word: str) -> Iterator[tuple]:
    for s in sessions:
        if not s.reached("outputs"):
            continue
        versions = w.rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        rare_version = w.rng.randint(1, versions) if s.rare else 0
        for version in range(1, versions + 1):
            markdown, words = w.draft(s.title, rare_word if version == rare_version else None)
            edited = version > 1 and w.rng.random() < 0.6
            yield (s.id, version, markdown, words, "edited" if edited else "generated",
                   None if edited else s.model, _j({} if edited else w.usage(2000)), s.at(0.4 + 0.15 * version))


def _output_rows(sessions: list[_Session], w: Writer) -> Iterator[tuple]:
    for s in sessions:
        if s.status == "completed":
            formats = OUTPUT_FORMATS
        elif s.status == "outputs":
            formats = w.rng.sample(OUTPUT_FORMATS, w.rng.randint(0, len(OUTPUT_FORMATS) - 1))
        else:
            continue
        for fmt in formats:
            content, meta = w.output(fmt, s.title, s.model)
            yield (s.id, fmt, 1, content, _j(meta), s.model, _j(meta["usage"]), s.at(0.95))
            if w.rng.random() < 0.05:  # an edit: a second version
                yield (s.id, fmt, 2, content + "\n\n" + w.sentences(1)[0], _j({"edited": True}), None, "{}", s.at(0.98))


# --- images ----------------------------------------------------------------------------------

def _render(n: int, writer_seed: str, vocab: list[str]) -> list[tuple]:
    """`n` real images across the aspect ratios: (prompt, ratio, ImageResult, Thumbnail)."""
    rng = random.Random(writer_seed)
    content = [w for w in vocab if len(w) >= 4 and w not in STOPWORDS]
    generator = OfflineGenerator()
    out = []
    for i in range(n):
        ratio = ASPECT_RATIOS[i % len(ASPECT_RATIOS)]
        prompt = (f"{rng.choice(('A watercolour', 'An isometric', 'A minimal', 'A bold flat', 'A photographic'))} "
                  f"illustration of {' and '.join(rng.sample(content, 2))}, {rng.choice(('soft light', 'high contrast', 'pastel palette', 'dusk'))}")
        result = generator.image(prompt, aspect_ratio=ratio)
        out.append((prompt, ratio, result, make_thumbnail(result.png_bytes)))
    return out


def _store_files(store: LocalImageStore, user_id: uuid.UUID, rendered: list[tuple]) -> list[StoredImage]:
    """Each rendered file into the user's folder of the store, and the row metadata pointing at it."""
    files = []
    for prompt, ratio, result, thumb in rendered:
        file_id = uuid.uuid4()
        path = object_path(user_id, None, f"{file_id}.png")
        thumb_path = object_path(user_id, None, f"{file_id}.thumb.webp")
        stored = store.put(path, result.png_bytes, result.mime_type)
        stored_thumb = store.put(thumb_path, thumb.data, thumb.mime_type)
        metadata = {
            "object_path": path,
            "thumbnail": {"path": thumb_path, "width": thumb.width, "height": thumb.height,
                          "file_size": len(thumb.data), "mime_type": thumb.mime_type,
                          "public_url": stored_thumb.public_url},
            "usage": result.usage.model_dump(mode="json"),
            "generator": result.metadata,
            "store": store.name,
        }
        files.append(StoredImage(path, stored.public_url, thumb_path, stored_thumb.public_url, result.file_size,
                                 len(thumb.data), result.width, result.height, ratio, prompt, _j(metadata)))
    return files


def _image_rows(user_id: uuid.UUID, sessions: list[_Session], n: int, files: list[StoredImage], sizes: Sizes,
                rng: random.Random, now: datetime) -> Iterator[tuple]:
    with_images = [s for s in sessions if s.reached("outputs")]
    rng.shuffle(with_images)
    with_images = with_images[: max(1, round(len(with_images) * (1 - sizes.imageless_share)))] if with_images else []
    standalone = round(n * sizes.standalone_share) if with_images else n
    for i in range(n):
        f = files[int(rng.random() * len(files))]
        if i < standalone:
            session_id, created = None, now - timedelta(seconds=rng.uniform(0, sizes.days * 86400))
        else:
            s = with_images[int(rng.random() * len(with_images))]
            session_id, created = s.id, s.at(rng.uniform(0.9, 1.0))
        yield (uuid.UUID(int=rng.getrandbits(128), version=4), user_id, session_id, f.path, f.public_url, f.prompt,
               None, "offline", f.aspect_ratio, f.width, f.height, f.file_size, "image/png", f.metadata_json, created)


# --- the whole seed --------------------------------------------------------------------------

def _add_user(db: Database, email: str) -> uuid.UUID:
    with db.admin() as conn:
        return conn.execute("insert into auth.users (email) values (%s) returning id", [email]).fetchone()["id"]


COLUMNS = {
    "content_sessions": ("id", "user_id", "title", "status", "selected_theme", "created_at", "updated_at"),
    "content_brain_dumps": ("session_id", "raw_content", "themes", "model_used", "usage", "created_at", "updated_at"),
    "content_research": ("session_id", "version", "theme", "items", "kept_item_ids", "model_used", "usage",
                         "created_at", "updated_at"),
    "content_outlines": ("session_id", "version", "options", "chosen_index", "chosen_outline", "model_used", "usage",
                         "created_at", "updated_at"),
    "content_drafts": ("session_id", "version", "markdown", "word_count", "source", "model_used", "usage", "created_at"),
    "content_outputs": ("session_id", "output_type", "version", "content", "metadata", "model_used", "usage",
                        "created_at"),
    "generated_images": ("id", "user_id", "session_id", "storage_path", "public_url", "prompt", "negative_prompt",
                         "model_used", "aspect_ratio", "width", "height", "file_size", "mime_type", "metadata",
                         "created_at"),
}


# Kept by triggers in the app (sql/015); made after the load here.
SUMMARY_TABLES = ("content_session_search", "content_session_counts")


def _rebuild_summaries(db: Database, part: int, parts: int) -> None:
    with db.admin() as conn:
        conn.execute("select content_studio.rebuild_session_summaries(%s, %s)", [part, parts])


def _vacuum_analyze(db: Database, tables: list[str]) -> None:
    """What autovacuum would have done by now: visibility map, GIN pending lists merged, statistics."""
    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute(f"vacuum (analyze) {', '.join(f'public.{t}' for t in tables)}")


def seed(db: Database, data_dir: Path, sizes: Sizes = Sizes(), *, log: Log = print) -> Seeded:
    """Fill a freshly migrated, empty database and `data_dir/images`; returns who and what was made.

    Full-text indexing is most of the work (each session's search document runs to_tsvector on its
    title, brain dump and drafts), so the drafts load in two halves on two more connections while this
    thread loads the other tables, and the documents are made in two halves too: both cores work.
    """
    start = time.perf_counter()
    with db.admin() as conn:
        if conn.execute("select exists (select 1 from public.content_sessions) as yes").fetchone()["yes"]:
            raise RuntimeError("seed() needs a freshly migrated, empty database")
    now = datetime.now(timezone.utc)
    vocab = vocabulary(sizes.vocabulary, random.Random(sizes.seed))
    store = LocalImageStore(images_root(Path(data_dir)))
    base = Writer(random.Random(f"{sizes.seed}-plan"), vocab, sizes.sentence_pool)

    def writer(name: str) -> Writer:  # one random stream per table: the same data whatever the thread timing
        return base.fork(random.Random(f"{sizes.seed}-{name}"))

    counts: dict[str, int] = {}
    lock = threading.Lock()

    def step(table: str, rows: Iterable[tuple], label: str = "") -> None:
        t = time.perf_counter()
        n = _copy(db, table, COLUMNS[table], rows)
        with lock:
            counts[table] = counts.get(table, 0) + n
        log(f"  {table + label:<28} {n:>8,} rows  {time.perf_counter() - t:6.1f} s")

    with ThreadPoolExecutor(max_workers=4) as pool:
        # Rendering runs beside the text seeding (Pillow does most of it outside the GIL).
        rendering = pool.submit(_render, sizes.rendered_images, f"{sizes.seed}-images", vocab)

        main = ensure_local_user(db).id  # the app's local user is the one seeded at scale
        other = _add_user(db, OTHER_EMAIL)
        small = _add_user(db, SMALL_EMAIL)
        users = [(main, sizes.sessions, sizes.images), (other, sizes.other_sessions, sizes.other_images),
                 (small, sizes.small_sessions, sizes.small_images)]
        log(f"seeding: {sizes.sessions:,} + {sizes.other_sessions:,} + {sizes.small_sessions:,} sessions, "
            f"{sizes.images:,} + {sizes.other_images:,} + {sizes.small_images:,} images, vocabulary {len(vocab):,} words")

        plans = [_plan_sessions(user_id, n, sizes, base, now) for user_id, n, _ in users]
        # The rare word: in a few of the local user's drafts, and in one of the second user's (RLS must hide it).
        drafted = [s for s in plans[0] if s.reached("outputs")]
        rare = {s.id for s in base.rng.sample(drafted, min(sizes.rare_word_drafts, len(drafted)))}
        for s in plans[0]:
            s.rare = s.id in rare
        other_drafted = [s for s in plans[1] if s.reached("outputs")]
        if other_drafted:
            other_drafted[0].rare = True
        everyone = [s for plan in plans for s in plan]

        brain_dumps = {s.id: base.brain_dump() for s in everyone}
        step("content_sessions", _session_rows(everyone, brain_dumps))

        halves = [pool.submit(step, "content_drafts", _draft_rows(everyone[i::2], writer(f"drafts-{i}"), RARE_WORD),
                              f" ({i + 1}/2)") for i in (0, 1)]

        def image_rows() -> Iterator[tuple]:
            rendered = rendering.result()
            for i, ((user_id, _, n), sessions) in enumerate(zip(users, plans)):
                files = _store_files(store, user_id, rendered)
                yield from _image_rows(user_id, sessions, n, files, sizes, random.Random(f"{sizes.seed}-images-{i}"), now)

        step("content_brain_dumps", _brain_dump_rows(everyone, brain_dumps, writer("brain_dumps")))
        del brain_dumps
        step("content_research", _research_rows(everyone, writer("research")))
        step("content_outlines", _outline_rows(everyone, writer("outlines")))
        step("content_outputs", _output_rows(everyone, writer("outputs")))
        step("generated_images", image_rows())
        rendered = rendering.result()
        for half in halves:
            half.result()
        t = time.perf_counter()
        list(pool.map(lambda part: _rebuild_summaries(db, part, 2), (0, 1)))
        log(f"  {'summaries (sql/015)':<28} {counts['content_sessions']:>8,} rows  {time.perf_counter() - t:6.1f} s")

        def analyse(label: str, tables: list[str]) -> None:
            t = time.perf_counter()
            _vacuum_analyze(db, tables)
            log(f"  vacuum + analyze {label:<11} {time.perf_counter() - t:6.1f} s")

        # The two largest tables on their own connections, the rest on this one.
        big = ("content_drafts", "content_session_search")
        analysed = [pool.submit(analyse, table.split("_")[-1], [table]) for table in big]
        analyse("the rest", [table for table in (*COLUMNS, *SUMMARY_TABLES) if table not in big])
        for each in analysed:
            each.result()

    seconds = time.perf_counter() - start
    log(f"seeded in {seconds:.1f} s")
    return Seeded(user_id=main, other_user_id=other, small_user_id=small, rare_word=RARE_WORD,
                  rare_sessions=rare, store_root=store.root, thumb_sizes=[len(r[3].data) for r in rendered],
                  sizes=sizes, counts=counts, seconds=seconds)
