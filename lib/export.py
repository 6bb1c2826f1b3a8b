"""A session as Markdown, and as a ZIP with that Markdown and every image of the session."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urljoin
from typing import Callable, Iterable

from lib.errors import StorageError
from lib.generate.platform_limits import slugify as slug  # export file names follow the blog slug's rule
from lib.generate import OUTPUT_FORMAT_LABELS, RESEARCH_KIND_LABELS, RESEARCH_KINDS
from lib.images import ImageRecord, Images
from lib.session import Session, Sessions


def nested_headings(markdown: str, below: int = 2) -> str:
    """Headings moved under the export's own `below`-level heading (the draft's `#` title becomes `###`)."""
    out, fenced = [], False
    for line in markdown.strip().splitlines():
        fenced ^= line.lstrip().startswith("```")
        heading = re.match(r"^(#{1,6})\s", line)
        out.append("#" * min(6, len(heading.group(1)) + below) + line[len(heading.group(1)):]
                   if heading and not fenced else line)
    return "\n".join(out)


def session_markdown(session: Session, images: list[ImageRecord], image_dir: str | None = None,
                     base_url: str | None = None) -> str:
    """Every saved step, in pipeline order. With `image_dir`, images link to files beside the Markdown (the ZIP);
    otherwise to their public URLs, made absolute with `base_url` (the app's address) when the store gives a
    path on this server, so the links work in any Markdown viewer."""
    lines = [f"# {session.title}", "",
             f"_Status: {session.status.replace('_', ' ')} · started {session.created_at:%Y-%m-%d %H:%M} · "
             f"last activity {session.updated_at:%Y-%m-%d %H:%M}_", ""]
    if session.brain_dump:
        lines += ["## Brain dump", "", session.brain_dump.raw_content.strip(), ""]
        if session.brain_dump.themes:
            lines += ["## Themes", ""]
            for theme in session.brain_dump.themes:
                chosen = " (chosen)" if session.selected_theme and theme.id == session.selected_theme.id else ""
                lines.append(f"- **{theme.title}**{chosen}: {theme.summary}")
            lines.append("")
    research = session.current_research
    if research and research.kept_items:
        lines += ["## Research (kept)", ""]
        for kind in RESEARCH_KINDS:
            items = [i for i in research.kept_items if i.kind == kind]
            if items:
                lines += [f"### {RESEARCH_KIND_LABELS[kind]}", ""]
                lines += [f"- {i.text}{' (verify)' if i.verify else ''}{' — ' + i.source if i.source else ''}"
                          for i in items]
                lines.append("")
    outline = session.current_outline
    if outline and outline.chosen_outline:
        chosen = outline.chosen_outline
        lines += ["## Outline", "", f"**{chosen.title}**", "", f"_Hook:_ {chosen.hook}", ""]
        for section in chosen.sections:
            lines += [f"### {section.heading}", *(f"- {point}" for point in section.points), ""]
        lines += [f"_Call to action:_ {chosen.call_to_action}", ""]
    draft = session.current_draft
    if draft:
        lines += [f"## Draft (version {draft.version}, {draft.word_count:,} words)", "", nested_headings(draft.markdown), ""]
    if session.current_outputs:
        lines += ["## Outputs", ""]
        for kind, out in session.current_outputs.items():
            lines += [f"### {OUTPUT_FORMAT_LABELS.get(kind, kind)}", "", nested_headings(out.content, below=3), ""]
    if images:
        lines += ["## Images", ""]
        for image in images:
            target = f"{image_dir}/{image.file_name}" if image_dir else _public(image, base_url)
            lines += [f"![{image.prompt[:80]}]({target})", "",
                      f"_{image.width}×{image.height} · {image.aspect_ratio} · {image.model_used}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def _public(image: ImageRecord, base_url: str | None) -> str:
    if not image.public_url:
        return "(not uploaded yet: retry the upload, or use Export ZIP)"
    return urljoin(base_url, image.public_url) if base_url else image.public_url


def _add_images(archive: zipfile.ZipFile, images: list[ImageRecord], image_bytes: Callable[[ImageRecord], bytes],
                folder: str) -> list[str]:
    """Write each image under `folder`; return the ones whose file was missing (they do not stop the export)."""
    missing = []
    for image in images:
        try:
            data = image_bytes(image)
        except StorageError as exc:
            missing.append(f"{folder}/{image.file_name} ({image.prompt[:80]}): {exc}")
            continue
        # PNGs are already compressed: store them as they are.
        archive.writestr(zipfile.ZipInfo(f"{folder}/{image.file_name}"), data, zipfile.ZIP_STORED)
    return missing


def _note_missing(archive: zipfile.ZipFile, missing: list[str]) -> None:
    if missing:
        archive.writestr("MISSING.txt", "These images' files were missing when this export was made:\n\n"
                         + "\n".join(missing) + "\n")


def session_zip(session: Session, images: list[ImageRecord], image_bytes: Callable[[ImageRecord], bytes]) -> bytes:
    """`{slug}.md` plus `images/{id}.png` for every image (read through `image_bytes`: store or spool).

    An image whose file is missing does not stop the export: `MISSING.txt` lists it instead.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{slug(session.title)}.md", session_markdown(session, images, image_dir="images"))
        _note_missing(archive, _add_images(archive, images, image_bytes, "images"))
    return buffer.getvalue()


def everything_zip(sessions: Iterable[tuple[Session, list[ImageRecord]]], standalone: list[ImageRecord],
                   image_bytes: Callable[[ImageRecord], bytes]) -> bytes:
    """All of one user's work: a folder per session (its Markdown and images) and `standalone/` images."""
    buffer = io.BytesIO()
    missing: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for session, images in sessions:
            folder = f"{slug(session.title)}-{str(session.id)[:8]}"
            archive.writestr(f"{folder}/{slug(session.title)}.md", session_markdown(session, images, image_dir="images"))
            missing += _add_images(archive, images, image_bytes, f"{folder}/images")
        missing += _add_images(archive, standalone, image_bytes, "standalone")
        _note_missing(archive, missing)
    return buffer.getvalue()


def user_archive(sessions: Sessions, images: Images) -> bytes:
    """Everything the signed-in user made, as one ZIP (every read runs as that user: RLS keeps others out)."""
    pairs = ((sessions.get(sid), images.for_session(sid)) for sid in sessions.every_id())
    return everything_zip(pairs, images.standalone(limit=None), images.image_bytes)
